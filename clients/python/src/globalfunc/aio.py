"""The asyncio twin of the remote client: ``await gf.call(...)``, ``await gf.Base.f(...)`` and
``async for r in gf.map(...)``, over the same endpoints, retries, errors and JSON rules."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Iterable, Mapping
from typing import Any, Callable

import httpx

from . import _json
from ._api import FunctionInfo, suggest
from ._version import __version__
from .client import DEFAULT_TIMEOUT, _named, call_body, source_of, transport_failure
from .endpoints import EndpointPool, Source
from .errors import (
    EndpointLost,
    GlobalFuncError,
    UnknownFunction,
    from_problem,
    from_response,
)
from .mapping import check_options, chunks, item_result
from .provenance import Answer, Provenance
from .retry import Retry, retry_after_of


class AsyncClient:
    """Calls the functions served by GlobalFunc runtimes from asyncio code.

    Discovery through Redis reads the registry with the blocking ``redis`` client when the
    endpoint list is refreshed (every ``refresh_interval`` seconds), inside the event loop.
    """

    def __init__(
        self,
        source: Source,
        *,
        retry: Retry | None = None,
        timeout: float | httpx.Timeout | None = None,
        refresh_interval: float = 10.0,
    ) -> None:
        self._pool = EndpointPool(source, refresh_interval=refresh_interval)
        self.retry = retry if retry is not None else Retry()
        self._http = httpx.AsyncClient(
            timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "globalfunc-python/" + __version__,
            },
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=64),
        )
        self._catalog: list[FunctionInfo] | None = None

    async def call(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        return _json.loads((await self._call(name, args, kwargs)).content)

    async def answer(self, name: str, /, *args: Any, **kwargs: Any) -> Answer:
        """As ``Client.answer``: the result with its :class:`Provenance`."""
        response = await self._call(name, args, kwargs)
        return Answer(_json.loads(response.content), Provenance.from_headers(response.headers))

    async def _call(
        self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> httpx.Response:
        try:
            return await self._send("POST", "/gfgo/", call_body(name, args, kwargs))
        except UnknownFunction as exc:
            raise await self._with_suggestions(name, exc) from None

    async def functions(self) -> list[FunctionInfo]:
        """The catalog (cached); after it is read, ``dir(gf)`` and ``dir(gf.Base)`` list it."""
        if self._catalog is None:
            self._catalog = _json.loads((await self._send("GET", "/v1/functions")).content)
        return list(self._catalog)

    async def map(
        self,
        name: str,
        items: Iterable[Mapping[str, Any]],
        *,
        ordered: bool = True,
        errors: str = "return",
        chunk_size: int = 500,
        max_in_flight: int | None = None,
        provenance: bool = False,
    ) -> AsyncIterator[Any]:
        """As ``Client.map``: chunks to ``/v1/map`` of the least busy endpoints, a bounded window
        in flight, results (or errors in place, or ``Answer``s with ``provenance=True``) in input
        order."""
        check_options(errors, chunk_size, provenance)
        path = "/v1/map/" + _named(name)
        window = max_in_flight or max(2, 2 * self._pool.size())
        source = chunks(items, chunk_size)
        pending: deque[asyncio.Task[list[Any]]] = deque()
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < window:
                    chunk = next(source, None)
                    if chunk is None:
                        exhausted = True
                    else:
                        pending.append(asyncio.ensure_future(self._run_chunk(path, chunk)))
                if not pending:
                    return
                if ordered:
                    task = pending.popleft()
                else:
                    done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                    task = next(iter(done))
                    pending.remove(task)
                for envelope in await task:
                    yield item_result(envelope, errors, provenance)
        finally:
            for task in pending:
                task.cancel()

    async def _run_chunk(self, path: str, chunk: list[Any]) -> list[Any]:
        chunk_retry = dataclasses.replace(self.retry, on=tuple(self.retry.on) + (EndpointLost,))
        envelopes = await self._post_chunk(path, chunk, chunk_retry)
        for attempt in range(1, self.retry.attempts):
            again = [
                i
                for i, e in enumerate(envelopes)
                if not e.get("ok")
                and self.retry.should_retry(from_problem(e.get("problem") or {}), attempt)
            ]
            if not again:
                break
            await asyncio.sleep(self.retry.delay(attempt, None))
            redo = await self._post_chunk(path, [chunk[i] for i in again], chunk_retry)
            for i, e in zip(again, redo):
                envelopes[i] = e
        return envelopes

    async def _post_chunk(self, path: str, chunk: list[Any], retry: Retry) -> list[Any]:
        envelopes = _json.loads((await self._send("POST", path, _json.dumpb(chunk), retry)).content)
        if not isinstance(envelopes, list) or len(envelopes) != len(chunk):
            raise GlobalFuncError("%s answered a wrong number of envelopes" % path)
        return envelopes

    def endpoints(self) -> list[str]:
        return self._pool.urls()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    def __getattr__(self, package: str) -> AsyncPackage:
        if package.startswith("_"):
            raise AttributeError(package)
        return AsyncPackage(self, package)

    def __dir__(self) -> list[str]:
        names = set(super().__dir__())
        names.update(f["package"] for f in self._catalog or [])
        return sorted(names)

    def __repr__(self) -> str:
        return "<globalfunc.AsyncClient %s>" % self._pool.source.describe()

    async def _send(
        self, method: str, path: str, body: bytes | None = None, retry: Retry | None = None
    ) -> httpx.Response:
        policy = retry or self.retry
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._send_once(method, path, body)
            except GlobalFuncError as exc:
                if not policy.should_retry(exc, attempt):
                    raise
                delay = policy.delay(attempt, retry_after_of(exc))
                policy.notify(exc, attempt, delay)
                await asyncio.sleep(delay)

    async def _send_once(self, method: str, path: str, body: bytes | None) -> httpx.Response:
        endpoint = self._pool.acquire()
        try:
            response = await self._http.request(method, endpoint.url + path, content=body)
        except httpx.TransportError as exc:
            self._pool.mark_down(endpoint)
            raise transport_failure(endpoint.url, exc) from exc
        finally:
            self._pool.release(endpoint)
        if response.status_code >= 400:
            raise from_response(response.status_code, response.headers, response.content)
        return response

    async def _with_suggestions(self, name: str, exc: UnknownFunction) -> UnknownFunction:
        try:
            names = [f["name"] for f in await self.functions()]
        except GlobalFuncError:
            return exc
        return UnknownFunction(
            exc.detail, suggestions=suggest(name, names), status=exc.status, problem=exc.problem
        )


class AsyncPackage:
    """``gf.Base`` of an AsyncClient: its attributes are coroutine functions."""

    def __init__(self, client: AsyncClient, name: str) -> None:
        self._client = client
        self._name = name

    def __getattr__(self, function: str) -> Callable[..., Awaitable[Any]]:
        if function.startswith("_"):
            raise AttributeError(function)
        name = self._name + "." + function
        client = self._client

        async def remote(*args: Any, **kwargs: Any) -> Any:
            return await client.call(name, *args, **kwargs)

        remote.__name__ = function
        remote.__qualname__ = name
        info = next((f for f in client._catalog or [] if f["name"] == name), None)
        if info is not None:
            remote.__doc__ = info.get("doc")
        return remote

    def __dir__(self) -> list[str]:
        return sorted(
            f["function"] for f in self._client._catalog or [] if f["package"] == self._name
        )


def connect(
    url: str | list[str] | None = None,
    *,
    redis: Any = None,
    space: str = "sp_GlobalFunc",
    release: str | None = None,
    retry: Retry | None = None,
    timeout: float | httpx.Timeout | None = None,
    refresh_interval: float = 10.0,
) -> AsyncClient:
    """``globalfunc.aio.connect(...)``: as ``globalfunc.connect``, for asyncio."""
    return AsyncClient(
        source_of(url, redis, space, release),
        retry=retry,
        timeout=timeout,
        refresh_interval=refresh_interval,
    )
