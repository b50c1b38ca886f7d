"""The remote client: calls, the catalog, map and batches over one or many runtimes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from . import _json
from ._api import FunctionInfo, FunctionLibrary, suggest
from ._version import __version__
from .endpoints import EndpointPool, RedisSource, Source, StaticSource
from .errors import (
    EndpointLost,
    GlobalFuncError,
    NoEndpoints,
    UnknownFunction,
    from_response,
)
from .provenance import Answer, Provenance
from .retry import NO_RETRY, Retry, retry_after_of

if TYPE_CHECKING:
    from .batch import Batch

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=600.0, write=60.0, pool=600.0)


def transport_failure(url: str, exc: httpx.TransportError) -> GlobalFuncError:
    """The client's exception for a failed exchange: refused (never ran) or lost (may have run)."""
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return NoEndpoints("%s refused the connection: %s" % (url, exc))
    return EndpointLost(
        "%s broke the connection after the request was sent (the call may have run): %s"
        % (url, exc or type(exc).__name__)
    )


class Client(FunctionLibrary):
    """Calls the functions served by GlobalFunc runtimes. Thread-safe; close it (or use ``with``)
    to release its connections."""

    def __init__(
        self,
        source: Source,
        *,
        retry: Retry | None = None,
        timeout: float | httpx.Timeout | None = None,
        refresh_interval: float = 10.0,
        _pool: EndpointPool | None = None,
        _http: httpx.Client | None = None,
    ) -> None:
        self._pool = _pool or EndpointPool(source, refresh_interval=refresh_interval)
        self.retry = retry if retry is not None else Retry()
        self._owns_http = _http is None
        self._http = _http or httpx.Client(
            timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "globalfunc-python/" + __version__,
            },
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=64),
        )
        self._catalog_lock = threading.Lock()
        self._catalog_cache: list[FunctionInfo] | None = None

    # ---- the object API ----

    def call(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        """Calls ``Package.function`` remotely with positional and/or keyword arguments."""
        return _json.loads(self._call(name, args, kwargs).content)

    def answer(self, name: str, /, *args: Any, **kwargs: Any) -> Answer:
        """As :meth:`call`, returning the result with its :class:`Provenance` (the three-tier
        name, commit, file hash, runtime and memo flag the runtime answered with)."""
        response = self._call(name, args, kwargs)
        return Answer(_json.loads(response.content), Provenance.from_headers(response.headers))

    def _call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> httpx.Response:
        try:
            response = self._send("POST", "/gfgo/", call_body(name, args, kwargs))
        except UnknownFunction as exc:
            raise self._with_suggestions(name, exc) from None
        return response

    def functions(self) -> list[FunctionInfo]:
        """Every callable served (``GET /v1/functions``), cached; :meth:`refresh` re-reads it."""
        return self._read_catalog(self.retry)

    def _lookup_functions(self) -> list[FunctionInfo]:
        # One try: a catalog that cannot be read only means attribute access trusts the name, and
        # the call then retries as configured. Retried here too, an unreachable fleet cost the
        # back-off twice per call, and froze tab completion and dir() for as long.
        return self._read_catalog(NO_RETRY)

    def _read_catalog(self, retry: Retry) -> list[FunctionInfo]:
        with self._catalog_lock:
            if self._catalog_cache is None:
                response = self._send("GET", "/v1/functions", retry=retry)
                self._catalog_cache = _json.loads(response.content)
            return list(self._catalog_cache)

    def describe(self, name: str) -> FunctionInfo:
        """One function's catalog entry."""
        info: FunctionInfo = _json.loads(self._send("GET", "/v1/functions/" + _named(name)).content)
        return info

    def map(
        self,
        name: str,
        items: Iterable[Mapping[str, Any]],
        *,
        ordered: bool = True,
        errors: str = "return",
        chunk_size: int = 500,
        max_in_flight: int | None = None,
        progress: bool | None = None,
        total: int | None = None,
        provenance: bool = False,
    ) -> Iterator[Any]:
        """Calls ``name`` once per item of ``items`` (keyword-argument mappings, read lazily) over
        every endpoint through ``/v1/map`` in chunks, and yields the results.

        ``ordered``: in input order (default) or as chunks finish. ``errors``: an item that fails
        yields its exception object (``"return"``, default), raises it (``"raise"``), or every
        item yields its envelope ``{"ok": True, "result": ...}`` / ``{"ok": False, "problem":
        {...}}`` (``"envelope"``). At most ``max_in_flight`` chunks (default: 2 per endpoint) are
        sent or waiting to be yielded. A chunk whose runtime dies is sent again to another one:
        every item yields exactly once, but may have run twice. ``progress``: a tqdm bar (default:
        when tqdm is installed and stderr is a terminal). ``provenance=True``: each item yields an
        :class:`Answer` of its result (or exception) and the provenance of its envelope.
        """
        from .mapping import RemoteMap

        return RemoteMap(
            self,
            name,
            items,
            ordered=ordered,
            errors=errors,
            chunk_size=chunk_size,
            max_in_flight=max_in_flight,
            progress=progress,
            total=total,
            provenance=provenance,
        ).run()

    def batch(self, name: str, items: Iterable[Mapping[str, Any]]) -> Batch:
        """Submits a durable batch (``POST /v1/batches``): every runtime of the release works on
        it, and it survives their restarts. The items are sent in one request."""
        from .batch import Batch

        body = _json.dumpb(list(items))
        try:
            answer = _json.loads(self._send("POST", "/v1/batches/" + _named(name), body).content)
        except UnknownFunction as exc:
            raise self._with_suggestions(name, exc) from None
        return Batch(self, answer["id"], answer.get("function", name), answer.get("total"))

    def get_batch(self, batch_id: str) -> Batch:
        """A batch submitted earlier, by id."""
        from .batch import Batch

        return Batch(self, batch_id, None, None)

    def endpoints(self) -> list[str]:
        """The base URLs calls are spread over now."""
        return self._pool.urls()

    def refresh(self) -> None:
        """Re-reads the endpoints and forgets the cached catalog."""
        self._pool.refresh()
        with self._catalog_lock:
            self._catalog_cache = None

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<globalfunc.Client %s>" % self._pool.source.describe()

    # ---- HTTP ----

    def _send(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        retry: Retry | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """One request with retries: a refused connection moves to another endpoint, problems
        in ``retry.on`` are tried again after the back-off (never sooner than Retry-After)."""
        policy = retry or self.retry
        # Every request's query parameters pass here: the place where a ref (?ref=) joins.
        query = dict(params or {})
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._send_once(method, path, body, query)
            except GlobalFuncError as exc:
                if not policy.should_retry(exc, attempt):
                    raise
                delay = policy.delay(attempt, retry_after_of(exc))
                policy.notify(exc, attempt, delay)
                time.sleep(delay)

    def _send_once(
        self, method: str, path: str, body: bytes | None, query: dict[str, Any]
    ) -> httpx.Response:
        endpoint = self._pool.acquire()
        try:
            response = self._http.request(
                method, endpoint.url + path, content=body, params=query or None
            )
        except httpx.TransportError as exc:
            self._pool.mark_down(endpoint)
            raise transport_failure(endpoint.url, exc) from exc
        finally:
            self._pool.release(endpoint)
        if response.status_code >= 400:
            raise from_response(response.status_code, response.headers, response.content)
        return response

    def _with_suggestions(self, name: str, exc: UnknownFunction) -> UnknownFunction:
        try:
            names = [f["name"] for f in self.functions()]
        except GlobalFuncError:
            return exc
        return UnknownFunction(
            exc.detail,
            suggestions=suggest(name, names),
            status=exc.status,
            problem=exc.problem,
        )


def call_body(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bytes:
    """The ``/gfgo/`` request of one call (``args`` and ``kwargs`` only when given)."""
    body: dict[str, Any] = {"pack_func": name}
    if args:
        body["args"] = list(args)
    if kwargs:
        body["kwargs"] = kwargs
    return _json.dumpb(body)


def _path(package: str, function: str) -> str:
    return quote(package, safe="") + "/" + quote(function, safe="")


def _named(name: str) -> str:
    """``Package.function`` as a path tail ``Package/function``; ``Package@ref.function`` (the
    package ends at the first ``@``, the function starts after the last ``.``) adds ``?ref=``."""
    package, at, rest = name.partition("@")
    if not at:
        package, _, function = name.partition(".")
        return _path(package, function)
    ref, _, function = rest.rpartition(".")
    return _path(package, function) + "?ref=" + quote(ref, safe="")


def connect(
    url: str | Sequence[str] | None = None,
    *,
    redis: Any = None,
    space: str = "sp_GlobalFunc",
    release: str | None = None,
    retry: Retry | None = None,
    timeout: float | httpx.Timeout | None = None,
    refresh_interval: float = 10.0,
) -> Client:
    """A client for one runtime or Service URL (or a list of them), or for the Ready endpoints
    of a release found in the operator's registry: ``connect(redis="redis://...",
    space="sp_GlobalFunc", release="globalfunc")``."""
    source = source_of(url, redis, space, release)
    return Client(source, retry=retry, timeout=timeout, refresh_interval=refresh_interval)


def source_of(
    url: str | Sequence[str] | None, redis: Any, space: str, release: str | None
) -> Source:
    """Where the endpoints come from: fixed URLs, or the operator's registry in Redis."""
    if (url is None) == (redis is None):
        raise ValueError("connect() takes a URL (or a list of URLs) or redis=..., not both")
    if redis is not None:
        return RedisSource(redis, space, release)
    return StaticSource([url] if isinstance(url, str) else list(url or []))


__all__ = ["Client", "connect", "NO_RETRY"]
