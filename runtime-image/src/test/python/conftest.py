"""Session fixtures: a test library and a real runtime serving it (see gf_runtime.py)."""

import pytest
from gf_runtime import Runtime, write_library


@pytest.fixture(scope="session")
def library(tmp_path_factory):
    return write_library(tmp_path_factory.mktemp("lib") / "functions")


@pytest.fixture(scope="session")
def runtime(library, tmp_path_factory):
    rt = Runtime(library, tmp_path_factory.mktemp("runtime"))
    yield rt
    rt.stop()
