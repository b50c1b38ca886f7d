"""The package's version is the project's version (Maven's, in PEP 440 spelling)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import globalfunc

ROOT = Path(__file__).resolve().parents[3]
CLIENT = ROOT / "clients" / "python"


def pep440(maven: str) -> str:
    return re.sub(r"-SNAPSHOT$", ".dev0", maven)


def test_version_follows_the_project():
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    maven = ET.parse(ROOT / "pom.xml").getroot().find("m:version", ns).text
    assert globalfunc.__version__ == pep440(maven)
    pyproject = (CLIENT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject and "src/globalfunc/_version.py" in pyproject


def test_typed_package():
    assert (CLIENT / "src" / "globalfunc" / "py.typed").exists()
