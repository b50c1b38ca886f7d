#!/usr/bin/env python3
"""What following the release costs /mcp: a runtime serving a Git library of N generated
functions is switched in place (POST /v1/release) to a commit changing one function's code,
ROUNDS times. Prints each switch's wall time and JVM CPU seconds, and how long the MCP tools
took to follow it (the runtime's "MCP tools follow commit ... in N ms" line).

With --base JAR, a second runtime built from another revision (e.g. one whose /mcp did not
follow the release) serves the same repository and is switched alternately with this one:
the medians' ratios are this build's switch against the base's, in the same run.

Usage: bench/mcp/switch.py [--functions 10000] [--rounds 5] [--base path/to/quarkus-run.jar]
Needs: git, a built runtime jar (GF_RUNTIME_JAR overrides its path).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from generated import free_port, write_functions

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.environ.get(
    "GF_RUNTIME_JAR",
    os.path.join(ROOT, "runtime-image", "target", "quarkus-app", "quarkus-run.jar"),
)
TICKS = os.sysconf("SC_CLK_TCK")
FOLLOW = re.compile(r"MCP tools follow commit \w+ in (\d+) ms")


def git(repo, *args):
    out = subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def write_library(repo, functions):
    os.makedirs(os.path.join(repo, "Base"))
    git(repo, "init", "-q", "-b", "master")
    write_functions(repo, functions)
    return commit(repo, 0)


def commit(repo, n):
    """A commit changing the code of Base.add only (its tool stays the same)."""
    with open(os.path.join(repo, "Base", "add.py"), "w") as f:
        f.write("def add(a: int, b: int) -> int:\n    return a + b + %d\n" % n)
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=b", "-c", "user.email=b@x", "commit", "-q", "-m", str(n))
    return git(repo, "rev-parse", "HEAD")


def cpu_seconds(pid):
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Runtime:
    def __init__(self, name, jar, repo, work):
        self.name = name
        port = free_port()
        self.url = "http://127.0.0.1:%d" % port
        self.log = os.path.join(work, name + ".log")
        env = dict(
            os.environ,
            GF_REPOSITORY_URL="file://" + repo,
            GF_BRANCH="master",
            GF_PYTHON=sys.executable,
            GF_PYTHON_WORKERS="2",
            GF_TIMEOUT="120s",
            GF_CACHE_DIR=os.path.join(work, name, "cache"),
            GF_WORK_DIR=os.path.join(work, name, "work"),
            QUARKUS_HTTP_PORT=str(port),
            QUARKUS_HTTP_HOST="127.0.0.1",
        )
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                ["java", "-jar", jar], env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def await_ready(self):
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/q/health/ready", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("%s not ready; see %s" % (self.name, self.log))

    def switch(self):
        """Seconds of wall time and of JVM CPU for one POST /v1/release, and the commit."""
        before, start = cpu_seconds(self.process.pid), time.monotonic()
        req = urllib.request.Request(
            self.url + "/v1/release",
            data=b"{}",
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=600) as r:
            answer = json.load(r)
        return time.monotonic() - start, cpu_seconds(self.process.pid) - before, answer["commit"]

    def follow_millis(self):
        with open(self.log, encoding="utf-8", errors="replace") as f:
            return [int(m.group(1)) for m in FOLLOW.finditer(f.read())]

    def stop(self):
        self.process.terminate()
        self.process.wait(30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--functions", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--base", help="a quarkus-run.jar of another revision to compare with")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="gf-mcp-switch-")
    repo = os.path.join(work, "repo")
    write_library(repo, args.functions)
    runtimes = [Runtime("this", JAR, repo, work)]
    if args.base:
        runtimes.append(Runtime("base", args.base, repo, work))
    results = {rt.name: [] for rt in runtimes}
    try:
        for rt in runtimes:
            rt.await_ready()
        for n in range(1, args.rounds + 1):
            expected = commit(repo, n)
            for rt in runtimes if n % 2 else reversed(runtimes):  # alternate who goes first
                wall, cpu, served = rt.switch()
                assert served == expected, (served, expected)
                results[rt.name].append((wall, cpu))
                print(
                    "round %d %-4s switch %.2f s, JVM CPU %.2f s (load %.1f)"
                    % (n, rt.name, wall, cpu, os.getloadavg()[0]),
                    flush=True,
                )
        follow = runtimes[0].follow_millis()
    finally:
        for rt in runtimes:
            rt.stop()
    med = {k: [statistics.median(x[i] for x in v) for i in (0, 1)] for k, v in results.items()}
    print("this: median switch %.2f s, JVM CPU %.2f s" % tuple(med["this"]))
    print("MCP follow (ms, per switch): %s, median %d" % (follow, statistics.median(follow)))
    if args.base:
        print("base: median switch %.2f s, JVM CPU %.2f s" % tuple(med["base"]))
        print(
            "ratio this/base: switch %.2f, JVM CPU %.2f"
            % (med["this"][0] / med["base"][0], med["this"][1] / med["base"][1])
        )


if __name__ == "__main__":
    main()
