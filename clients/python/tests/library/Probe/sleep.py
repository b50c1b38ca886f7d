import time


def sleep(seconds=0.1, value=None):
    """Sleeps, then returns value."""
    time.sleep(seconds)
    return value
