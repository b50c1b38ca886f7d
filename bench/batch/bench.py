#!/usr/bin/env python3
"""Batch benchmark: `gf map --redis` over 1, 2 and 4 runtime processes sharing one Redis, or
(`--peers`) against multiprocessing.Pool and Celery in the same run.

Scaling (default): two batches, 100,000 small calls (Base.square, CPU-bound and tiny) and 2,000
calls that each sleep 50 ms (Base.nap). Prints items/s per runtime count and the scaling ratio
against one runtime. The sleep-bound batch should scale with total Python workers; the CPU-bound
one is capped by the machine's cores (the runtimes, Redis and the producer share them).

Peers (`--peers`): each contender run end to end as a user runs it, a process that reads a JSONL
file of kwargs and writes a JSONL file of results in order: `multiprocessing.Pool(P).imap(...,
chunksize=ceil(n / 4P))` (pool_map.py), Celery with a Redis broker and backend and
`task.chunks(..., same chunk size)` on a worker of concurrency P already running (celery_map.py),
and `gf map --redis` on one runtime of P Python workers already running. Cases: add x 1,000,000,
add x 100,000 and 2,000 x 50 ms sleeps, for P in --procs. Before them, a first batch of --warm
adds (default 1,000,000; 0 for none) runs through all three on the services just started and is
printed as the "fresh" row: Celery's worker and gf's runtime are long-lived servers, and the
runtime's JIT compiles its batch path on its first batch. Prints seconds and ratios against the
Pool and Celery of the same run, and the sleep-bound efficiency against the ideal n x 50 ms / P.
`--gf NAME=QUARKUS_RUN_JAR [JVM option ...]` (repeatable) runs several runtime builds in the same
run (e.g. before/after a change): each its own runtime, started at the same time, on its own Redis
database, all driven by this checkout's `gf map`; each case runs the Pool and Celery once, then
every build, and prints a row per build. Runtimes run with runtime-image/Dockerfile's
JAVA_OPTS_APPEND, as the image starts them.
Celery is pip-installed into ~/.cache/globalfunc/bench-venv (requirements.txt).

`gf map --redis` runs as a user's does: the first gf command of the bench starts a gf daemon (in
the bench's own folder) and later maps run in it (its CPU is printed as gf_daemon; the fresh row's
map runs in a fresh JVM); `--no-daemon` runs every map in a fresh JVM.

Agent (`--agent`): the same two batches on one runtime that consumes the stream itself (the
baseline) and on one worker-pod pair, a runtime without Redis plus a batch agent
(GF_BATCH_AGENT=true, the Redis URI from GF_REDIS_URI_FILE) running each task on it over HTTP;
prints items/s of both and the agent/baseline ratio (the cost of keeping the secret out of the
runtime).

Usage: bench/batch/bench.py [--small 100000] [--sleepy 2000] [--runtimes 1,2,4]
       bench/batch/bench.py --agent [--small 100000] [--sleepy 2000]
       bench/batch/bench.py --peers [--cases add1m,add100k,nap] [--procs 2,8] [--warm 1000000]
           [--gf NAME=QUARKUS_RUN_JAR ...]
Needs: redis-server, a built runtime jar and gf jar (built when missing).
"""

import argparse
import json
import math
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BENCH_VENV = os.path.expanduser("~/.cache/globalfunc/bench-venv")
CASES = {  # name: (function, items, kwargs of item i)
    "add1m": ("add", 1_000_000, lambda i: {"a": i, "b": 1}),
    "add100k": ("add", 100_000, lambda i: {"a": i, "b": 1}),
    "nap": ("nap", 2_000, lambda i: {"x": i}),
}
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


def build_jars():
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


def start_redis(work):
    port = free_port()
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
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
    return proc, "redis://127.0.0.1:%d" % port


def image_java_opts():
    """JAVA_OPTS_APPEND as runtime-image/Dockerfile sets it: the bench runs the JVM as shipped."""
    with open(os.path.join(ROOT, "runtime-image", "Dockerfile")) as f:
        m = re.search(r'JAVA_OPTS_APPEND="([^"]*)"', f.read())
    return m.group(1).split() if m else []


def gf_builds(specs):
    """(name, runtime jar, extra JVM options) per --gf, or this checkout's runtime as "gf"."""
    if not specs:
        return [("gf", JAR, [])]
    builds = []
    for v in specs:  # NAME=JAR [JVM option ...]
        name, rest = v.split("=", 1)
        jar, *extra = rest.split()
        builds.append((name, jar, extra))
    return builds


def start_runtime(work, lib, redis_uri, workers, jar=JAR, java_opts=(), **extra):
    port = free_port()
    env = dict(
        os.environ,
        TZ="UTC",
        GF_FUNCTIONS_DIR=lib,
        QUARKUS_HTTP_PORT=str(port),
        GF_BATCH_SHARE="1",
        GF_PYTHON_WORKERS=str(workers),
        QUARKUS_LOG_LEVEL="WARN",
        GF_WORK_DIR=work,
        **extra,
    )
    if redis_uri:
        env["GF_REDIS_URI"] = redis_uri
    p = subprocess.Popen(
        ["java"] + image_java_opts() + list(java_opts) + ["-jar", jar],
        env=env,
        stdout=open(os.path.join(work, "rt-%d.log" % port), "w"),
        stderr=subprocess.STDOUT,
    )
    return p, port


# gf map --redis runs in the user's gf daemon (a warm JVM bin/gf starts on the first gf command),
# as a user's would; --no-daemon runs every map in a fresh JVM (GF_DAEMON=0).
USE_DAEMON = True


def daemon_folder(work):
    return os.path.join(work, "daemon")


def gf_map(work, fn, src, dst, redis_uri):
    env = dict(os.environ, GF_HOME=os.path.join(work, "gfhome"), GF_DAEMON_DIR=daemon_folder(work))
    env["GF_DAEMON"] = "1" if USE_DAEMON else "0"
    subprocess.run(
        [GF, "map", fn, "--input", src, "--output", dst, "--redis", redis_uri, "--branch", "local"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def daemon_pids(work):
    """The gf daemons of this bench (their socket is in its daemon folder)."""
    folder = daemon_folder(work).encode()
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % name, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if b"io.globalfunc.cli.GfDaemon" in argv and any(a.startswith(folder) for a in argv):
            pids.append(int(name))
    return pids


def stop_daemons(work):
    for pid in daemon_pids(work):
        try:
            os.kill(pid, 15)
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=100_000)
    ap.add_argument("--sleepy", type=int, default=2000)
    ap.add_argument("--runtimes", default="1,2,4")
    ap.add_argument("--workers", type=int, default=2, help="Python workers per runtime")
    ap.add_argument("--peers", action="store_true", help="against multiprocessing.Pool and Celery")
    ap.add_argument("--agent", action="store_true", help="a batch agent against the runtime")
    ap.add_argument("--cases", default="add1m,add100k,nap")
    ap.add_argument("--procs", default="2,8")
    ap.add_argument(
        "--gf",
        action="append",
        help="--peers: NAME=path/to/quarkus-run.jar [JVM opts] (repeatable)",
    )
    ap.add_argument(
        "--warm",
        type=int,
        default=1_000_000,
        help="--peers: adds run through all three first, timed as the fresh services' figure"
        " (0: none)",
    )
    ap.add_argument(
        "--no-daemon",
        action="store_true",
        help="run every gf map in a fresh JVM (GF_DAEMON=0) instead of the gf daemon",
    )
    args = ap.parse_args()
    global USE_DAEMON
    USE_DAEMON = not args.no_daemon
    build_jars()
    if args.peers:
        peers(
            [c for c in args.cases.split(",")],
            [int(p) for p in args.procs.split(",")],
            args.warm,
            gf_builds(args.gf),
        )
    elif args.agent:
        agent(args)
    else:
        scaling(args)


def write_inputs(work, args):
    """The bench library (Base.square, Base.nap) and the two input files."""
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
    return small_in, sleepy_in


def run_batches(work, redis_uri, small_in, sleepy_in, args, tag):
    """Items/s of the small and the sleepy batch through gf map --redis."""
    figures = {}
    for name, path, total in (("small", small_in, args.small), ("sleepy", sleepy_in, args.sleepy)):
        fn = "Base.square" if name == "small" else "Base.nap"
        out = os.path.join(work, "%s-%s.out" % (name, tag))
        start = time.time()
        gf_map(work, fn, path, out, redis_uri)
        took = time.time() - start
        with open(out) as f:
            lines = sum(1 for _ in f)
        assert lines == total, (name, lines, total)
        figures[name] = total / took
    return figures


def stop(processes):
    for p in processes:
        p.terminate()
    for p in processes:
        p.wait(timeout=30)


def agent(args):
    """One runtime consuming itself (baseline) against one runtime + batch agent pair."""
    work = tempfile.mkdtemp(prefix="gf-batch-bench-")
    small_in, sleepy_in = write_inputs(work, args)
    lib = os.path.join(work, "lib")
    redis, redis_uri = start_redis(work)
    secret = os.path.join(work, "redis-uri")
    with open(secret, "w") as f:
        f.write(redis_uri)
    rows = {}
    try:
        for mode in ("runtime", "agent"):
            p, port = start_runtime(
                work, lib, redis_uri if mode == "runtime" else None, args.workers
            )
            wait_ready(port, p)
            started = [p]
            if mode == "agent":
                a, aport = start_runtime(
                    work,
                    lib,
                    None,
                    1,
                    GF_BATCH_AGENT="true",
                    GF_RUNTIME_URL="http://127.0.0.1:%d" % port,
                    GF_REDIS_URI_FILE=secret,
                    GF_BRANCH="local",
                    GF_BATCH_TASKS=str(8 * args.workers),  # the runtime's own prefetch
                )
                wait_ready(aport, a)
                started.append(a)
            time.sleep(2)  # let the consumer announce itself and join the group
            rows[mode] = run_batches(work, redis_uri, small_in, sleepy_in, args, mode)
            stop(started)
    finally:
        stop_daemons(work)
        redis.terminate()
        shutil.rmtree(work, ignore_errors=True)
    print(
        "gf map --redis, one runtime of %d Python workers, %d cores"
        % (args.workers, os.cpu_count())
    )
    print("%-28s | %14s | %14s" % ("consumer", "small items/s", "50 ms items/s"))
    for mode, label in (
        ("runtime", "runtime with Redis (base)"),
        ("agent", "batch agent + runtime"),
    ):
        print("%-28s | %14.0f | %14.0f" % (label, rows[mode]["small"], rows[mode]["sleepy"]))
    print(
        "%-28s | %13.2fx | %13.2fx"
        % (
            "agent / base",
            rows["agent"]["small"] / rows["runtime"]["small"],
            rows["agent"]["sleepy"] / rows["runtime"]["sleepy"],
        )
    )


def scaling(args):
    counts = [int(c) for c in args.runtimes.split(",")]
    work = tempfile.mkdtemp(prefix="gf-batch-bench-")
    small_in, sleepy_in = write_inputs(work, args)
    redis, redis_uri = start_redis(work)
    rows = []
    try:
        for n in counts:
            runtimes = [
                start_runtime(work, os.path.join(work, "lib"), redis_uri, args.workers)
                for _ in range(n)
            ]
            for p, port in runtimes:
                wait_ready(port, p)
            time.sleep(1)  # let every consumer announce itself and join the group
            rows.append((n, run_batches(work, redis_uri, small_in, sleepy_in, args, str(n))))
            stop([p for p, _ in runtimes])
    finally:
        stop_daemons(work)
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


def bench_python():
    """The bench venv's interpreter, with Celery installed (once) from requirements.txt."""
    python = os.path.join(BENCH_VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run(["python3", "-m", "venv", BENCH_VENV], check=True)
    probe = subprocess.run([python, "-c", "import celery"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run(
            [python, "-m", "pip", "install", "-q", "-r", os.path.join(HERE, "requirements.txt")],
            check=True,
        )
    return python


def timed(command, **kw):
    start = time.time()
    subprocess.run(command, check=True, **kw)
    return time.time() - start


TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    """(parent pid, CPU seconds of the process and of its children it waited for)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None, 0.0
    return int(fields[1]), sum(int(v) for v in fields[11:15]) / TICK


def tree_cpu(pid):
    """CPU seconds used so far by a process and every live descendant (and what they reaped)."""
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            parent, cpu = _stat(int(name))
            if parent is not None:
                parents[int(name)] = (parent, cpu)
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += parents.get(p, (None, 0.0))[1]
        todo.extend(c for c, (parent, _) in parents.items() if parent == p)
    return total


class CpuMeter:
    """CPU seconds each named process tree (and this script's finished children, and the gf
    daemons of `daemons`, the bench's work folder) spent between start() and stop()."""

    def __init__(self, daemons=None, **pids):
        self.pids = pids
        self.daemons = daemons

    def _now(self):
        own = os.times()
        now = {}
        for name, pid in self.pids.items():
            now[name] = _stat(pid)[1]
            now[name + "_children"] = tree_cpu(pid) - now[name]
        now["client"] = own.children_user + own.children_system
        if self.daemons:
            now["gf_daemon"] = sum(_stat(pid)[1] for pid in daemon_pids(self.daemons))
        return now

    def start(self):
        self.before = self._now()

    def stop(self):
        after = self._now()
        return {k: after[k] - self.before[k] for k in after}


def cpu_text(cpu):
    return " ".join("%s %.2f" % (k, v) for k, v in cpu.items()) + " (total %.2f)" % sum(
        cpu.values()
    )


def results(path, enveloped):
    with open(path) as f:
        values = [json.loads(line) for line in f]
    if enveloped:
        assert all(v.get("ok") for v in values), "gf: a failed item"
        values = [v["result"] for v in values]
    return values


def start_celery(python, redis_uri, procs, work):
    env = dict(os.environ, BENCH_REDIS=redis_uri + "/1", PYTHONPATH=HERE)
    worker = subprocess.Popen(
        [python, "-m", "celery", "-A", "celery_map", "worker", "--concurrency", str(procs)]
        + ["--pool", "prefork", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        + ["--loglevel", "WARNING"],
        cwd=HERE,
        env=env,
        stdout=open(os.path.join(work, "celery-%d.log" % procs), "w"),
        stderr=subprocess.STDOUT,
    )
    warm_in = os.path.join(work, "warm.jsonl")
    with open(warm_in, "w") as f:
        f.writelines('{"a": %d, "b": 1}\n' % i for i in range(10))
    celery_map = [python, os.path.join(HERE, "celery_map.py")]
    timed(celery_map + ["add", warm_in, warm_in + ".out", "5"], cwd=HERE, env=env)
    return worker, env, celery_map


def run_case(label, fn, n, src, out, procs, redis, worker, runtimes, celery_map, celery_env, work):
    """One batch through the Pool, Celery and each gf build, each end to end; a row per build."""
    chunk = max(1, math.ceil(n / (4 * procs)))
    load = os.getloadavg()
    print("load %.1f %.1f %.1f" % load, flush=True)
    meter = CpuMeter()
    meter.start()
    t_pool = timed(
        ["python3", os.path.join(HERE, "pool_map.py"), fn, src]
        + [out + ".pool", str(procs), str(chunk)],
        cwd=HERE,
    )
    print("  pool CPU s: " + cpu_text(meter.stop()), flush=True)
    meter = CpuMeter(redis=redis.pid, celery_worker=worker.pid)
    meter.start()
    t_celery = timed(celery_map + [fn, src, out + ".celery", str(chunk)], cwd=HERE, env=celery_env)
    print("  celery CPU s: " + cpu_text(meter.stop()), flush=True)
    expected = results(out + ".pool", False)
    assert results(out + ".celery", False) == expected, "celery differs"
    rows = []
    for name, runtime, redis_uri in runtimes:
        meter = CpuMeter(daemons=work, redis=redis.pid, runtime=runtime.pid)
        meter.start()
        start = time.time()
        gf_map(work, "Base." + fn, src, out + "." + name, redis_uri)
        t_gf = time.time() - start
        print(
            "  %s CPU s (runtime: JVM, its children: Python workers; client: bin/gf, and gf map"
            " when it ran fresh; gf_daemon: gf map in the daemon): "
            % name
            + cpu_text(meter.stop()),
            flush=True,
        )
        assert results(out + "." + name, True) == expected, name + " differs"
        print(
            "%-8s P=%d  pool %.2fs  celery %.2fs  %s %.2fs"
            % (label, procs, t_pool, t_celery, name, t_gf),
            flush=True,
        )
        rows.append((label, procs, n, chunk, t_pool, t_celery, name, t_gf, load[0]))
    return rows


def peers(cases, procs_list, warm, builds):
    python = bench_python()
    work = tempfile.mkdtemp(prefix="gf-batch-peers-")
    lib = os.path.join(work, "lib", "Base")
    os.makedirs(lib)
    with open(os.path.join(HERE, "bench_functions.py")) as f:
        source = f.read()
    for name in ("add", "nap"):
        with open(os.path.join(lib, name + ".py"), "w") as f:
            f.write(source)
    inputs = {}
    for case in cases:
        fn, n, kwargs = CASES[case]
        inputs[case] = os.path.join(work, case + ".jsonl")
        with open(inputs[case], "w") as f:
            f.writelines(json.dumps(kwargs(i)) + "\n" for i in range(n))
    # The warm-up's items differ from every case's (b=3): a finished batch answers a rerun of the
    # same input from its stored results.
    warm_in = os.path.join(work, "warm-up.jsonl")
    with open(warm_in, "w") as f:
        f.writelines(json.dumps({"a": i, "b": 3}) + "\n" for i in range(warm))
    redis, redis_uri = start_redis(work)
    redis.port = int(redis_uri.rsplit(":", 1)[1])
    rows = []
    try:
        for procs in procs_list:
            runtimes = []
            for k, (name, jar, extra) in enumerate(builds):
                # Each build its own database (Celery has 1): runtimes of one database would
                # share its batches.
                uri = redis_uri if k == 0 else "%s/%d" % (redis_uri, k + 1)
                p, port = start_runtime(
                    work, os.path.join(work, "lib"), uri, procs, jar=jar, java_opts=extra
                )
                runtimes.append((name, p, uri, port))
            for _, p, _, port in runtimes:
                wait_ready(port, p)
            runtimes = [(name, p, uri) for name, p, uri, _ in runtimes]
            worker, celery_env, celery_map = start_celery(python, redis_uri, procs, work)
            parts = [redis, worker, runtimes, celery_map, celery_env, work]
            try:
                if warm:
                    # Both services are long-lived servers: the same first batch warms both (the
                    # runtime's JIT compiles its batch path on it); its own times are printed as
                    # the fresh services' figure.
                    out = os.path.join(work, "warm-%d" % procs)
                    rows.extend(run_case("fresh", "add", warm, warm_in, out, procs, *parts))
                for i, case in enumerate(cases, 1):
                    parts[2] = runtimes[i % len(runtimes) :] + runtimes[: i % len(runtimes)]
                    fn, n, _ = CASES[case]
                    out = os.path.join(work, "%s-%d" % (case, procs))
                    rows.extend(run_case(case, fn, n, inputs[case], out, procs, *parts))
            finally:
                worker.terminate()
                for _, p, _ in runtimes:
                    p.terminate()
                worker.wait(timeout=60)
                for _, p, _ in runtimes:
                    p.wait(timeout=60)
    finally:
        stop_daemons(work)
        redis.terminate()
        shutil.rmtree(work, ignore_errors=True)
    print(
        "\nend to end, JSONL in -> JSONL out in order; %d cores; gf = one runtime, P workers;"
        " load = 1-min load average before the case" % os.cpu_count()
    )
    if warm:
        print(
            "'fresh' = %d adds on services just started (their first batch); the cases after it"
            " run on the same services, warm" % warm
        )
    else:
        print("no warm-up: the first case runs on services just started")
    print(
        "%-8s %2s %7s %-8s | %8s %8s %8s | %9s %11s | %4s | %s"
        % (
            ("case", "P", "chunk", "build", "pool s", "celery s", "gf s")
            + ("gf/pool", "gf/celery", "load", "ideal")
        )
    )
    for case, procs, n, chunk, t_pool, t_celery, name, t_gf, load in rows:
        ideal = ""
        if case in CASES and CASES[case][0] == "nap":
            best = n * 0.05 / procs
            ideal = "gf %.0f%%, pool %.0f%%, celery %.0f%% of ideal" % (
                100 * best / t_gf,
                100 * best / t_pool,
                100 * best / t_celery,
            )
        print(
            "%-8s %2d %7d %-8s | %8.2f %8.2f %8.2f | %8.2fx %10.2fx | %4.1f | %s"
            % (
                (case, procs, chunk, name, t_pool, t_celery, t_gf)
                + (t_gf / t_pool, t_gf / t_celery, load, ideal)
            )
        )


if __name__ == "__main__":
    main()
