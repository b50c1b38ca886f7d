"""Local mode: the same object API running a library folder's functions in this process, under
the runtime's scan and allow-list rules (only ``package/name.py`` defining ``name`` is callable:
never ``_private``, ``Base.os`` or a dunder), with the same JSON rules and the same exceptions."""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import hashlib
import importlib
import inspect
import json as stdlib_json
import os
import sys
import threading
import traceback
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Callable

from . import _json
from ._api import FunctionInfo, FunctionLibrary, suggest
from ._introspect import describe
from .errors import (
    BadArguments,
    FunctionRaised,
    InvalidRequest,
    ResultNotSerializable,
    UnknownFunction,
    problem_of,
)
from .mapping import check_options, item_result, progress_bar
from .provenance import LOCAL_WORKER, Answer, Provenance

LOCAL_SPACE = "sp_GlobalFunc"
LOCAL_BRANCH = "local"
"""Tiers 1 and 2 of a local answer's name: those of a runtime serving a folder outside Git."""


def is_safe(part: str) -> bool:
    """A name the scan rules could catalogue as callable: an identifier not starting with ``_``."""
    return part.isidentifier() and not part.startswith("_")


def _python_lines(text: str) -> int:
    # Text mode splits on \n, \r and \r\n only (str.splitlines also splits on \f, \v...).
    return len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")) - (
        1 if text.endswith(("\n", "\r")) else 0
    )


def scan(root: Path) -> dict[str, dict[str, Any]]:
    """The callables of a library folder, described as ``GET /v1/functions`` describes them."""
    found: dict[str, dict[str, Any]] = {}
    for package_dir in sorted(p for p in root.iterdir() if p.is_dir() and is_safe(p.name)):
        for file in sorted(package_dir.iterdir()):
            if not file.is_file() or file.suffix != ".py" or not is_safe(file.stem):
                continue
            data = file.read_bytes()
            path = package_dir.name + "/" + file.name
            info = describe(path, file.stem, data.decode("utf-8", "replace"))
            if not info["callable"]:
                continue
            name = package_dir.name + "." + file.stem
            found[name] = _entry(name, path, data, info)
    return found


def _entry(name: str, path: str, data: bytes, info: dict[str, Any]) -> dict[str, Any]:
    package, _, function = name.partition(".")
    entry: dict[str, Any] = {
        "name": name,
        "package": package,
        "function": function,
        "path": path,
        "hash": hashlib.md5(data).hexdigest(),
        "lineCount": _python_lines(data.decode("utf-8", "replace")) if data else 0,
        "kind": info["kind"],
        "doc": info["doc"],
    }
    if info["signature"] is not None:
        params = [
            dict(p, required=p["default"] is None and not p["kind"].startswith("VAR_"))
            for p in info["signature"]["parameters"]
        ]
        entry["signature"] = {"parameters": params, "returns": info["signature"]["returns"]}
    return entry


def _run_coroutine(coroutine: Any) -> Any:
    """Runs a coroutine to its end: on a new event loop, or in a thread of its own when this thread
    already runs one (a notebook's), which ``asyncio.run`` refuses."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(1) as own:
        return own.submit(asyncio.run, coroutine).result()


class LocalLibrary(FunctionLibrary):
    """A library folder's functions, called in this process (``globalfunc.local(path)``).

    With ``json=True`` (default) arguments and results pass through the same JSON rules as a
    remote call, so switching between local and remote never changes a result; ``json=False``
    passes Python objects through unchanged.
    """

    def __init__(self, path: str | os.PathLike[str], *, json: bool = True) -> None:
        self.root = Path(path).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError("no library folder %s" % self.root)
        self.json = json
        self._lock = threading.RLock()
        self._resolved: dict[str, Callable[..., Any]] = {}
        self._catalog_entries = scan(self.root)

    def functions(self) -> list[FunctionInfo]:
        return list(self._catalog_entries.values())

    def refresh(self) -> None:
        """Re-scans the folder (new functions; changed files need a new process to reload)."""
        self._catalog_entries = scan(self.root)

    def call(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        fn = self._callable(name)
        if self.json:
            args, kwargs = _json.loads(_json.dumps([list(args), kwargs]))
        try:
            result = fn(*args, **kwargs)
            if inspect.iscoroutine(result):  # an ``async def`` runs to its end, as in the runtime
                result = _run_coroutine(result)
        except TypeError as exc:
            # As in the runtime's worker: a call that fails before the function's first line
            # runs (no frame inside it) is an argument-binding error.
            if exc.__traceback__ is not None and exc.__traceback__.tb_next is None:
                if _binding_error(fn, args, kwargs):
                    raise BadArguments(
                        str(exc), problem=problem_of(BadArguments, str(exc), name)
                    ) from None
            raise _raised(name, exc) from exc
        except (Exception, SystemExit) as exc:
            raise _raised(name, exc) from exc
        return self._result(name, result)

    def answer(self, name: str, /, *args: Any, **kwargs: Any) -> Answer:
        """As :meth:`call`, with the provenance local mode knows: the three-tier name (tier 2
        ``local``), the md5 of the function's file as catalogued, worker ``"local"``; no commit
        (a folder is not read at a commit) and no memo."""
        result = self.call(name, *args, **kwargs)
        return Answer(result, self.provenance_of(name))

    def provenance_of(self, name: str) -> Provenance:
        """Where a local call of ``name`` runs: this process, from the file the catalog holds."""
        package, _, function = name.partition(".")
        entry = self._catalog_entries.get(name) or {}
        return Provenance(
            function="%s.%s_%s.%s" % (LOCAL_SPACE, package, LOCAL_BRANCH, function),
            commit=None,
            hash=entry.get("hash"),
            worker=LOCAL_WORKER,
        )

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
        """Runs the items one after another in this process; options as in ``Client.map``
        (``ordered``, ``chunk_size`` and ``max_in_flight`` change nothing here)."""
        check_options(errors, chunk_size, provenance)
        return self._map(name, items, errors, progress, total, provenance)

    def _map(
        self,
        name: str,
        items: Iterable[Mapping[str, Any]],
        errors: str,
        progress: bool | None,
        total: int | None,
        provenance: bool,
    ) -> Iterator[Any]:
        self._callable(name)  # an unknown function fails the whole map, as remotely
        if total is None and hasattr(items, "__len__"):
            total = len(items)  # type: ignore[arg-type]
        bar = progress_bar(progress, total, name)
        try:
            for i, item in enumerate(items):
                bar.update(1)
                yield item_result(self._envelope(name, i, item), errors, provenance)
        finally:
            bar.close()

    def _envelope(self, name: str, index: int, item: Any) -> dict[str, Any]:
        if not isinstance(item, Mapping):
            detail = "item %d is not a JSON object of keyword arguments" % index
            return {"ok": False, "problem": problem_of(InvalidRequest, detail, name)}
        # As a runtime's: the provenance fields after the outcome, a null commit left out.
        fields = {
            k: v for k, v in dataclasses.asdict(self.provenance_of(name)).items() if v is not None
        }
        try:
            return {"ok": True, "result": self.call(name, **item), **fields}
        except (BadArguments, FunctionRaised, ResultNotSerializable) as exc:
            return {"ok": False, "problem": exc.problem, **fields}

    # ---- steps of a call ----

    def _callable(self, name: str) -> Callable[..., Any]:
        with self._lock:
            known = self._resolved.get(name)
            if known is not None:
                return known
            if name not in self._catalog_entries:
                raise self._unknown(name)
            package, _, function = name.partition(".")
            try:
                module = self._import(package, function)
            except ImportError:
                raise
            except BaseException as exc:  # an import that raises is the function's own failure
                if isinstance(exc, KeyboardInterrupt):
                    raise
                raise _raised(name, exc) from exc
            fn: Callable[..., Any] | None = getattr(module, function, None)
            if fn is None or not callable(fn):
                raise self._unknown(name, "%s does not define a callable %s" % (name, function))
            self._resolved[name] = fn
            return fn

    def _import(self, package: str, function: str) -> Any:
        root = str(self.root)
        if root not in sys.path:
            sys.path.insert(0, root)
        loaded = sys.modules.get(package)
        if loaded is not None and not _comes_from(loaded, self.root):
            raise ImportError(
                "package %s is already imported from %s; one process can use one library "
                "holding a package of that name" % (package, list(getattr(loaded, "__path__", [])))
            )
        return importlib.import_module(package + "." + function)

    def _result(self, name: str, result: Any) -> Any:
        if not self.json:
            return result
        try:
            text = _RESULT_ENCODER.encode(result)
            collision = _colliding_key(result)
            if collision is not None:
                raise ValueError("two keys both become the JSON key %r" % collision)
        except (TypeError, ValueError, RecursionError, OverflowError) as exc:
            detail = "result of type %s is not JSON-serialisable: %s" % (type(result).__name__, exc)
            raise ResultNotSerializable(
                detail, problem=problem_of(ResultNotSerializable, detail, name)
            ) from None
        return _json.loads(text)

    def _unknown(self, name: str, detail: str | None = None) -> UnknownFunction:
        detail = detail or "no function %s is served here" % name
        return UnknownFunction(
            detail,
            suggestions=suggest(name, self._catalog_entries),
            problem=problem_of(UnknownFunction, detail, name),
        )

    def __repr__(self) -> str:
        return "<globalfunc.LocalLibrary %s: %d functions>" % (
            self.root,
            len(self._catalog_entries),
        )


# The worker's encoder: what a runtime refuses to answer is refused here too.
_RESULT_ENCODER = stdlib_json.JSONEncoder(
    allow_nan=False, ensure_ascii=False, separators=(",", ":")
)


def _key_text(key: Any) -> str:
    """The object key json writes for a dict key (as the runtime's worker computes it)."""
    if isinstance(key, str):
        return key
    if key is True or key is False or key is None:
        return stdlib_json.dumps(key)
    return float.__repr__(key) if isinstance(key, float) else int.__repr__(key)


def _colliding_key(value: Any) -> str | None:
    """A JSON key two keys of one dict would share ({1: .., "1": ..}): refused, as remotely."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if not all(type(k) is str for k in v):
                seen: set[str] = set()
                for k in v:
                    text = _key_text(k)
                    if text in seen:
                        return text
                    seen.add(text)
            stack.extend(v.values())
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
    return None


def _comes_from(module: Any, root: Path) -> bool:
    paths = list(getattr(module, "__path__", []) or [])
    return any(Path(p).resolve().parent == root for p in paths)


def _binding_error(fn: Callable[..., Any], args: Any, kwargs: Any) -> bool:
    try:
        inspect.signature(fn).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return True
    return False


def _raised(name: str, exc: BaseException) -> FunctionRaised:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    detail = str(exc)
    exception = {"type": type(exc).__name__, "message": detail, "traceback": text}
    return FunctionRaised(
        detail, problem=problem_of(FunctionRaised, detail, name, exception=exception)
    )
