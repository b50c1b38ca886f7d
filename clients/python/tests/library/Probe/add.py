def add(a: int, b: int = 0) -> int:
    """a + b, positional or keyword."""
    return a + b
