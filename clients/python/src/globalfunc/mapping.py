"""``map`` over every endpoint: a lazy input cut into chunks, each sent to ``/v1/map`` of the
least busy endpoint, a bounded window of chunks in flight, results yielded in order."""

from __future__ import annotations

import dataclasses
import itertools
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from . import _json
from .errors import EndpointLost, GlobalFuncError, from_problem
from .provenance import Answer, Provenance

if TYPE_CHECKING:
    from .client import Client

ERROR_MODES = ("return", "raise", "envelope")


def check_options(errors: str, chunk_size: int, provenance: bool = False) -> None:
    if errors not in ERROR_MODES:
        raise ValueError("errors must be one of %s, not %r" % (", ".join(ERROR_MODES), errors))
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    if provenance and errors == "envelope":
        raise ValueError('provenance=True with errors="envelope": the envelopes already carry it')


def item_result(envelope: Mapping[str, Any], errors: str, provenance: bool = False) -> Any:
    """What one envelope yields under the ``errors`` and ``provenance`` options."""
    if errors == "envelope":
        return envelope
    if envelope.get("ok"):
        result = envelope.get("result")
    else:
        result = from_problem(envelope.get("problem") or {})
        if "function" in envelope:
            result.provenance = Provenance.from_envelope(envelope)
        if errors == "raise":
            raise result
    return Answer(result, Provenance.from_envelope(envelope)) if provenance else result


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def progress_bar(progress: bool | None, total: int | None, name: str) -> Any:
    """A tqdm bar when asked for (or, by default, when tqdm is there and stderr is a terminal)."""
    if progress is False:
        return _NoBar()
    try:
        from tqdm.auto import tqdm
    except ImportError:
        if progress:
            raise ImportError(
                "progress=True needs tqdm: pip install 'globalfunc[progress]'"
            ) from None
        return _NoBar()
    if progress is None and not sys.stderr.isatty():
        return _NoBar()
    return tqdm(total=total, unit="item", desc=name)


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


class RemoteMap:
    """One ``map`` run of a remote client."""

    def __init__(
        self,
        client: Client,
        name: str,
        items: Iterable[Mapping[str, Any]],
        *,
        ordered: bool,
        errors: str,
        chunk_size: int,
        max_in_flight: int | None,
        progress: bool | None,
        total: int | None,
        provenance: bool = False,
    ) -> None:
        from .client import _named

        check_options(errors, chunk_size, provenance)
        self.provenance = provenance
        self.client = client
        self.name = name
        self.path = "/v1/map/" + _named(name)
        self.items = items
        self.ordered = ordered
        self.errors = errors
        self.chunk_size = chunk_size
        self.max_in_flight = max_in_flight
        self.progress = progress
        self.total = total if total is not None else _len(items)
        # A chunk is answered whole or not at all, so one lost with its runtime is sent again.
        policy = client.retry
        self.chunk_retry = dataclasses.replace(policy, on=tuple(policy.on) + (EndpointLost,))

    def run(self) -> Iterator[Any]:
        window = self.max_in_flight or max(2, 2 * self.client._pool.size())
        bar = progress_bar(self.progress, self.total, self.name)
        executor = ThreadPoolExecutor(max_workers=window, thread_name_prefix="globalfunc-map")
        pending: deque[Future[list[Any]]] = deque()
        source = chunks(self.items, self.chunk_size)
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < window:
                    chunk = next(source, None)
                    if chunk is None:
                        exhausted = True
                    else:
                        pending.append(executor.submit(self.run_chunk, chunk))
                if not pending:
                    return
                done = self._next_done(pending)
                envelopes = done.result()
                bar.update(len(envelopes))
                for envelope in envelopes:
                    yield item_result(envelope, self.errors, self.provenance)
        finally:
            for f in pending:
                f.cancel()
            executor.shutdown(wait=False)
            bar.close()

    def _next_done(self, pending: deque[Future[list[Any]]]) -> Future[list[Any]]:
        if self.ordered:
            return pending.popleft()
        wait(pending, return_when=FIRST_COMPLETED)
        done = next(f for f in pending if f.done())
        pending.remove(done)
        return done

    def run_chunk(self, chunk: list[Any]) -> list[Any]:
        """The chunk's envelopes; items that failed transiently are sent again on their own."""
        envelopes = self._post(chunk)
        policy = self.client.retry
        for attempt in range(1, policy.attempts):
            again = [i for i, e in enumerate(envelopes) if self._retryable(e, attempt)]
            if not again:
                break
            time.sleep(policy.delay(attempt, None))
            for i, e in zip(again, self._post([chunk[i] for i in again])):
                envelopes[i] = e
        return envelopes

    def _retryable(self, envelope: Mapping[str, Any], attempt: int) -> bool:
        if envelope.get("ok"):
            return False
        exc: GlobalFuncError = from_problem(envelope.get("problem") or {})
        return self.client.retry.should_retry(exc, attempt)

    def _post(self, chunk: list[Any]) -> list[Any]:
        response = self.client._send("POST", self.path, _json.dumpb(chunk), retry=self.chunk_retry)
        envelopes = _json.loads(response.content)
        if not isinstance(envelopes, list) or len(envelopes) != len(chunk):
            raise GlobalFuncError(
                "%s answered %s envelopes for %d items"
                % (self.path, len(envelopes) if isinstance(envelopes, list) else "no", len(chunk))
            )
        return envelopes


def _len(items: Any) -> int | None:
    try:
        return len(items)
    except TypeError:
        return None
