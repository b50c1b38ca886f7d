"""Puts the introspection scripts shipped in core's resources on the path of these tests."""

import pathlib
import sys

RESOURCES = (
    pathlib.Path(__file__).resolve().parents[2] / "main/resources/io/globalfunc/core/introspect"
)
sys.path.insert(0, str(RESOURCES))
