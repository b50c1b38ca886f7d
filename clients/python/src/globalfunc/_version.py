"""The package version: the project version in PEP 440 spelling (a test keeps them equal)."""

__version__ = "0.1.0.dev0"
