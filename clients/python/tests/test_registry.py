"""globalfunc.registry spells the endpoint registry exactly as core's EndpointKeys: both are
checked against one vector file (EndpointKeysVectorsTest and EndpointFieldsVectorTest in Java)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from globalfunc import registry

ROOT = Path(__file__).resolve().parents[3]
VECTORS = json.loads(
    (
        ROOT / "core/src/test/resources/io/globalfunc/core/naming/endpoint-keys-vectors.json"
    ).read_text()
)


@pytest.mark.parametrize("v", VECTORS["valid"], ids=lambda v: v["endpoint"][:40])
def test_spells_every_valid_vector(v):
    assert registry.member(v["namespace"], v["pod"]) == v["member"]
    assert registry.endpoint(v["space"], v["namespace"], v["pod"]) == v["endpoint"]
    assert registry.space_index(v["space"]) == v["spaceIndex"]
    assert registry.worker_index(v["space"], v["namespace"], v["worker"]) == v["workerIndex"]
    assert registry.endpoint_of_member(v["space"], v["member"]) == v["endpoint"]
    assert registry.parse_member(v["member"]) == (v["namespace"], v["pod"])


def test_refuses_every_invalid_vector():
    for space in VECTORS["invalidSpaces"]:
        with pytest.raises(ValueError):
            registry.space_index(space)
    for name in VECTORS["invalidNames"]:
        with pytest.raises(ValueError):
            registry.member("default", name)
        with pytest.raises(ValueError):
            registry.member(name, "pod")
    for member in VECTORS["invalidMembers"]:
        with pytest.raises(ValueError):
            registry.parse_member(member)
