#!/usr/bin/env python3
"""Batch benchmark: `gf map --redis` over 1, 2 and 4 runtime processes sharing one Redis.

Two batches: 100,000 small calls (Base.square, CPU-bound and tiny) and 2,000 calls that each
sleep 50 ms (Base.nap). Prints items/s per runtime count and the scaling ratio against one
runtime. The sleep-bound batch should scale with total Python workers; the CPU-bound one is
capped by the machine's cores (the runtimes, Redis and the producer share them).

Usage: bench/batch/bench.py [--small 100000] [--sleepy 2000] [--runtimes 1,2,4]
Needs: redis-server, a built runtime jar and gf jar (built when missing).
"""

import argparse
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, "runtime-image", "target", "quarkus-app", "quarkus-run.jar")
GF = os.path.join(ROOT, "bin", "gf")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, proc, seconds=90):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("a runtime exited early")
        try:
            with urllib.request.urlopen(
                "http://127.0.0.1:%d/q/health/ready" % port, timeout=2
            ) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("runtime not ready")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=100_000)
    ap.add_argument("--sleepy", type=int, default=2000)
    ap.add_argument("--runtimes", default="1,2,4")
    ap.add_argument("--workers", type=int, default=2, help="Python workers per runtime")
    args = ap.parse_args()
    counts = [int(c) for c in args.runtimes.split(",")]

    if not os.path.exists(JAR):
        subprocess.run(
            [
                os.path.join(ROOT, "mvnw"),
                "-B",
                "-q",
                "-pl",
                "runtime-image,cli",
                "-am",
                "package",
                "-DskipTests",
            ],
            cwd=ROOT,
            check=True,
        )
    work = tempfile.mkdtemp(prefix="gf-batch-bench-")
    lib = os.path.join(work, "lib", "Base")
    os.makedirs(lib)
    with open(os.path.join(lib, "square.py"), "w") as f:
        f.write("def square(x=0):\n    return x * x\n")
    with open(os.path.join(lib, "nap.py"), "w") as f:
        f.write(
            "import time\n\n\ndef nap(x=0, seconds=0.05):\n    time.sleep(seconds)\n    return x\n"
        )
    small_in = os.path.join(work, "small.jsonl")
    with open(small_in, "w") as f:
        for i in range(args.small):
            f.write('{"x": %d}\n' % i)
    sleepy_in = os.path.join(work, "sleepy.jsonl")
    with open(sleepy_in, "w") as f:
        for i in range(args.sleepy):
            f.write('{"x": %d}\n' % i)

    redis_port = free_port()
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            work,
        ],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    redis_uri = "redis://127.0.0.1:%d" % redis_port
    rows = []
    try:
        for n in counts:
            runtimes = []
            for _ in range(n):
                port = free_port()
                env = dict(
                    os.environ,
                    TZ="UTC",
                    GF_FUNCTIONS_DIR=os.path.join(work, "lib"),
                    GF_REDIS_URI=redis_uri,
                    QUARKUS_HTTP_PORT=str(port),
                    GF_BATCH_SHARE="1",
                    GF_PYTHON_WORKERS=str(args.workers),
                    QUARKUS_LOG_LEVEL="WARN",
                    GF_WORK_DIR=work,
                )
                p = subprocess.Popen(
                    ["java", "-XX:+UseSerialGC", "-jar", JAR],
                    env=env,
                    stdout=open(os.path.join(work, "rt-%d.log" % port), "w"),
                    stderr=subprocess.STDOUT,
                )
                runtimes.append((p, port))
            for p, port in runtimes:
                wait_ready(port, p)
            time.sleep(1)  # let every consumer announce itself and join the group
            figures = {}
            for name, path, total in (
                ("small", small_in, args.small),
                ("sleepy", sleepy_in, args.sleepy),
            ):
                fn = "Base.square" if name == "small" else "Base.nap"
                out = os.path.join(work, "%s-%d.out" % (name, n))
                start = time.time()
                subprocess.run(
                    [
                        GF,
                        "map",
                        fn,
                        "--input",
                        path,
                        "--output",
                        out,
                        "--redis",
                        redis_uri,
                        "--branch",
                        "local",
                    ],
                    check=True,
                    stdout=subprocess.DEVNULL,
                    env=dict(os.environ, GF_HOME=os.path.join(work, "gfhome")),
                )
                took = time.time() - start
                with open(out) as f:
                    lines = sum(1 for _ in f)
                assert lines == total, (name, lines, total)
                figures[name] = total / took
            rows.append((n, figures))
            for p, _ in runtimes:
                p.terminate()
            for p, _ in runtimes:
                p.wait(timeout=30)
    finally:
        redis.terminate()
        shutil.rmtree(work, ignore_errors=True)

    base = rows[0][1]
    print(
        "gf map --redis, %d Python workers per runtime, %d cores" % (args.workers, os.cpu_count())
    )
    print(
        "%8s | %22s | %22s"
        % (
            "runtimes",
            "%d small: items/s (x)" % args.small,
            "%d x 50 ms: items/s (x)" % args.sleepy,
        )
    )
    for n, f in rows:
        print(
            "%8d | %12.0f (%5.2fx) | %12.0f (%5.2fx)"
            % (n, f["small"], f["small"] / base["small"], f["sleepy"], f["sleepy"] / base["sleepy"])
        )
    print("ideal sleep-bound scaling = total Python workers / %d" % args.workers)


if __name__ == "__main__":
    main()
