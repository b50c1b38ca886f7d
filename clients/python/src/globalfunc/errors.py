"""Exceptions: one class per RFC 9457 problem type a runtime answers, under GlobalFuncError."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from .provenance import FUNCTION_HEADER, Provenance

TYPE_BASE = "https://globalfunc.io/problems/"


class GlobalFuncError(Exception):
    """A failed call: the problem's status, type, title and detail, and the whole problem body;
    ``provenance`` says what answered when the runtime ran the call (else None)."""

    slug: ClassVar[str | None] = None
    default_status: ClassVar[int | None] = None
    default_title: ClassVar[str | None] = None

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        problem: Mapping[str, Any] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status if status is not None else self.default_status
        self.problem: dict[str, Any] = dict(problem or {})
        self.retry_after = retry_after
        self.provenance: Provenance | None = None

    @property
    def type(self) -> str | None:
        """The problem's ``type`` URI."""
        return self.problem.get("type") or (TYPE_BASE + self.slug if self.slug else None)

    @property
    def title(self) -> str | None:
        return self.problem.get("title")

    @property
    def function(self) -> str | None:
        """The ``Package.function`` the problem is about, when the runtime named one."""
        return self.problem.get("function")

    def __reduce__(
        self,
    ) -> tuple[Any, ...]:  # picklable, for concurrent.futures and multiprocessing users
        return (
            _rebuild,
            (type(self), self.detail, self.status, self.problem, self.retry_after),
        )


def _rebuild(
    cls: type[GlobalFuncError],
    detail: str,
    status: int,
    problem: dict[str, Any],
    retry_after: float | None,
) -> GlobalFuncError:
    return cls(detail, status=status, problem=problem, retry_after=retry_after)


class BadJson(GlobalFuncError):
    """400: the request body was not JSON."""

    slug, default_status = "bad-json", 400
    default_title = "The request body is not valid JSON"


class InvalidRequest(GlobalFuncError):
    """400: JSON of the wrong shape (an item that is not an object, a bad parameter...)."""

    slug, default_status = "invalid-request", 400
    default_title = "The request is not of the expected shape"


class UnknownFunction(GlobalFuncError):
    """404: not a callable of the library (forbidden names included); suggests close names."""

    slug, default_status = "unknown-function", 404
    default_title = "No such function in this library"

    def __init__(self, detail: str, *, suggestions: tuple[str, ...] = (), **kw: Any) -> None:
        if suggestions:
            detail = "%s; did you mean %s?" % (detail, " or ".join(suggestions))
        super().__init__(detail, **kw)
        self.suggestions = tuple(suggestions)


class UnknownBatch(GlobalFuncError):
    """404: no such batch (never submitted, or expired)."""

    slug, default_status = "unknown-batch", 404
    default_title = "No such batch (never submitted, or expired)"


class UnknownRef(GlobalFuncError):
    """404: no such branch, tag or commit in the release's repository (``Package@ref.function``)."""

    slug, default_status = "unknown-ref", 404
    default_title = "No such branch, tag or commit in the release's repository"


class RefNotAllowed(GlobalFuncError):
    """403: the ref exists but the release does not serve it (its ``GF_REFS`` patterns)."""

    slug, default_status = "ref-not-allowed", 403
    default_title = "The release does not serve this ref"


class Unauthorized(GlobalFuncError):
    """401: the route needs a bearer token (``POST /v1/release`` with GF_RELEASE_TOKEN set)."""

    slug, default_status = "unauthorized", 401
    default_title = "The request needs a bearer token"


class Forbidden(GlobalFuncError):
    """403: the bearer token sent is not the one the runtime accepts."""

    slug, default_status = "forbidden", 403
    default_title = "The bearer token is not the one this runtime accepts"


class NotFound(GlobalFuncError):
    """404: nothing is served at that path (a client and a runtime of different versions)."""

    slug, default_status = "not-found", 404
    default_title = "No such resource"


class MethodNotAllowed(GlobalFuncError):
    """405: the path does not take that method (the ``Allow`` header lists the ones it does)."""

    slug, default_status = "method-not-allowed", 405
    default_title = "The resource does not support this method"


class PayloadTooLarge(GlobalFuncError):
    """413: the request body is over the runtime's GF_MAX_BODY."""

    slug, default_status = "payload-too-large", 413
    default_title = "The request body is larger than allowed"


class BadArguments(GlobalFuncError):
    """422: the arguments do not bind to the function's signature (Python's message)."""

    slug, default_status = "bad-arguments", 422
    default_title = "The arguments do not fit the function's signature"


class Overloaded(GlobalFuncError):
    """429: the runtime's queue is full; the call did not run (retried by default)."""

    slug, default_status = "overloaded", 429
    default_title = "Too many calls are waiting; retry later"


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a remote (or local) function, as text."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return '\n"""\n%s"""' % self.text


class FunctionRaised(GlobalFuncError):
    """500: the function raised; the remote traceback is chained as the ``__cause__``."""

    slug, default_status = "function-raised", 500
    default_title = "The function raised an exception"

    def __init__(self, detail: str, **kw: Any) -> None:
        super().__init__(detail, **kw)
        exc = self.problem.get("exception") or {}
        self.exception_type: str | None = exc.get("type")
        self.exception_message: str | None = exc.get("message")
        self.traceback: str | None = exc.get("traceback")
        if self.traceback:
            # Printed like a chained exception: "The above exception was the direct cause ...".
            self.__cause__ = RemoteTraceback(self.traceback)

    def __str__(self) -> str:
        if self.exception_type:
            return "%s: %s" % (self.exception_type, self.exception_message or "")
        return self.detail


class ResultNotSerializable(GlobalFuncError):
    """500: the function returned what JSON cannot carry (a set, NaN, bytes...)."""

    slug, default_status = "result-not-serializable", 500
    default_title = "The function's result cannot be JSON"


class ResultTooLarge(GlobalFuncError):
    """500: the function's result is over the runtime's limit (a share of its heap)."""

    slug, default_status = "result-too-large", 500
    default_title = "The function's result is larger than allowed"


class NotRun(GlobalFuncError):
    """503: an item of a chunk got no outcome (its worker died running another); it may have run."""

    slug, default_status = "not-run", 503
    default_title = "The call did not run (its worker died running another); retry it"


class WorkerCrashed(GlobalFuncError):
    """502: the worker died during the call; it may have run partly (not retried by default)."""

    slug, default_status = "worker-crashed", 502
    default_title = "The Python worker running the call died"


class Unavailable(GlobalFuncError):
    """503: the runtime cannot run functions now (no library, Python cannot start); retried."""

    slug, default_status = "unavailable", 503
    default_title = "The runtime cannot run functions right now"


class CallTimeout(GlobalFuncError):
    """504: the call ran past the runtime's GF_TIMEOUT; its worker was replaced."""

    slug, default_status = "timeout", 504
    default_title = "The call ran past its timeout"


class InternalError(GlobalFuncError):
    """500: the runtime failed to answer (a bug in the runtime, logged there)."""

    slug, default_status = "internal-error", 500
    default_title = "The runtime failed to answer this request"


class NoEndpoints(GlobalFuncError):
    """Client side: no endpoint can be reached (none registered, or all refuse connections)."""


class EndpointLost(GlobalFuncError):
    """Client side: the connection broke after the request was sent; the call may have run."""


PROBLEM_CLASSES: dict[str, type[GlobalFuncError]] = {
    cls.slug: cls
    for cls in (
        BadJson,
        InvalidRequest,
        UnknownFunction,
        UnknownBatch,
        UnknownRef,
        RefNotAllowed,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        PayloadTooLarge,
        BadArguments,
        Overloaded,
        FunctionRaised,
        ResultNotSerializable,
        ResultTooLarge,
        NotRun,
        WorkerCrashed,
        Unavailable,
        CallTimeout,
        InternalError,
    )
    if cls.slug
}


def problem_of(
    cls: type[GlobalFuncError], detail: str, function: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A problem body as the runtime would answer it (for local mode)."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + (cls.slug or ""),
        "title": cls.default_title,
        "status": cls.default_status,
        "detail": detail,
    }
    if function is not None:
        body["function"] = function
    body.update(extra)
    return body


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: back-off applies instead


def from_problem(
    problem: Mapping[str, Any],
    status: int | None = None,
    retry_after: str | None = None,
    suggestions: tuple[str, ...] = (),
) -> GlobalFuncError:
    """The exception for a problem body (also a /v1/map envelope's ``problem``)."""
    type_uri = str(problem.get("type") or "")
    slug = type_uri[len(TYPE_BASE) :] if type_uri.startswith(TYPE_BASE) else None
    cls = PROBLEM_CLASSES.get(slug or "", GlobalFuncError)
    detail = str(problem.get("detail") or problem.get("title") or "HTTP %s" % status)
    st = status if status is not None else problem.get("status")
    kw: dict[str, Any] = {
        "status": st,
        "problem": problem,
        "retry_after": _retry_after(retry_after),
    }
    if cls is UnknownFunction:
        return UnknownFunction(detail, suggestions=suggestions, **kw)
    return cls(detail, **kw)


def from_response(
    status: int, headers: Mapping[str, str], body: bytes, suggestions: tuple[str, ...] = ()
) -> GlobalFuncError:
    """The exception for an HTTP error answer (a problem, or anything else a proxy may send)."""
    try:
        problem = json.loads(body) if body else {}
    except ValueError:
        problem = {}
    if not isinstance(problem, dict):
        problem = {}
    if not problem:
        text = body.decode("utf-8", "replace").strip()[:500]
        problem = {"status": status, "detail": "HTTP %d %s" % (status, text)}
        if status in (429, 503):  # a proxy's answer: still transient
            problem["type"] = TYPE_BASE + ("overloaded" if status == 429 else "unavailable")
    exc = from_problem(problem, status, headers.get("retry-after"), suggestions)
    if FUNCTION_HEADER in headers:
        exc.provenance = Provenance.from_headers(headers)
    return exc
