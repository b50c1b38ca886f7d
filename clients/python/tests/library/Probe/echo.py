def echo(value=None, **extra):
    """Returns what it was given: the JSON round-trip rules, seen from the function's side."""
    return {"value": value, "type": type(value).__name__, "extra": extra}
