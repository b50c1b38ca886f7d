"""The object API shared by remote clients and local libraries: ``call``, attribute access
(``lib.Base.inverse_time_str(...)``), ``dir``/``help`` from the catalog, and ``map``."""

from __future__ import annotations

import difflib
import inspect
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Callable

from .provenance import Answer

FunctionInfo = Mapping[str, Any]
"""One catalog entry, as ``GET /v1/functions`` answers it (name, package, function, kind, doc,
signature, hash, path, commit...)."""

_KINDS = {
    "POSITIONAL_ONLY": inspect.Parameter.POSITIONAL_ONLY,
    "POSITIONAL_OR_KEYWORD": inspect.Parameter.POSITIONAL_OR_KEYWORD,
    "VAR_POSITIONAL": inspect.Parameter.VAR_POSITIONAL,
    "KEYWORD_ONLY": inspect.Parameter.KEYWORD_ONLY,
    "VAR_KEYWORD": inspect.Parameter.VAR_KEYWORD,
}


class _Source:
    """A default or annotation shown as its source text (never evaluated)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def signature_of(info: FunctionInfo) -> inspect.Signature | None:
    """The function's signature as ``inspect`` shows it, from the catalog's description."""
    sig = info.get("signature")
    if not sig:
        return None
    params = []
    for p in sig.get("parameters") or []:
        kind = _KINDS.get(p.get("kind"), inspect.Parameter.POSITIONAL_OR_KEYWORD)
        default = p.get("default")
        annotation = p.get("annotation")
        params.append(
            inspect.Parameter(
                p["name"],
                kind,
                default=inspect.Parameter.empty if default is None else _Source(default),
                annotation=inspect.Parameter.empty if annotation is None else _Source(annotation),
            )
        )
    returns = sig.get("returns")
    try:
        return inspect.Signature(
            params,
            return_annotation=inspect.Signature.empty if returns is None else _Source(returns),
        )
    except ValueError:
        return None


def suggest(name: str, names: Iterable[str]) -> tuple[str, ...]:
    """Close catalogued names, for "did you mean ...?"."""
    return tuple(difflib.get_close_matches(name, list(names), n=3, cutoff=0.6))


class FunctionLibrary(ABC):
    """A library of functions called by ``Package.function`` name, remote or in-process."""

    @abstractmethod
    def call(self, name: str, /, *args: Any, **kwargs: Any) -> Any:
        """Calls ``Package.function`` with the arguments and returns its (JSON) result."""

    @abstractmethod
    def answer(self, name: str, /, *args: Any, **kwargs: Any) -> Answer:
        """As :meth:`call`, returning the result with its provenance (what answered it)."""

    @abstractmethod
    def functions(self) -> list[FunctionInfo]:
        """The catalog: every callable, with signature and docstring."""

    @abstractmethod
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
        """Calls ``name`` once per item (keyword arguments) and yields the results (each as an
        :class:`Answer` with its provenance when ``provenance=True``)."""

    def _catalog(self) -> dict[str, FunctionInfo] | None:
        """The catalog by name, or None when it cannot be read (attribute access then trusts
        the name and lets the call answer)."""
        try:
            return {f["name"]: f for f in self._lookup_functions()}
        except Exception:
            return None

    def _lookup_functions(self) -> list[FunctionInfo]:
        """The catalog as attribute access, ``dir`` and tab completion read it: what
        :meth:`functions` returns, unless reading it can be slow (a remote library)."""
        return self.functions()

    def packages(self) -> list[str]:
        return sorted({f["package"] for f in self.functions()})

    def function(self, name: str) -> Callable[..., Any]:
        """A Python function that calls ``name``, with its signature and docstring for ``help``."""
        catalog = self._catalog()
        info: FunctionInfo = {}
        if catalog is not None:
            if name not in catalog:
                hint = suggest(name, catalog)
                raise AttributeError(
                    "no function %s in this library%s"
                    % (name, "; did you mean %s?" % " or ".join(hint) if hint else "")
                )
            info = catalog[name]
        return _bound_function(self, name, info)

    def __getattr__(self, package: str) -> Package:
        if package.startswith("_"):
            raise AttributeError(package)  # dunders and private names: never a package
        return Package(self, package)

    def __dir__(self) -> list[str]:
        names = set(super().__dir__())
        catalog = self._catalog()
        if catalog is not None:
            names.update(f["package"] for f in catalog.values())
        return sorted(names)


class Package:
    """``lib.Base``: attribute access to the functions of one package."""

    def __init__(self, library: FunctionLibrary, name: str) -> None:
        self._library = library
        self._name = name

    def __getattr__(self, function: str) -> Callable[..., Any]:
        if function.startswith("_"):
            raise AttributeError(function)
        return self._library.function(self._name + "." + function)

    def __dir__(self) -> list[str]:
        catalog = self._library._catalog() or {}
        return sorted(f["function"] for f in catalog.values() if f["package"] == self._name)

    def __repr__(self) -> str:
        return "<globalfunc package %s: %s>" % (self._name, ", ".join(self.__dir__()))


def _bound_function(library: FunctionLibrary, name: str, info: FunctionInfo) -> Callable[..., Any]:
    package, _, function = name.partition(".")

    def remote(*args: Any, **kwargs: Any) -> Any:
        return library.call(name, *args, **kwargs)

    remote.__name__ = function
    remote.__qualname__ = name
    remote.__module__ = package
    remote.__doc__ = info.get("doc")
    sig = signature_of(info)
    if sig is not None:
        remote.__signature__ = sig  # type: ignore[attr-defined]
    remote.info = dict(info)  # type: ignore[attr-defined]
    remote.answer = lambda *a, **kw: library.answer(name, *a, **kw)  # type: ignore[attr-defined]
    remote.map = lambda items, **options: library.map(name, items, **options)  # type: ignore[attr-defined]
    return remote
