"""What both MCP benches share: a library of N generated, documented functions spread over 100
packages, and a free port for a runtime."""

import os
import socket


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_functions(root, functions):
    """Writes Gen000/f00000.py ... under ``root``: function i scales x, with an Args docstring."""
    for i in range(functions):
        pkg = os.path.join(root, "Gen%03d" % (i % 100))
        os.makedirs(pkg, exist_ok=True)
        with open(os.path.join(pkg, "f%05d.py" % i), "w") as f:
            f.write(
                "def f%05d(x: int, scale: float = 1.0) -> float:\n"
                '    """Generated function %d: scales x.\n\n'
                "    Args:\n        x: the value\n        scale: the factor\n"
                '    """\n    return x * scale\n' % (i, i)
            )
