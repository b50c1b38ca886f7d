"""GlobalFunc from Python: call, map and discover the functions of a GlobalFunc library.

import globalfunc
gf = globalfunc.connect("http://127.0.0.1:8000")          # or connect(redis=..., release=...)
gf.Base.inverse_time_str(time_str="2024-02-15 11:11:11", bias_hours=-8)   # 1707966671
lib = globalfunc.local("examples/functions")               # the same API, in this process
"""

from __future__ import annotations

import os
from typing import Union

from ._api import FunctionLibrary, Package
from ._version import __version__
from .batch import Batch, BatchProgress
from .client import Client, connect
from .errors import (
    BadArguments,
    BadJson,
    CallTimeout,
    EndpointLost,
    Forbidden,
    FunctionRaised,
    GlobalFuncError,
    InternalError,
    InvalidRequest,
    MethodNotAllowed,
    NoEndpoints,
    NotFound,
    NotRun,
    Overloaded,
    PayloadTooLarge,
    RefNotAllowed,
    RemoteTraceback,
    ResultNotSerializable,
    ResultTooLarge,
    Unauthorized,
    Unavailable,
    UnknownBatch,
    UnknownFunction,
    UnknownRef,
    WorkerCrashed,
)
from .local import LocalLibrary
from .provenance import Answer, Provenance
from .retry import IDEMPOTENT, NO_RETRY, SAFE, Retry


def local(path: str | os.PathLike[str], *, json: bool = True) -> LocalLibrary:
    """The library folder at ``path``, called in this process with the same API as
    :func:`connect` (the seed's ``import GlobalFunc as funcs``)."""
    return LocalLibrary(path, json=json)


__all__ = [
    "Answer",
    "BadArguments",
    "BadJson",
    "Batch",
    "BatchProgress",
    "CallTimeout",
    "Client",
    "EndpointLost",
    "FunctionLibrary",
    "FunctionRaised",
    "GlobalFuncError",
    "IDEMPOTENT",
    "InternalError",
    "InvalidRequest",
    "LocalLibrary",
    "MethodNotAllowed",
    "NO_RETRY",
    "NoEndpoints",
    "NotFound",
    "NotRun",
    "Overloaded",
    "Package",
    "PayloadTooLarge",
    "Provenance",
    "RemoteTraceback",
    "ResultNotSerializable",
    "ResultTooLarge",
    "Retry",
    "SAFE",
    "Unavailable",
    "UnknownBatch",
    "UnknownRef",
    "RefNotAllowed",
    "Unauthorized",
    "Forbidden",
    "UnknownFunction",
    "WorkerCrashed",
    "__version__",
    "connect",
    "local",
]
