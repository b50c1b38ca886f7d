import asyncio


async def later(value, fail=False):
    """Answers ``value`` after yielding to the event loop once; raises ValueError when ``fail``."""
    await asyncio.sleep(0)
    if fail:
        raise ValueError("late %s" % (value,))
    return value
