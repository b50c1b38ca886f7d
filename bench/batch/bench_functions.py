"""The benchmark's functions, shared by every contender (GlobalFunc serves copies of them)."""

import time


def add(a=0, b=0):
    return a + b


def nap(x=0, seconds=0.05):
    time.sleep(seconds)
    return x
