"""`pip install ./clients/python` in a fresh venv runs the README's Python tour as written, and
the build makes a wheel with the package's types and the project's version."""

from __future__ import annotations

import re
import subprocess
import venv
import zipfile
from pathlib import Path

import globalfunc

ROOT = Path(__file__).resolve().parents[3]
CLIENT = ROOT / "clients" / "python"


def readme_tour() -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- python-tour:[^>]*-->\n```python\n(.*?)```", text, re.S)
    assert match, "README.md has no python-tour block"
    return match.group(1)


def expected_lines(tour: str) -> list[str]:
    """The `# value` comment lines the tour says its prints show."""
    return [line[2:] for line in tour.splitlines() if line.startswith("# ")]


def test_fresh_venv_runs_the_readme_tour(tmp_path, pair):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", str(CLIENT)],
        check=True,
        timeout=600,
    )
    tour = readme_tour().replace("http://127.0.0.1:8000", pair[0].url)
    run = subprocess.run(
        [python, "-c", tour],
        cwd=ROOT,
        # no __pycache__ left in examples/functions: ExamplesIT reads every file there as text
        env={"TZ": "UTC", "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == expected_lines(readme_tour())
    assert "1707966671" in run.stdout.splitlines()


def test_make_wheel_builds_a_typed_wheel(tmp_path):
    subprocess.run(
        ["make", "-s", "wheel", "WHEEL_DIR=%s" % tmp_path],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("globalfunc-*.whl")
    assert wheel.name.startswith("globalfunc-%s-py3-none-any" % globalfunc.__version__)
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        metadata = z.read("globalfunc-%s.dist-info/METADATA" % globalfunc.__version__).decode()
    assert {"globalfunc/__init__.py", "globalfunc/py.typed", "globalfunc/local.py"} <= names
    assert "Requires-Python: >=3.9" in metadata
    assert re.search(r"^Requires-Dist: httpx", metadata, re.M)
    assert re.search(r"^Requires-Dist: redis.*extra == .redis.", metadata, re.M)
