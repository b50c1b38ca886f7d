"""gf start-up latency against `python3 -c pass`, measured in the same run.

Runs each gf command with each launch variant (interleaved, so machine load hits all alike) and
prints median wall and CPU (user+sys) times, and each as a ratio to `python3 -c pass`.

The baseline is the interpreter running this bench (`sys.executable`), not whatever `python3` on
the PATH is: a pyenv shim is a bash script that costs ~130 ms more. Both are printed.

A variant is NAME=COMMAND; leading VAR=VALUE words of COMMAND are set in its environment, e.g.
`--variant "jdk17=GF_JAVA=/usr/lib/jvm/java-17-openjdk-amd64 bin/gf"`. Without --variant:
no-daemon (`GF_DAEMON=0 bin/gf`, a fresh JVM per command) and daemon (bin/gf with a warm gf
daemon in a private GF_DAEMON_DIR). A daemon's CPU is counted: the bench adds what the daemon
process spent during each command (from /proc, 10 ms ticks) to the client's.
"""

import argparse
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def variant(spec, jar):
    """(name, argv, extra environment) of NAME=[VAR=VALUE ...] COMMAND."""
    name, _, command = spec.partition("=")
    words = command.format(jar=jar).split()
    extra = {}
    while words and "=" in words[0] and not words[0].startswith(("-", "/", ".")):
        key, _, value = words.pop(0).partition("=")
        extra[key] = value
    if "/" in words[0]:
        words[0] = os.path.abspath(words[0])  # commands run in the library's folder
    return name, words, extra


def daemon_cpu(env):
    """CPU seconds the gf daemon of this variant has used so far (0 without one)."""
    pid = env.get("_GF_BENCH_DAEMON_PID")
    if not pid:
        return 0.0
    with open("/proc/%s/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(cmd, cwd, env):
    """Wall seconds and CPU seconds (user+sys of the process, its children and its daemon)."""
    daemon_before = daemon_cpu(env)
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime + daemon_cpu(env) - daemon_before
    return wall, cpu, proc.returncode, err


class _Answer(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"2.5"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def library(tmp):
    """A Git copy of examples/functions, saved into a fresh embedded catalog."""
    lib = tmp / "lib"
    shutil.copytree(ROOT / "examples/functions", lib)
    git = ["git", "-c", "user.name=b", "-c", "user.email=b@b"]
    subprocess.run(git + ["init", "-q", "-b", "master"], cwd=lib, check=True)
    subprocess.run(git + ["add", "-A"], cwd=lib, check=True)
    subprocess.run(git + ["commit", "-qm", "bench"], cwd=lib, check=True)
    return lib


def warm_daemon(launch, env, lib, commands):
    """Starts the variant's gf daemon (when it uses one) and remembers its pid for daemon_cpu."""
    if env.get("GF_DAEMON") == "0":
        return
    for args in commands.values():
        run(launch + args, lib, env)
    deadline = time.monotonic() + 60
    status = ""
    while time.monotonic() < deadline:
        out = subprocess.run(
            launch + ["daemon", "status"], cwd=lib, env=env, capture_output=True, text=True
        ).stdout
        if out.startswith("pid "):
            status = out
            break
        time.sleep(0.2)
    if not status:
        sys.exit("no gf daemon started for %s" % launch)
    env["_GF_BENCH_DAEMON_PID"] = status.split()[1].rstrip(",")
    for args in commands.values():
        run(launch + args, lib, env)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--jar", default=str(ROOT / "cli/target/gf.jar"))
    p.add_argument("--variant", action="append", help="NAME=[VAR=VALUE ...] COMMAND (repeatable)")
    a = p.parse_args()
    gf = str(ROOT / "bin/gf")
    specs = a.variant or ["no-daemon=GF_DAEMON=0 " + gf, "daemon=" + gf]
    tmp = Path(tempfile.mkdtemp(prefix="gf-bench-"))
    env = dict(
        os.environ,
        GF_HOME=str(tmp / "home"),
        GF_DAEMON_DIR=str(tmp / "daemons"),
        TZ="UTC",
        LC_ALL="C.UTF-8",
    )
    lib = library(tmp)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d" % server.server_address[1]
    variants = {}
    for spec in specs:
        name, argv, extra = variant(spec, a.jar)
        variants[name] = (argv, dict(env, **extra))
    last = list(variants.values())[-1]
    first = run(last[0] + ["save", "--all"], lib, last[1])
    if first[2] != 0:
        sys.exit("gf save --all failed: " + first[3])
    commands = {
        "gf branch": ["branch"],
        "gf list": ["list"],
        "gf search": ["search", "mean"],
        "gf call --url": ["call", "Util.mean", "values=[1,2,3,4]", "--url", url],
    }
    for launch, venv in variants.values():
        warm_daemon(launch, venv, lib, commands)
    base_wall, base_cpu, path_wall = [], [], []
    results = {(c, v): ([], []) for c in commands for v in variants}
    for _ in range(a.runs):
        w, c, _, _ = run([sys.executable, "-c", "pass"], lib, env)
        base_wall.append(w)
        base_cpu.append(c)
        path_wall.append(run(["python3", "-c", "pass"], lib, env)[0])
        for name, args in commands.items():
            for v, (launch, venv) in variants.items():
                w, c, code, err = run(launch + args, lib, venv)
                if code != 0:
                    sys.exit("%s (%s) failed: %s" % (name, v, err))
                results[(name, v)][0].append(w)
                results[(name, v)][1].append(c)
    bw, bc = statistics.median(base_wall), statistics.median(base_cpu)
    print(
        "median of %d runs; baseline %s -c pass: wall %.0f ms, cpu %.0f ms"
        % (a.runs, sys.executable, bw * 1000, bc * 1000)
    )
    print(
        "(python3 -c pass as the PATH finds it, %s: wall %.0f ms)"
        % (shutil.which("python3"), statistics.median(path_wall) * 1000)
    )
    print("load average at the end: %.1f %.1f %.1f" % os.getloadavg())
    print(
        "%-14s %-10s %9s %7s %9s %7s" % ("command", "variant", "wall ms", "x py", "cpu ms", "x py")
    )
    for (name, v), (walls, cpus) in results.items():
        w, c = statistics.median(walls), statistics.median(cpus)
        print("%-14s %-10s %9.0f %7.1f %9.0f %7.1f" % (name, v, w * 1000, w / bw, c * 1000, c / bc))
    for launch, venv in variants.values():
        if venv.get("_GF_BENCH_DAEMON_PID"):
            subprocess.run(launch + ["daemon", "stop"], cwd=lib, env=venv, capture_output=True)
    server.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
