"""Which failures are tried again, how often and after how long."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

from .errors import (
    CallTimeout,
    EndpointLost,
    GlobalFuncError,
    NoEndpoints,
    Overloaded,
    Unavailable,
    WorkerCrashed,
)

RetryHook = Callable[[BaseException, int, float], None]

# Failures after which the call certainly did not run.
SAFE: tuple[type[BaseException], ...] = (Overloaded, Unavailable, NoEndpoints)
# For functions that may safely run twice: also after a crash, a timeout or a broken connection.
IDEMPOTENT: tuple[type[BaseException], ...] = SAFE + (WorkerCrashed, CallTimeout, EndpointLost)


@dataclass(frozen=True)
class Retry:
    """Retries with exponential back-off (with jitter) that never waits less than ``Retry-After``.

    By default only failures where the call certainly did not run are retried: ``Overloaded``
    (429, the queue was full), ``Unavailable`` (503, no worker could take it) and endpoints that
    refuse connections (``NoEndpoints``). ``WorkerCrashed``, ``CallTimeout`` and ``EndpointLost``
    may follow a call that ran partly, so they are retried only when the caller says its
    functions are idempotent: ``Retry(on=globalfunc.IDEMPOTENT)``.
    """

    attempts: int = 8
    """Tries in all, the first included."""
    on: tuple[type[BaseException], ...] = SAFE
    backoff: float = 0.1
    """The first delay in seconds; doubles per attempt up to ``max_delay``."""
    max_delay: float = 30.0
    on_retry: RetryHook | None = None
    """Called as ``on_retry(error, attempt, delay)`` before each wait (logging, metrics)."""

    def should_retry(self, error: BaseException, attempt: int) -> bool:
        """``attempt`` counts the tries made so far (1 after the first)."""
        return attempt < self.attempts and isinstance(error, self.on)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        base = min(self.max_delay, self.backoff * (2.0 ** max(0, attempt - 1)))
        wait = base * (0.5 + random.random() / 2)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait

    def notify(self, error: BaseException, attempt: int, delay: float) -> None:
        if self.on_retry is not None:
            self.on_retry(error, attempt, delay)


NO_RETRY = Retry(attempts=1)


def retry_after_of(error: BaseException) -> float | None:
    return error.retry_after if isinstance(error, GlobalFuncError) else None
