#!/usr/bin/env python3
"""Runtime benchmark: GlobalFunc's runtime against uvicorn and the seed's tornado server.

All serve examples/functions on loopback; wrk posts the seed's own call
(Base.inverse_time_str, time_str="2024-02-15 11:11:11", bias_hours=-8) at each connection
count. The servers take turns within each round (the order rotates from round to round), so
every ratio compares runs a few seconds apart under the same machine load. Prints req/s, p50,
p99, p99.9, and the CPU time and context switches per call of the server's processes (from
/proc; steadier than a tail on a shared machine) per run, then per connection count the median
over rounds of each figure and of the GlobalFunc / uvicorn and GlobalFunc / seed ratios.

Servers:
  uvicorn     uvicorn_app.py, a plain ASGI app, --workers N (httptools + uvloop): each call
              runs in the process that read the request
  GlobalFunc  the runtime jar with N Python workers, started as the image starts it
              (JAVA_OPTS_APPEND of runtime-image/Dockerfile unless --java-opts)
  seed        seed_server.py, the seed's tornado server (one process)
  uvicorn-hop (a control, only when named in --servers) uvicorn_hop_app.py: uvicorn handing
              each call to a Python child process over pipes, as the runtime does

Usage: bench/runtime/bench.py [--seconds 5] [--connections 1,4,16,64] [--rounds 3]
           [--workers 2] [--servers uvicorn,gf,seed] [--gf NAME=QUARKUS_RUN_JAR ...]
`--gf` may be given several times to compare runtime builds (e.g. before/after) in one run;
JVM options may follow the jar in the same argument ("NAME=JAR -Dkey=value").
Needs: wrk (Debian package) and a built runtime (this script builds it when missing). tornado,
uvicorn, httptools and uvloop (requirements.txt) are installed once into
~/.cache/globalfunc/bench-runtime-venv.
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LIBRARY = os.path.join(ROOT, "examples", "functions")
JAR = os.path.join(ROOT, "runtime-image", "target", "quarkus-app", "quarkus-run.jar")
VENV = os.path.expanduser("~/.cache/globalfunc/bench-runtime-venv")
BODY = {
    "pack_func": "Base.inverse_time_str",
    "kwargs": {"time_str": "2024-02-15 11:11:11", "bias_hours": -8},
}
# wrk prints the percentiles it has no flag for from its Lua `done` hook (microseconds).
WRK_SCRIPT = """wrk.method = "POST"
wrk.body = %s
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  io.write(string.format("GF-LATENCY %%d %%d %%d %%d\\n", latency:percentile(50),
    latency:percentile(99), latency:percentile(99.9), latency.max))
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_python():
    """The bench venv's interpreter, with requirements.txt installed (once)."""
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run(["python3", "-m", "venv", VENV], check=True)
    probe = subprocess.run([python, "-c", "import tornado, uvicorn, httptools, uvloop"])
    if probe.returncode != 0:
        requirements = os.path.join(HERE, "requirements.txt")
        subprocess.run([python, "-m", "pip", "install", "-q", "-r", requirements], check=True)
    return python


def image_java_opts():
    """JAVA_OPTS_APPEND as runtime-image/Dockerfile sets it: the bench runs the JVM as shipped."""
    with open(os.path.join(ROOT, "runtime-image", "Dockerfile")) as f:
        m = re.search(r'JAVA_OPTS_APPEND="([^"]*)"', f.read())
    return m.group(1).split() if m else []


def wait_until_serving(url, proc, seconds=90):
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


def descendants(pid):
    """pid and every process below it (uvicorn's workers, the runtime's Python workers)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, task)) as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return found


def usage(pid):
    """(CPU seconds, context switches) of a process tree, over all its threads, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    cpu, switches = 0.0, 0
    for p in descendants(pid):
        try:
            tasks = os.listdir("/proc/%d/task" % p)
        except OSError:
            continue
        for task in tasks:
            base = "/proc/%d/task/%s/" % (p, task)
            try:
                with open(base + "stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                with open(base + "status") as f:
                    status = f.read()
            except OSError:
                continue
            cpu += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
            switches += sum(int(n) for n in re.findall(r"ctxt_switches:\s+(\d+)", status))
    return cpu, switches


def wrk(url, connections, seconds, script):
    out = subprocess.run(
        ["wrk", "-t%d" % min(connections, 2), "-c%d" % connections, "-d%ds" % seconds]
        + ["--latency", "-s", script, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    p50, p99, p999, worst = (
        int(v) / 1000 for v in re.search(r"GF-LATENCY (.*)", out).group(1).split()
    )
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": p50,
        "p99": p99,
        "p999": p999,
        "max": worst,
        "non2xx": int(errors.group(1)) if errors else 0,
    }


class Server:
    """One server under test: its process, URL and log."""

    def __init__(self, name, command, env, logs):
        self.name = name
        self.port = free_port()
        self.url = "http://127.0.0.1:%d/gfgo/" % self.port
        log = open(os.path.join(logs, "%s.log" % name), "w")
        command = [c.replace("{port}", str(self.port)) for c in command]
        env = {k: v.replace("{port}", str(self.port)) for k, v in env.items()}
        self.proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_servers(args, python, logs):
    env = dict(os.environ, TZ="UTC")
    servers = []
    wanted = args.servers.split(",")
    for name, module in (("uvicorn", "uvicorn_app"), ("uvicorn-hop", "uvicorn_hop_app")):
        if name not in wanted:
            continue
        uvicorn = [python, "-m", "uvicorn", "--app-dir", HERE, module + ":app"]
        uvicorn += ["--host", "127.0.0.1", "--port", "{port}", "--workers", str(args.workers)]
        uvicorn += ["--http", "httptools", "--loop", "uvloop", "--no-access-log"]
        uvicorn += ["--log-level", "warning"]
        servers.append(Server(name, uvicorn, dict(env, GF_BENCH_LIBRARY=LIBRARY), logs))
    if "gf" in wanted:
        java_opts = args.java_opts.split() if args.java_opts is not None else image_java_opts()
        gf_env = dict(
            env,
            GF_FUNCTIONS_DIR=LIBRARY,
            QUARKUS_HTTP_PORT="{port}",
            GF_PYTHON_WORKERS=str(args.workers),
            QUARKUS_LOG_LEVEL="WARN",
        )
        for name, jar, extra in gf_jars(args):
            command = ["java"] + java_opts + extra + ["-jar", jar]
            servers.append(Server(name, command, gf_env, logs))
    if "seed" in wanted:
        seed = [python, os.path.join(HERE, "seed_server.py"), LIBRARY, "{port}"]
        servers.append(Server("seed", seed, env, logs))
    return servers


def gf_jars(args):
    if not args.gf:
        if not os.path.exists(JAR):
            build = [os.path.join(ROOT, "mvnw"), "-B", "-q", "-pl", "runtime-image", "-am"]
            subprocess.run(build + ["package", "-DskipTests"], cwd=ROOT, check=True)
        return [("GlobalFunc", JAR, [])]
    runs = []
    for v in args.gf:  # NAME=JAR [JVM option ...], e.g. "2loops=a.jar -Dquarkus.x=y"
        name, rest = v.split("=", 1)
        jar, *extra = rest.split()
        runs.append((name, jar, extra))
    return runs


def warm_up(servers, seconds, script):
    """The JVM's JIT most of all: many connections first, then the single-connection path."""
    for s in servers:
        long = s.name not in ("uvicorn", "uvicorn-hop", "seed")
        wrk(s.url, 16, seconds if long else 2, script)
        wrk(s.url, 1, max(2, seconds // 2) if long else 1, script)


def load_average():
    return " ".join("%.2f" % v for v in os.getloadavg())


def measure(servers, conns, rounds, seconds, script):
    """results[(name, c)] = one run per round; the servers' order rotates every round."""
    results = {}
    for r in range(rounds):
        print("round %d, load average %s" % (r + 1, load_average()), flush=True)
        order = servers[r % len(servers) :] + servers[: r % len(servers)]
        for c in conns:
            for s in order:
                cpu0, sw0 = usage(s.proc.pid)
                run = wrk(s.url, c, seconds, script)
                cpu1, sw1 = usage(s.proc.pid)
                requests = max(1.0, run["rps"] * seconds)
                run["cpu_us"] = (cpu1 - cpu0) / requests * 1e6
                run["switches"] = (sw1 - sw0) / requests
                results.setdefault((s.name, c), []).append(run)
                print(
                    "  %-12s c=%-3d %9.0f req/s  p50 %7.2f  p99 %7.2f  p99.9 %7.2f  max %7.2f ms"
                    "  %5.0f us CPU %5.2f switches /req%s"
                    % (
                        s.name,
                        c,
                        run["rps"],
                        run["p50"],
                        run["p99"],
                        run["p999"],
                        run["max"],
                        run["cpu_us"],
                        run["switches"],
                        "  non-2xx %d" % run["non2xx"] if run["non2xx"] else "",
                    ),
                    flush=True,
                )
    print("end, load average %s" % load_average())
    return results


def ratio(results, ours, base, c, key):
    """Median over rounds of ours / base, each round's runs being side by side."""
    pairs = zip(results[(ours, c)], results[(base, c)])
    return statistics.median(o[key] / b[key] for o, b in pairs)


def summarize(results, names, conns, args):
    print()
    print(
        "POST /gfgo/ Base.inverse_time_str on loopback, wrk %ds per run, %d rounds, %d cores, "
        "%d workers per server (seed: 1 process); medians over rounds"
        % (args.seconds, args.rounds, os.cpu_count(), args.workers)
    )
    print("CPU us and switches: the server's processes (all threads), per request")
    keys = ("rps", "p50", "p99", "p999", "cpu_us", "switches")
    head = ("server", "conns", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "CPU us", "switches")
    print("%-12s %5s | %9s %8s %8s %8s | %7s %8s" % head)
    for c in conns:
        for n in names:
            med = [statistics.median(r[k] for r in results[(n, c)]) for k in keys]
            print("%-12s %5d | %9.0f %8.2f %8.2f %8.2f | %7.1f %8.2f" % tuple([n, c] + med))
    for base in ("uvicorn", "seed"):
        if base not in names:
            continue
        print()
        print(
            "ratios to %s (median of per-round ratios; req/s > 1 and latency < 1 is better)" % base
        )
        print("%-12s %5s | %7s %7s %7s %7s" % ("server", "conns", "req/s", "p50", "p99", "p99.9"))
        for n in names:
            if n in ("uvicorn", "seed"):
                continue
            for c in conns:
                print(
                    "%-12s %5d | %6.2fx %6.2fx %6.2fx %6.2fx"
                    % tuple(
                        [n, c]
                        + [ratio(results, n, base, c, k) for k in ("rps", "p50", "p99", "p999")]
                    )
                )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", default="1,4,16,64")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--servers", default="uvicorn,gf,seed")
    ap.add_argument("--gf", action="append", help="NAME=path/to/quarkus-run.jar (repeatable)")
    ap.add_argument("--java-opts", help="JVM options (default: the image's JAVA_OPTS_APPEND)")
    args = ap.parse_args()
    conns = [int(c) for c in args.connections.split(",")]
    python = bench_python()

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % json.dumps(json.dumps(BODY)))
        script = f.name
    logs = tempfile.mkdtemp(prefix="gf-bench-")
    servers = start_servers(args, python, logs)
    try:
        for s in servers:
            wait_until_serving(s.url, s.proc)
        warm_up(servers, max(5, args.seconds), script)
        results = measure(servers, conns, args.rounds, args.seconds, script)
    finally:
        for s in servers:
            s.stop()
    summarize(results, [s.name for s in servers], conns, args)
    print("logs: %s" % logs)


if __name__ == "__main__":
    sys.exit(main())
