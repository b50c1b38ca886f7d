"""Where an answer came from: the runtime's provenance (``GF-*`` headers of a call, the fields of
a map envelope), and the :class:`Answer` that pairs it with a result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The runtime's response headers, one per field (runtime-image's Provenance record).
FUNCTION_HEADER = "GF-Function"
COMMIT_HEADER = "GF-Commit"
HASH_HEADER = "GF-Function-Hash"
WORKER_HEADER = "GF-Worker"
CACHE_HEADER = "GF-Cache"

LOCAL_WORKER = "local"
"""The ``worker`` of an answer computed in this process by ``globalfunc.local``."""


@dataclass(frozen=True)
class Provenance:
    """What answered a call: the runtime's own account, as it sent it.

    ``function``: the three-tier name (``sp_GlobalFunc.Base_dev.add``: tier 2 holds the ref the
    caller named, or the release's branch). ``commit``: the commit that ran, None when the runtime
    serves a folder. ``hash``: the md5 of the function's file, as in the catalog. ``worker``: the
    runtime's identity (its pod name; ``"local"`` in local mode). ``cache``: ``"hit"`` or
    ``"miss"`` for a pure (memoised) function, None for any other.
    """

    function: str | None
    commit: str | None
    hash: str | None
    worker: str | None
    cache: str | None = None

    @property
    def cached(self) -> bool:
        """True when the result came from the memo of a pure function, not from a run."""
        return self.cache == "hit"

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Provenance:
        """The provenance of a call's response (the ``GF-*`` headers; absent ones are None)."""
        return cls(
            function=headers.get(FUNCTION_HEADER),
            commit=headers.get(COMMIT_HEADER),
            hash=headers.get(HASH_HEADER),
            worker=headers.get(WORKER_HEADER),
            cache=headers.get(CACHE_HEADER),
        )

    @classmethod
    def from_envelope(cls, envelope: Mapping[str, Any]) -> Provenance:
        """The provenance fields of a map or batch envelope (every field None for an item the
        runtime refused before it reached a worker, such as one that is not a JSON object)."""
        return cls(
            function=envelope.get("function"),
            commit=envelope.get("commit"),
            hash=envelope.get("hash"),
            worker=envelope.get("worker"),
            cache=envelope.get("cache"),
        )


@dataclass(frozen=True)
class Answer:
    """A result with its provenance (``gf.answer(...)``, ``gf.map(..., provenance=True)``).

    In a map with ``errors="return"``, ``result`` holds the item's exception object when it
    failed (its provenance still says where it ran).
    """

    result: Any
    provenance: Provenance


__all__ = ["Answer", "Provenance"]
