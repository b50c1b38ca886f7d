"""Chunks: items of one function run in a loop, outcomes reported in order."""

import struct
import sys

import gf_worker
import pytest

LIBRARY = {
    "Chunky/__init__.py": "",
    "Chunky/add.py": "def add(a, b=1):\n    return a + b\n",
    "Chunky/nap.py": "import time\n\n\ndef nap(s=0.0):\n    time.sleep(s)\n    return s\n",
}


@pytest.fixture
def worker(tmp_path, monkeypatch):
    for path, source in LIBRARY.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield gf_worker.Worker(str(tmp_path), 1000)
    for name in [m for m in sys.modules if m == "Chunky" or m.startswith("Chunky.")]:
        del sys.modules[name]


def outcomes(payload):
    """(first index, [(status, bytes), ...]) of a chunk report."""
    first, count = struct.unpack_from(">II", payload)
    pos, items = 8, []
    for _ in range(count):
        status, length = struct.unpack_from(">BI", payload, pos)
        items.append((status, payload[pos + 5 : pos + 5 + length]))
        pos += 5 + length
    assert pos == len(payload)
    return first, items


def test_every_item_gets_its_outcome_in_order(worker, monkeypatch):
    # Progress is timed (20 ms); a loaded machine must not turn this into a progress test.
    monkeypatch.setattr(gf_worker, "PROGRESS_INTERVAL", 3600.0)
    reports = []
    request = {"id": 1, "p": "Chunky", "f": "add", "c": [{"a": 1}, [2, 3], {"x": 1}, {"a": "s"}]}
    status, payload = worker.chunk(request, lambda s, p: reports.append((s, p)))
    assert status == gf_worker.STATUS_CHUNK_DONE and reports == []
    first, items = outcomes(payload)
    assert first == 0
    assert items[0] == (0, b"2") and items[1] == (0, b"5")
    assert items[2][0] == 1 and b"bad_arguments" in items[2][1]
    assert items[3][0] == 1 and b'"raised"' in items[3][1]


def test_slow_items_report_progress_at_item_boundaries(worker):
    reports = []
    request = {"id": 2, "p": "Chunky", "f": "nap", "c": [{"s": 0.03}, {"s": 0.03}, {"s": 0}]}
    status, payload = worker.chunk(request, lambda s, p: reports.append((s, p)))
    assert [s for s, _ in reports] == [gf_worker.STATUS_CHUNK_PROGRESS] * 2
    assert [outcomes(p)[0] for _, p in reports] == [0, 1]
    assert outcomes(payload) == (2, [(0, b"0")])


def test_an_unknown_function_fails_every_item(worker):
    request = {"id": 3, "p": "Chunky", "f": "missing", "c": [{}, {}]}
    _, payload = worker.chunk(request, lambda s, p: None)
    assert [status for status, _ in outcomes(payload)[1]] == [1, 1]


def test_a_result_over_the_limit_fails_alone(worker):
    request = {"id": 4, "p": "Chunky", "f": "add", "c": [{"a": "x" * 2000, "b": ""}, {"a": 1}]}
    _, payload = worker.chunk(request, lambda s, p: None)
    (s0, e0), (s1, r1) = outcomes(payload)[1]
    assert s0 == 1 and b"result_too_large" in e0
    assert (s1, r1) == (0, b"2")
