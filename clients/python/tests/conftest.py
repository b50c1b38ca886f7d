"""Real parts for the client's tests: GlobalFunc runtime processes (the jar `mvnw verify`
builds) on free ports serving a test library, and a redis-server for the endpoint registry."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CLIENT = HERE.parent
ROOT = CLIENT.parent.parent
JAR = ROOT / "runtime-image" / "target" / "quarkus-app" / "quarkus-run.jar"

# The client under test, from this checkout (the packaging test installs it for real).
sys.path.insert(0, str(CLIENT / "src"))
# The functions run under TZ=UTC, as the README's tour says: local mode runs in this process.
os.environ["TZ"] = "UTC"
time.tzset()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Runtime:
    """One runtime process: its URL, its log, and a way to kill it."""

    def __init__(self, name: str, port: int, proc: subprocess.Popen, log: Path) -> None:
        self.name, self.port, self.proc, self.log = name, port, proc, log
        self.url = "http://127.0.0.1:%d" % port

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("runtime %s exited:\n%s" % (self.name, self.log.read_text()))
            try:
                with urllib.request.urlopen(self.url + "/q/health/ready", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("runtime %s not ready:\n%s" % (self.name, self.log.read_text()[-4000:]))

    def kill(self) -> None:
        """SIGKILL to the JVM and its Python workers (their own process group)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


class Runtimes:
    """Starts runtimes for a test session and stops them all at its end."""

    def __init__(self, tmp: Path, library: Path) -> None:
        if not JAR.exists():
            raise RuntimeError(
                "%s is missing: build it with ./mvnw -B -q -pl runtime-image -am package "
                "-DskipTests (make test runs mvnw verify first)" % JAR
            )
        self.tmp, self.library, self.started = tmp, library, []

    def start(self, name: str, wait: bool = True, **env: str) -> Runtime:
        port = free_port()
        home = self.tmp / name
        home.mkdir()
        full_env = dict(os.environ)
        full_env.update(
            QUARKUS_HTTP_PORT=str(port),
            GF_FUNCTIONS_DIR=str(self.library),
            GF_PYTHON_WORKERS="2",
            GF_CACHE_DIR=str(home / "cache"),
            GF_WORK_DIR=str(home / "work"),
            TZ="UTC",
            GF_POD_NAME=name,  # the runtime's identity in GF-Worker: each one its own
        )
        full_env.update(env)
        if "GF_REPOSITORY_URL" in env:
            del full_env["GF_FUNCTIONS_DIR"]  # a folder wins over a repository
        log = home / "runtime.log"
        proc = subprocess.Popen(
            ["java", "-XX:+UseSerialGC", "-Xmx256m", "-jar", str(JAR)],
            env=full_env,
            cwd=home,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        runtime = Runtime(name, port, proc, log)
        self.started.append(runtime)
        if wait:
            runtime.wait_ready()
        return runtime

    def stop_all(self) -> None:
        for r in self.started:
            r.kill()


@pytest.fixture(scope="session")
def session_tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("gfclient")


@pytest.fixture(scope="session")
def library(session_tmp) -> Path:
    """examples/functions plus the Probe package of these tests."""
    lib = session_tmp / "library"
    shutil.copytree(ROOT / "examples" / "functions", lib)
    shutil.copytree(HERE / "library" / "Probe", lib / "Probe")
    return lib


@pytest.fixture(scope="session")
def redis_url(session_tmp):
    port = free_port()
    data = session_tmp / "redis"
    data.mkdir()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", data],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = "redis://127.0.0.1:%d/0" % port
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait()


@pytest.fixture(scope="session")
def runtimes(session_tmp, library):
    rts = Runtimes(session_tmp, library)
    yield rts
    rts.stop_all()


@pytest.fixture(scope="session")
def pair(runtimes, redis_url):
    """Two runtimes of one release sharing a Redis (durable batches), started side by side."""
    a = runtimes.start("a", wait=False, GF_REDIS_URI=redis_url)
    b = runtimes.start("b", wait=False, GF_REDIS_URI=redis_url)
    a.wait_ready()
    b.wait_ready()
    return a, b


@pytest.fixture(scope="session")
def gated_python(session_tmp) -> tuple[Path, Path]:
    """An interpreter whose Python workers cannot start while a flag file exists (503)."""
    flag = session_tmp / "python-broken"
    script = session_tmp / "gated-python"
    script.write_text(
        "#!/bin/sh\n"
        'case "$*" in *gf_worker*) [ -e "%s" ] && { echo "python broken" >&2; exit 1; } ;; esac\n'
        'exec %s "$@"\n' % (flag, shutil.which("python3"))
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, flag


@pytest.fixture(scope="session")
def hostile(runtimes, gated_python):
    """One Python worker, a queue of one, a 2 s timeout, a 64 KiB body limit, a release token."""
    script, _ = gated_python
    return runtimes.start(
        "hostile",
        GF_PYTHON=str(script),
        GF_PYTHON_WORKERS="1",
        GF_QUEUE_LIMIT="1",
        GF_TIMEOUT="2s",
        GF_MAX_BODY="65536",
        GF_RELEASE_TOKEN="s3cret",
    )
