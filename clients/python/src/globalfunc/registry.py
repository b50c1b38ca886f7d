"""The endpoint registry's key layout, spelled exactly as core's ``EndpointKeys`` spells it.

``space.~endpoints.<namespace>/<pod>`` is a hash per Ready pod (fields as the operator's
``Endpoint.fields()``), ``space.~endpoints`` the set of every endpoint's ``namespace/pod`` and
``space.~workers.<namespace>/<worker>`` the set of a worker's pods. A shared test-vector file,
checked by a Java test against ``EndpointKeys`` and by the pytest suite against this module,
keeps the two spellings one.
"""

from __future__ import annotations

import re
from typing import NamedTuple

ENDPOINTS = "~endpoints"
WORKERS = "~workers"

_SPACE = re.compile(r"[A-Za-z0-9_-]{1,60}")
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


class Ref(NamedTuple):
    """A namespace and a name, as tier 3 of a registry key holds them."""

    namespace: str
    name: str


def _require_space(space: str) -> str:
    if not isinstance(space, str) or not _SPACE.fullmatch(space):
        raise ValueError("space must be 1-60 characters of letters, digits, '_' or '-': %s" % space)
    return space


def _require_dns(s: str, what: str) -> str:
    if not isinstance(s, str) or not _DNS_LABEL.fullmatch(s):
        raise ValueError("%s must be a DNS label: %s" % (what, s))
    return s


def member(namespace: str, name: str) -> str:
    """Tier 3 of an endpoint and a member of :func:`space_index`: ``namespace/name``."""
    return _require_dns(namespace, "namespace") + "/" + _require_dns(name, "name")


def endpoint(space: str, namespace: str, pod: str) -> str:
    """The hash of one pod's endpoint: ``space.~endpoints.namespace/pod``."""
    return _require_space(space) + "." + ENDPOINTS + "." + member(namespace, pod)


def space_index(space: str) -> str:
    """The set of every registered endpoint of a space."""
    return _require_space(space) + "." + ENDPOINTS


def worker_index(space: str, namespace: str, worker: str) -> str:
    """The set of pod names one worker registered: ``space.~workers.namespace/worker``."""
    return _require_space(space) + "." + WORKERS + "." + member(namespace, worker)


def parse_member(value: str) -> Ref:
    """Splits a :func:`member` back into namespace and name."""
    if not isinstance(value, str):
        raise ValueError("an endpoint member is namespace/name: %r" % (value,))
    slash = value.find("/")
    if slash <= 0 or slash != value.rfind("/"):
        raise ValueError("an endpoint member is namespace/name: %s" % value)
    return Ref(_require_dns(value[:slash], "namespace"), _require_dns(value[slash + 1 :], "name"))


def endpoint_of_member(space: str, value: str) -> str:
    """The endpoint key named by a :func:`space_index` member."""
    ref = parse_member(value)
    return endpoint(space, ref.namespace, ref.name)
