def nan():
    """Returns NaN: JSON cannot carry it."""
    return float("nan")
