"""gf start-up latency against `python3 -c pass`, measured in the same run.

Runs each gf command with each launch variant (interleaved, so machine load hits all alike) and
prints median wall and CPU (user+sys) times, and each as a ratio to `python3 -c pass`.

A variant is NAME=COMMAND; leading VAR=VALUE words of COMMAND are set in its environment, e.g.
`--variant "jdk17=GF_JAVA=/usr/lib/jvm/java-17-openjdk-amd64 bin/gf"`. Without --variant:
before (plain `java -jar`) and after (bin/gf).
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


def run(cmd, cwd, env):
    """Wall seconds and CPU seconds (user+sys of the process and its children) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode, err


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


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=7)
    p.add_argument(
        "--before",
        default="java -XX:TieredStopAtLevel=1 -Xshare:auto -jar {jar}",
        help="the launch command before (default: what bin/gf ran before the archive)",
    )
    p.add_argument("--after", default=str(ROOT / "bin/gf"), help="the launch command after")
    p.add_argument("--jar", default=str(ROOT / "cli/target/gf.jar"))
    p.add_argument("--variant", action="append", help="NAME=[VAR=VALUE ...] COMMAND (repeatable)")
    a = p.parse_args()
    specs = a.variant or ["before=" + a.before, "after=" + a.after]
    tmp = Path(tempfile.mkdtemp(prefix="gf-bench-"))
    env = dict(os.environ, GF_HOME=str(tmp / "home"), TZ="UTC", LC_ALL="C.UTF-8")
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
    base_wall, base_cpu = [], []
    results = {(c, v): ([], []) for c in commands for v in variants}
    for _ in range(a.runs):
        w, c, _, _ = run(["python3", "-c", "pass"], lib, env)
        base_wall.append(w)
        base_cpu.append(c)
        for name, args in commands.items():
            for v, (launch, venv) in variants.items():
                w, c, code, err = run(launch + args, lib, venv)
                if code != 0:
                    sys.exit("%s (%s) failed: %s" % (name, v, err))
                results[(name, v)][0].append(w)
                results[(name, v)][1].append(c)
    bw, bc = statistics.median(base_wall), statistics.median(base_cpu)
    print(
        "median of %d runs; baseline python3 -c pass: wall %.0f ms, cpu %.0f ms"
        % (a.runs, bw * 1000, bc * 1000)
    )
    print("load average at the end: %.1f %.1f %.1f" % os.getloadavg())
    print(
        "%-14s %-9s %9s %7s %9s %7s" % ("command", "variant", "wall ms", "x py", "cpu ms", "x py")
    )
    for (name, v), (walls, cpus) in results.items():
        w, c = statistics.median(walls), statistics.median(cpus)
        print("%-14s %-9s %9.0f %7.1f %9.0f %7.1f" % (name, v, w * 1000, w / bw, c * 1000, c / bc))
    server.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
