import os


def uses_os():
    """Imports os: Probe.os stays unreachable."""
    return os.sep
