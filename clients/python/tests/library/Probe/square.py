def square(x):
    """x * x: a small item for map."""
    return x * x
