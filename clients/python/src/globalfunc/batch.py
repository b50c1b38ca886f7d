"""Durable batches: submitted once to the release's Redis stream, run by every runtime."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from . import _json
from .mapping import check_options, item_result

if TYPE_CHECKING:
    from .client import Client

PAGE = 1000


class BatchProgress(NamedTuple):
    """``GET /v1/batches/{id}``: how far a batch is."""

    total: int
    done: int
    failed: int
    dead_lettered: int
    complete: bool


class Batch:
    """A submitted batch: its :meth:`progress` and its :meth:`results` in input order."""

    def __init__(
        self, client: Client, batch_id: str, function: str | None, total: int | None
    ) -> None:
        self.client = client
        self.id = batch_id
        self.function = function
        self._total = total

    def progress(self) -> BatchProgress:
        s = _json.loads(self.client._send("GET", "/v1/batches/" + quote(self.id, safe="")).content)
        self.function = s.get("function", self.function)
        self._total = s["total"]
        return BatchProgress(
            s["total"], s["done"], s["failed"], s.get("deadLettered", 0), bool(s["complete"])
        )

    @property
    def total(self) -> int:
        if self._total is None:
            self.progress()
        assert self._total is not None
        return self._total

    def wait(self, poll: float = 0.5, timeout: float | None = None) -> BatchProgress:
        """Waits until every item has a result; TimeoutError after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            p = self.progress()
            if p.complete:
                return p
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError("batch %s: %d of %d done" % (self.id, p.done, p.total))
            time.sleep(poll)

    def results(
        self,
        *,
        errors: str = "return",
        poll: float = 0.5,
        timeout: float | None = None,
        provenance: bool = False,
    ) -> Iterator[Any]:
        """Yields every item's result in input order as soon as it and those before it are
        done (``errors`` and ``provenance`` as in ``map``)."""
        check_options(errors, 1, provenance)
        deadline = None if timeout is None else time.monotonic() + timeout
        start = 0
        while start < self.total:
            page = self._page(start, min(PAGE, self.total - start))
            ready = 0
            for envelope in page:
                if envelope is None:
                    break
                ready += 1
                yield item_result(envelope, errors, provenance)
            start += ready
            if ready == 0:
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError("batch %s: item %d not done yet" % (self.id, start))
                time.sleep(poll)

    def _page(self, start: int, limit: int) -> list[Any]:
        path = "/v1/batches/%s/results" % quote(self.id, safe="")
        params = {"from": start, "limit": limit}
        page: list[Any] = _json.loads(self.client._send("GET", path, params=params).content)
        return page

    def __repr__(self) -> str:
        return "<globalfunc.Batch %s %s>" % (self.id, self.function or "")
