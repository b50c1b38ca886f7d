def mean(values: list = None) -> float:
    """Arithmetic mean (average) of a list of numbers.

    计算一组数字的算术平均值。
    """
    values = list(values or [])
    if not values:
        raise ValueError("mean of an empty list")
    return sum(values) / len(values)
