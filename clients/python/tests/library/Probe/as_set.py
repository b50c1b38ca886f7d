def as_set(values):
    """Returns a set: JSON cannot carry it."""
    return set(values)
