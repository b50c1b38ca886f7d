def big(mb=40):
    """A string of ``mb`` MiB: over the answer cap of a runtime with a small heap."""
    return "x" * (mb << 20)
