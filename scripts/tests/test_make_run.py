"""`make run` serves the tour under TZ=UTC whatever the machine's zone (the README's answers)."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_recipe_env(extra_env):
    """The environment `make run` starts the runtime with (its java command replaced by `env`)."""
    dry = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    start = dry.index("GF_FUNCTIONS_DIR=")
    command = dry[start:].replace("\\\n", " ")
    command = command[: command.index("java -jar")] + "env"
    env = dict(os.environ, **extra_env)
    out = subprocess.run(
        ["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def test_make_run_uses_utc_on_a_machine_in_another_zone():
    env = run_recipe_env({"TZ": "Asia/Shanghai"})
    assert env["TZ"] == "UTC"
    assert env["GF_FUNCTIONS_DIR"] == "examples/functions"


def test_gf_tz_chooses_another_zone():
    assert run_recipe_env({"GF_TZ": "Asia/Shanghai"})["TZ"] == "Asia/Shanghai"
