def explain(message):
    raise ValueError(message)
