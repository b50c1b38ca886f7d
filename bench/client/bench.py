#!/usr/bin/env python3
"""Client benchmark: what the `globalfunc` client costs and what its `map` gains, in one run.

1. Per call: `gf.call` and `gf.Util.mean(...)` against raw `requests.post(url + "/gfgo/")` (what
   the seed's users wrote) and a keep-alive `requests.Session`, sequential, on one runtime.
2. Many calls: `gf.map("Util.mean", ...)` of 100,000 small items over two runtimes against a
   `concurrent.futures` thread pool doing one `requests.post` per item over the same two.

Prints calls/s or items/s and ratios against the baseline of the same run.
Usage: $(bash scripts/python-env.sh)/bin/python bench/client/bench.py [--calls 2000]
       [--items 100000] [--baseline-items 100000] [--threads 16] [--workers 2]
Needs a built runtime jar (./mvnw -B -q -pl runtime-image -am package -DskipTests).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
JAR = ROOT / "runtime-image" / "target" / "quarkus-app" / "quarkus-run.jar"
sys.path.insert(0, str(ROOT / "clients" / "python" / "src"))

import globalfunc  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_runtime(tmp: Path, name: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    home = tmp / name
    home.mkdir()
    env = dict(
        os.environ,
        QUARKUS_HTTP_PORT=str(port),
        GF_FUNCTIONS_DIR=str(ROOT / "examples" / "functions"),
        GF_PYTHON_WORKERS=str(workers),
        GF_CACHE_DIR=str(home / "cache"),
        GF_WORK_DIR=str(home / "work"),
        TZ="UTC",
    )
    proc = subprocess.Popen(
        ["java", "-XX:+UseSerialGC", "-jar", str(JAR)],
        env=env,
        cwd=home,
        stdout=(home / "log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return proc, "http://127.0.0.1:%d" % port


def wait_ready(url: str, proc: subprocess.Popen) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("a runtime exited early")
        try:
            with urllib.request.urlopen(url + "/q/health/ready", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("runtime not ready")


def per_call(url: str, calls: int, rounds: int = 10) -> list[tuple[str, float]]:
    """Seconds per call of each client: sequential calls, the clients taking turns in rounds
    (so a busy moment of the machine falls on all of them), the median round of each."""
    body = {"pack_func": "Util.mean", "kwargs": {"values": [1, 2]}}
    session = requests.Session()
    gf = globalfunc.connect(url)
    clients = [
        ("requests.post (baseline)", lambda: requests.post(url + "/gfgo/", json=body).json()),
        ("requests.Session().post", lambda: session.post(url + "/gfgo/", json=body).json()),
        ('gf.call("Util.mean", ...)', lambda: gf.call("Util.mean", values=[1, 2])),
        ("gf.Util.mean(...)", lambda: gf.Util.mean(values=[1, 2])),
    ]
    per_round = max(1, calls // rounds)
    samples: dict[str, list[float]] = {name: [] for name, _ in clients}
    for _name, fn in clients:  # warm-up: connections, the catalog, the JIT
        for _ in range(50):
            fn()
    for _ in range(rounds):
        for name, fn in clients:
            start = time.perf_counter()
            for _ in range(per_round):
                assert fn() == 1.5
            samples[name].append((time.perf_counter() - start) / per_round)
    gf.close()
    return [(name, statistics.median(samples[name])) for name, _ in clients]


def baseline_map(urls: list[str], n: int, threads: int) -> float:
    """Items/s of a thread pool posting one item per request, spread over the runtimes."""
    local = threading.local()

    def one(i: int):
        s = getattr(local, "session", None)
        if s is None:
            s = local.session = requests.Session()
        r = s.post(
            urls[i % len(urls)] + "/gfgo/",
            json={"pack_func": "Util.mean", "kwargs": {"values": [i, 1]}},
        )
        return r.json()

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        out = list(pool.map(one, range(n), chunksize=64))
    elapsed = time.perf_counter() - start
    assert out[:3] == [0.5, 1.0, 1.5] and len(out) == n
    return n / elapsed


def client_map(urls: list[str], n: int, chunk_size: int) -> float:
    gf = globalfunc.connect(urls)
    start = time.perf_counter()
    count = 0
    for i, r in enumerate(
        gf.map("Util.mean", ({"values": [i, 1]} for i in range(n)), chunk_size=chunk_size)
    ):
        if i < 3:
            assert r == (i + 1) / 2
        count += 1
    elapsed = time.perf_counter() - start
    gf.close()
    assert count == n
    return n / elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--baseline-items", type=int, default=100_000)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2, help="Python workers per runtime")
    ap.add_argument("--chunk-size", type=int, default=500)
    args = ap.parse_args()
    if not JAR.exists():
        raise SystemExit(
            "build the runtime first: ./mvnw -B -q -pl runtime-image -am package -DskipTests"
        )
    tmp = Path(tempfile.mkdtemp(prefix="gf-client-bench-"))
    procs = []
    try:
        started = [start_runtime(tmp, name, args.workers) for name in ("a", "b")]
        procs = [p for p, _ in started]
        urls = [u for _, u in started]
        for p, u in started:
            wait_ready(u, p)

        rows = per_call(urls[0], args.calls)
        base = rows[0][1]
        print(
            "\n## Per call (sequential, one runtime, %d calls of Util.mean per client, "
            "in 10 interleaved rounds; median round)\n" % args.calls
        )
        print("| client | µs per call | calls/s | time vs requests.post |")
        print("|---|---|---|---|")
        for name, secs in rows:
            print("| %s | %.0f | %.0f | %.2f× |" % (name, secs * 1e6, 1 / secs, secs / base))

        base_rate = baseline_map(urls, args.baseline_items, args.threads)
        map_rate = client_map(urls, args.items, args.chunk_size)
        print("\n## Many calls over two runtimes (%d Python workers each)\n" % args.workers)
        print("| how | items | items/s | ratio |")
        print("|---|---|---|---|")
        print(
            "| concurrent.futures, %d threads, one requests.post per item (baseline) "
            "| %d | %.0f | 1.00× |" % (args.threads, args.baseline_items, base_rate)
        )
        print(
            "| gf.map, chunks of %d | %d | %.0f | %.2f× |"
            % (args.chunk_size, args.items, map_rate, map_rate / base_rate)
        )
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
