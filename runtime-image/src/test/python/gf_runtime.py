"""A real runtime process (the packaged jar `mvnw verify` built) serving a test library."""

import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[4]
RUNTIME_JAR = ROOT / "runtime-image/target/quarkus-app/quarkus-run.jar"
EXAMPLES = ROOT / "examples/functions"

# Functions beyond the examples: typed, raising, slow, Chinese, documented in each style.
EXTRA = {
    "Test/typed.py": '''from typing import Literal, Optional


def typed(
    count: int,
    ratio: float = 0.5,
    tags: list[str] | None = None,
    mode: Literal["fast", "slow"] = "fast",
    weights: Optional[dict[str, float]] = None,
    pair: tuple[int, str] = (1, "a"),
) -> dict[str, int]:
    """Echo typed arguments back.

    Args:
        count (int): How many.
        ratio: A fraction.
    """
    return {"count": count, "tags": len(tags or []), "pair": pair[0]}
''',
    "Test/raises.py": '''def raises(message: str = "boom"):
    """Always raises ValueError."""
    raise ValueError(message)
''',
    "Test/sleepy.py": '''import time


def sleepy(seconds: float = 30):
    """Sleeps, for timeouts."""
    time.sleep(seconds)
    return seconds
''',
    "中文包/求和.py": '''def 求和(数字: list[int]) -> int:
    """对一组整数求和。

    参数：
        数字：要相加的整数
    """
    return sum(数字)
''',
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_library(target):
    shutil.copytree(EXAMPLES, target)
    for path, text in EXTRA.items():
        f = target / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
    return target


class Runtime:
    """One `java -jar quarkus-run.jar` on a free loopback port, serving a folder (or, when
    `library` is None, what `env` names, e.g. GF_REPOSITORY_URL)."""

    def __init__(self, library, workdir, env=None):
        if not RUNTIME_JAR.exists():
            raise RuntimeError("%s is missing: run ./mvnw verify first" % RUNTIME_JAR)
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = workdir / "runtime.log"
        full = dict(os.environ)
        full.update(
            {
                "GF_PYTHON": sys.executable,
                "GF_PYTHON_WORKERS": "2",
                "GF_TIMEOUT": "3s",
                "GF_WORK_DIR": str(workdir / "work"),
                "GF_CACHE_DIR": str(workdir / "cache"),
                "QUARKUS_HTTP_PORT": str(self.port),
                "QUARKUS_HTTP_HOST": "127.0.0.1",
                "TZ": "UTC",
            }
        )
        if library is not None:
            full["GF_FUNCTIONS_DIR"] = str(library)
        full.update(env or {})
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                ["java", "-jar", str(RUNTIME_JAR)], env=full, stdout=out, stderr=subprocess.STDOUT
            )
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("runtime exited: " + self.log.read_text(errors="replace"))
            try:
                with urllib.request.urlopen(self.url + "/q/health/ready", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("runtime not ready in 120 s: " + self.log.read_text(errors="replace"))

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
