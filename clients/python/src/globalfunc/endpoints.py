"""Where calls go: a set of runtime endpoints, least outstanding requests first, refreshed from
their source (fixed URLs or the operator's registry in Redis), an endpoint that refuses
connections set aside for a while."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

from . import registry
from .errors import NoEndpoints


class Source(Protocol):
    """Where endpoint URLs come from."""

    def urls(self) -> list[str]: ...

    def describe(self) -> str: ...


class StaticSource:
    """A fixed list of runtime (or Service) URLs."""

    def __init__(self, urls: Sequence[str]) -> None:
        self._urls = [normalize_url(u) for u in urls]
        if not self._urls:
            raise ValueError("connect() needs at least one URL")

    def urls(self) -> list[str]:
        return list(self._urls)

    def describe(self) -> str:
        return ", ".join(self._urls)


class RedisSource:
    """The Ready endpoints of one release, as the operator registers them in Redis."""

    def __init__(self, redis: Any, space: str, release: str | None) -> None:
        self._redis = _redis_client(redis)
        self._space = space
        self._release = release
        registry.space_index(space)  # validates the space up front

    def urls(self) -> list[str]:
        members = sorted(self._redis.smembers(registry.space_index(self._space)))
        pipe = self._redis.pipeline(transaction=False)
        for m in members:
            pipe.hgetall(registry.endpoint_of_member(self._space, _text(m)))
        out = []
        for fields in pipe.execute():
            entry = {_text(k): _text(v) for k, v in (fields or {}).items()}
            if not entry.get("host") or not entry.get("port"):
                continue  # expired between SMEMBERS and HGETALL, or not an endpoint
            if self._release is not None and entry.get("release") != self._release:
                continue
            out.append(normalize_url("http://%s:%s" % (_host(entry["host"]), entry["port"])))
        return out

    def describe(self) -> str:
        scope = " release %s" % self._release if self._release else ""
        return "registry %s%s" % (registry.space_index(self._space), scope)


def _redis_client(redis: Any) -> Any:
    if not isinstance(redis, str):
        return redis  # an existing redis.Redis
    try:
        import redis as redis_lib
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError(
            "discovery through Redis needs the redis package: pip install 'globalfunc[redis]'"
        ) from exc
    return redis_lib.Redis.from_url(redis, decode_responses=True)


def _text(v: Any) -> str:
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def _host(host: str) -> str:
    return "[%s]" % host if ":" in host and not host.startswith("[") else host


def normalize_url(url: str) -> str:
    """A runtime's base URL: scheme, host and port (a trailing ``/gfgo/`` or ``/`` dropped)."""
    u = url.strip().rstrip("/")
    if u.endswith("/gfgo"):
        u = u[: -len("/gfgo")]
    if "://" not in u:
        u = "http://" + u
    return u


class Endpoint:
    """One runtime: its base URL, its calls in flight, and until when it is set aside."""

    __slots__ = ("url", "outstanding", "down_until")

    def __init__(self, url: str) -> None:
        self.url = url
        self.outstanding = 0
        self.down_until = 0.0

    def __repr__(self) -> str:
        return "Endpoint(%s, outstanding=%d)" % (self.url, self.outstanding)


class EndpointPool:
    """Thread-safe choice of an endpoint per request."""

    def __init__(self, source: Source, refresh_interval: float = 10.0, down_for: float = 5.0):
        self.source = source
        self.refresh_interval = refresh_interval
        self.down_for = down_for
        self._lock = threading.Lock()
        self._endpoints: list[Endpoint] = []
        self._loaded_at = float("-inf")
        self._turn = 0

    def refresh(self) -> None:
        """Re-reads the source now; keeps the old list when the source cannot be read."""
        with self._lock:
            self._refresh_locked(force=True)

    def _refresh_locked(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._loaded_at < self.refresh_interval:
            return
        try:
            urls = self.source.urls()
        except Exception as exc:
            if not self._endpoints:
                raise NoEndpoints(
                    "cannot read endpoints from %s: %s" % (self.source.describe(), exc)
                ) from exc
            self._loaded_at = now  # keep serving from the last list; try again later
            return
        known = {e.url: e for e in self._endpoints}
        self._endpoints = [known.get(u) or Endpoint(u) for u in urls]
        self._loaded_at = now

    def urls(self) -> list[str]:
        """The endpoints not set aside."""
        with self._lock:
            self._refresh_locked()
            now = time.monotonic()
            return [e.url for e in self._endpoints if e.down_until <= now]

    def size(self) -> int:
        with self._lock:
            self._refresh_locked()
            return len(self._endpoints)

    def acquire(self) -> Endpoint:
        """The live endpoint with the fewest requests in flight (ties taken in turn)."""
        with self._lock:
            self._refresh_locked()
            now = time.monotonic()
            live = [e for e in self._endpoints if e.down_until <= now]
            if not live and self._endpoints:
                self._refresh_locked(force=True)  # maybe the registry moved on
                live = [e for e in self._endpoints if e.down_until <= now]
            if not live:
                if not self._endpoints:
                    raise NoEndpoints("no endpoint registered in %s" % self.source.describe())
                # Every endpoint refused lately: try the one set aside longest ago.
                live = [min(self._endpoints, key=lambda e: e.down_until)]
            self._turn += 1
            n = len(live)
            best = min(range(n), key=lambda i: (live[i].outstanding, (i - self._turn) % n))
            chosen = live[best]
            chosen.outstanding += 1
            return chosen

    def release(self, endpoint: Endpoint) -> None:
        with self._lock:
            endpoint.outstanding -= 1

    def mark_down(self, endpoint: Endpoint) -> None:
        """Sets an endpoint aside (it refused a connection or broke one) and re-reads the source."""
        with self._lock:
            endpoint.down_until = time.monotonic() + self.down_for
            self._loaded_at = float("-inf")
