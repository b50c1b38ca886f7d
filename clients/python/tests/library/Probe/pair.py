def pair(a, b):
    """Returns a tuple (arrives as a list)."""
    return (a, b)
