#!/usr/bin/env python3
"""Runtime benchmark: GlobalFunc's runtime against the seed's tornado server, side by side.

Both serve examples/functions on loopback; wrk posts the seed's own call
(Base.inverse_time_str, time_str="2024-02-15 11:11:11", bias_hours=-8) at 1, 16 and 64
connections. Prints req/s, p50 and p99 for each, and GlobalFunc / baseline ratios.

Usage: bench/runtime/bench.py [--seconds 10] [--connections 1,16,64]
Needs: wrk (Debian package), tornado (pip), a built runtime (make run builds it; this script
builds it when missing).
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIBRARY = os.path.join(ROOT, "examples", "functions")
JAR = os.path.join(ROOT, "runtime-image", "target", "quarkus-app", "quarkus-run.jar")
BODY = {
    "pack_func": "Base.inverse_time_str",
    "kwargs": {"time_str": "2024-02-15 11:11:11", "bias_hours": -8},
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url, proc, seconds=60):
    deadline = time.time() + seconds
    data = json.dumps(BODY).encode()
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited early: %s" % proc.args)
        try:
            req = urllib.request.Request(
                url, data=data, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(req, timeout=2) as r:
                answer = r.read().decode()
                if answer.strip() not in ("1707966671", "1707966671.0"):
                    raise SystemExit("unexpected answer from %s: %s" % (url, answer))
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("no answer from %s" % url)


def to_ms(text):
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url, connections, seconds, script):
    threads = min(connections, 2)
    out = subprocess.run(
        [
            "wrk",
            "-t%d" % threads,
            "-c%d" % connections,
            "-d%ds" % seconds,
            "--latency",
            "-s",
            script,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sock.group(1) if sock else "",
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", default="1,16,64")
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    args = ap.parse_args()
    conns = [int(c) for c in args.connections.split(",")]

    if not os.path.exists(JAR):
        subprocess.run(
            [
                os.path.join(ROOT, "mvnw"),
                "-B",
                "-q",
                "-pl",
                "runtime-image",
                "-am",
                "package",
                "-DskipTests",
            ],
            cwd=ROOT,
            check=True,
        )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(
            'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n'
            % json.dumps(json.dumps(BODY))
        )
        script = f.name

    env = dict(os.environ, TZ="UTC")
    seed_port, gf_port = free_port(), free_port()
    logs = tempfile.mkdtemp(prefix="gf-bench-")
    seed = subprocess.Popen(
        [
            sys.executable,
            os.path.join(ROOT, "bench", "runtime", "seed_server.py"),
            LIBRARY,
            str(seed_port),
        ],
        env=env,
        stdout=open(os.path.join(logs, "seed.log"), "w"),
        stderr=subprocess.STDOUT,
    )
    gf_env = dict(
        env,
        GF_FUNCTIONS_DIR=LIBRARY,
        QUARKUS_HTTP_PORT=str(gf_port),
        GF_PYTHON_WORKERS=str(args.workers),
        QUARKUS_LOG_LEVEL="WARN",
    )
    gf = subprocess.Popen(
        ["java", "-jar", JAR],
        env=gf_env,
        stdout=open(os.path.join(logs, "gf.log"), "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        seed_url = "http://127.0.0.1:%d/gfgo/" % seed_port
        gf_url = "http://127.0.0.1:%d/gfgo/" % gf_port
        wait_until_serving(seed_url, seed)
        wait_until_serving(gf_url, gf)
        # Warm both up (the JVM's JIT most of all) before measuring.
        wrk(gf_url, 16, max(5, args.seconds // 2), script)
        wrk(seed_url, 16, 2, script)
        rows = []
        for c in conns:
            base = wrk(seed_url, c, args.seconds, script)
            ours = wrk(gf_url, c, args.seconds, script)
            rows.append((c, base, ours))
    finally:
        for p in (seed, gf):
            p.terminate()
        for p in (seed, gf):
            p.wait(timeout=30)

    print(
        "POST /gfgo/ Base.inverse_time_str on loopback, %ds per run, wrk, "
        "%d cores, %d Python workers" % (args.seconds, os.cpu_count(), args.workers)
    )
    print(
        "%5s | %-28s | %-28s | %-24s"
        % (
            "conns",
            "seed tornado: req/s p50 p99",
            "GlobalFunc: req/s p50 p99",
            "ratio: req/s  p50  p99",
        )
    )
    for c, b, o in rows:
        print(
            "%5d | %8.0f %8.2fms %8.2fms | %8.0f %8.2fms %8.2fms | %6.2fx %5.2fx %5.2fx%s"
            % (
                c,
                b["rps"],
                b["p50"],
                b["p99"],
                o["rps"],
                o["p50"],
                o["p99"],
                o["rps"] / b["rps"],
                o["p50"] / b["p50"],
                o["p99"] / b["p99"],
                "  (non-2xx: seed %d, gf %d)" % (b["non2xx"], o["non2xx"])
                if b["non2xx"] or o["non2xx"]
                else "",
            )
        )
    print("req/s ratio > 1 is faster; latency ratio < 1 is faster.")


if __name__ == "__main__":
    main()
