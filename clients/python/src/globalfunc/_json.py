"""The JSON rules of every call: what is sent and received exactly, what is refused, what changes.

* ``int`` of any size travels exactly (no 2**53 limit: the runtime keeps JSON numbers as text).
* ``float`` travels exactly (shortest repr); ``1.0`` stays a float. NaN and infinities are refused.
  ``-0.0`` arrives as ``0.0`` from a runtime (it reads numbers as decimals: no negative zero).
* ``str``, ``bool``, ``None``, ``list`` and ``dict`` with ``str`` keys travel exactly.
* ``tuple`` is sent as a JSON array and arrives as a ``list``: JSON has one array type. It is the
  only conversion; a function that returns a tuple gives a list, locally too (local mode
  round-trips through the same rules).
* Refused with ``TypeError`` before anything is sent: dict keys that are not ``str`` (``json``
  would silently turn ``1`` into ``"1"``), sets, bytes, datetimes and other objects.
"""

from __future__ import annotations

import json
from typing import Any

_ENCODER = json.JSONEncoder(allow_nan=False, ensure_ascii=False, separators=(",", ":"))


def _check_keys(value: Any) -> None:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            for k, item in v.items():
                if not isinstance(k, str):
                    raise TypeError(
                        "JSON object keys must be str, not %s (%r): it would arrive as a string"
                        % (type(k).__name__, k)
                    )
                if isinstance(item, (dict, list, tuple)):
                    stack.append(item)
        elif isinstance(v, (list, tuple)):
            stack.extend(i for i in v if isinstance(i, (dict, list, tuple)))


def dumps(value: Any) -> str:
    """Encodes by the rules above; raises TypeError or ValueError for what JSON cannot carry."""
    _check_keys(value)
    try:
        return _ENCODER.encode(value)
    except ValueError as exc:
        raise ValueError("%s (NaN and infinities cannot be sent as JSON)" % exc) from None


def dumpb(value: Any) -> bytes:
    return dumps(value).encode("utf-8")


def loads(data: bytes | str) -> Any:
    return json.loads(data)
