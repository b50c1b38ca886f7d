"""Puts the worker and introspector scripts (shipped as Java resources) on the import path."""

import pathlib
import sys

RESOURCES = pathlib.Path(__file__).resolve().parents[2] / "main" / "resources" / "io" / "globalfunc"
for folder in ("core/worker", "core/introspect"):
    sys.path.insert(0, str(RESOURCES / folder))
