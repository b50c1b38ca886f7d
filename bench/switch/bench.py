#!/usr/bin/env python3
"""Commit to served: a new commit on the release's branch until every runtime answers with it.

Three runtime processes serve a Git repository's `master`; four client threads call `Base.add`
on them round-robin the whole time. Two ways to move them to a new commit, in one run:

- in place: `POST /v1/release` to every runtime (what the operator does now): each fetches,
  starts the new commit's workers, routes new calls to them and stops the old ones;
- rolling restart (what it replaces): one runtime at a time is stopped and a new process started
  at the new commit, the next one only once it answers.

Prints seconds from the commit to every runtime answering with it, the ratio, and failed calls.
In a cluster a restarting pod is taken out of its Service first, so the restart's failed calls
here (connection refused on the restarting runtime) overstate what clients would see; the
in-place switch has none either way.

Usage: bench/switch/bench.py [--runtimes 3]
Needs: git, a built runtime jar (built when missing; GF_RUNTIME_JAR overrides its path).
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.environ.get(
    "GF_RUNTIME_JAR",
    os.path.join(ROOT, "runtime-image", "target", "quarkus-app", "quarkus-run.jar"),
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git(repo, *args):
    subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True)
    return subprocess.run(
        ["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()


def commit(repo, factor):
    with open(os.path.join(repo, "Base", "add.py"), "w") as f:
        f.write("def add(a, b):\n    return (a + b) * %d\n" % factor)
    git(repo, "add", "-A")
    return git(repo, "-c", "user.name=b", "-c", "user.email=b@x", "commit", "-qm", str(factor))


def call(port):
    req = urllib.request.Request(
        "http://127.0.0.1:%d/v1/functions/Base/add" % port,
        data=b'{"a":1,"b":2}',
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.headers.get("GF-Commit")


class Runtime:
    def __init__(self, repo, work, port):
        self.port = port
        self.proc = None
        self.repo = repo
        self.work = work

    def start(self):
        env = dict(os.environ)
        env.update(
            GF_REPOSITORY_URL="file://" + self.repo,
            GF_BRANCH="master",
            GF_PYTHON_WORKERS="1",
            GF_CACHE_DIR=os.path.join(self.work, "cache-%d" % self.port),
            QUARKUS_HTTP_PORT=str(self.port),
            TZ="UTC",
        )
        log = open(os.path.join(self.work, "runtime-%d.log" % self.port), "ab")
        self.proc = subprocess.Popen(
            ["java", "-XX:+UseSerialGC", "-Xmx256m", "-jar", JAR],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, seconds=120):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("a runtime exited early")
            try:
                with urllib.request.urlopen(
                    "http://127.0.0.1:%d/q/health/ready" % self.port, timeout=2
                ) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("runtime not ready")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Load:
    """Client threads calling every runtime in turn; counts calls and failures."""

    def __init__(self, runtimes, threads=4):
        self.runtimes = runtimes
        self.running = True
        self.calls = 0
        self.failed = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.loop, args=(i,)) for i in range(threads)]
        for t in self.threads:
            t.start()

    def loop(self, i):
        n = i
        while self.running:
            rt = self.runtimes[n % len(self.runtimes)]
            n += 1
            ok = True
            try:
                call(rt.port)
            except (OSError, urllib.error.HTTPError):
                ok = False
            with self.lock:
                self.calls += 1
                self.failed += 0 if ok else 1

    def take(self):
        with self.lock:
            out = (self.calls, self.failed)
            self.calls = 0
            self.failed = 0
        return out

    def stop(self):
        self.running = False
        for t in self.threads:
            t.join()


def until_all_serve(runtimes, sha, t0):
    pending = set(range(len(runtimes)))
    while pending:
        for i in list(pending):
            try:
                if call(runtimes[i].port) == sha:
                    pending.discard(i)
            except OSError:
                pass
        time.sleep(0.01)
    return time.time() - t0


def in_place(runtimes, sha, t0):
    def switch(rt):
        req = urllib.request.Request(
            "http://127.0.0.1:%d/v1/release" % rt.port, data=b"{}", method="POST"
        )
        with urllib.request.urlopen(req, timeout=120) as r:
            got = json.loads(r.read())["commit"]
            assert got == sha, got

    threads = [threading.Thread(target=switch, args=(rt,)) for rt in runtimes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return until_all_serve(runtimes, sha, t0)


def rolling(runtimes, sha, t0):
    for rt in runtimes:
        rt.stop()
        rt.start()
        rt.wait_ready()
        until_all_serve([rt], sha, t0)
    return until_all_serve(runtimes, sha, t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runtimes", type=int, default=3)
    args = ap.parse_args()
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
    work = tempfile.mkdtemp(prefix="gf-switch-bench-")
    try:
        repo = os.path.join(work, "repo")
        os.makedirs(os.path.join(repo, "Base"))
        subprocess.run(["git", "init", "-q", "-b", "master", repo], check=True)
        commit(repo, 1)
        runtimes = [Runtime(repo, work, free_port()) for _ in range(args.runtimes)]
        for rt in runtimes:
            rt.start()
        for rt in runtimes:
            rt.wait_ready()
        load = Load(runtimes)
        time.sleep(1)
        load.take()

        sha = commit(repo, 2)
        t_in_place = in_place(runtimes, sha, time.time())
        calls_a, failed_a = load.take()

        sha = commit(repo, 3)
        t_rolling = rolling(runtimes, sha, time.time())
        calls_b, failed_b = load.take()
        load.stop()
        for rt in runtimes:
            rt.stop()

        print("| switch | commit to served (s) | calls during | failed calls |")
        print("|---|---|---|---|")
        print("| rolling restart (baseline) | %.2f | %d | %d |" % (t_rolling, calls_b, failed_b))
        print("| in place | %.2f | %d | %d |" % (t_in_place, calls_a, failed_a))
        print("in place / rolling: %.3fx the time" % (t_in_place / t_rolling))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
