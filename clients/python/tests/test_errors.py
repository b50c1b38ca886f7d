"""Every problem type a runtime answers becomes its exception class; transient ones are retried."""

from __future__ import annotations

import re
import threading
import traceback
from pathlib import Path

import globalfunc
import httpx
import pytest
from globalfunc.errors import PROBLEM_CLASSES, TYPE_BASE, from_problem, from_response

ROOT = Path(__file__).resolve().parents[3]
PROBLEM_JAVA = ROOT / "core/src/main/java/io/globalfunc/core/error/Problem.java"


def java_problem_types() -> dict[str, tuple[int, str]]:
    """slug -> (status, title), read from the runtime's one owner of problem types."""
    found = re.findall(r'\b[A-Z_]+\((\d{3}), "([a-z-]+)", "([^"]+)"\)', PROBLEM_JAVA.read_text())
    assert found, "no problem types found in %s" % PROBLEM_JAVA
    return {slug: (int(status), title) for status, slug, title in found}


def test_one_class_per_problem_type_of_the_runtime():
    java = java_problem_types()
    assert set(PROBLEM_CLASSES) == set(java)
    for slug, (status, title) in java.items():
        cls = PROBLEM_CLASSES[slug]
        assert issubclass(cls, globalfunc.GlobalFuncError)
        assert (cls.default_status, cls.default_title) == (status, title), slug


@pytest.fixture(scope="module")
def gf(pair):
    with globalfunc.connect(pair[0].url, retry=globalfunc.NO_RETRY) as client:
        yield client


def test_problems_of_calls(gf, pair):
    with pytest.raises(globalfunc.UnknownFunction) as unknown:
        gf.call("Base.inverse_time_sr")
    assert unknown.value.status == 404 and unknown.value.suggestions == ("Base.inverse_time_str",)
    assert "did you mean Base.inverse_time_str?" in str(unknown.value)

    with pytest.raises(globalfunc.BadArguments, match="unexpected keyword argument 'nope'"):
        gf.Util.mean(nope=1)

    with pytest.raises(globalfunc.FunctionRaised) as raised:
        gf.Probe.fail(message="kaputt")
    exc = raised.value
    assert (exc.status, exc.exception_type, exc.exception_message) == (500, "ValueError", "kaputt")
    printed = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    # the remote traceback reads like a chained exception, down to the helper's frame
    assert "The above exception was the direct cause of the following exception" in printed
    assert "_helpers.py" in printed and "raise ValueError(message)" in printed
    assert str(exc) == "ValueError: kaputt"

    with pytest.raises(globalfunc.ResultNotSerializable):
        gf.Probe.as_set(values=[1])
    with pytest.raises(globalfunc.ResultNotSerializable):
        gf.Probe.nan()

    with pytest.raises(globalfunc.UnknownBatch):
        gf.get_batch("no-such-batch").progress()

    # those the client never provokes itself, decoded from the runtime's real answers
    raw = [
        ("POST", "/gfgo/", b"{nope", globalfunc.BadJson, 400),
        ("POST", "/gfgo/", b'{"kwargs":1}', globalfunc.InvalidRequest, 400),
        ("GET", "/v2/nothing", None, globalfunc.NotFound, 404),
        ("GET", "/gfgo/", None, globalfunc.MethodNotAllowed, 405),
    ]
    for method, path, body, cls, status in raw:
        r = httpx.request(method, pair[0].url + path, content=body)
        err = from_response(r.status_code, r.headers, r.content)
        assert type(err) is cls and err.status == status and err.problem["status"] == status
    # a runtime bug cannot be provoked from outside: its body, as the runtime writes it
    internal = {"type": TYPE_BASE + "internal-error", "status": 500, "detail": "could not answer"}
    assert type(from_problem(internal)) is globalfunc.InternalError


def test_problems_of_a_constrained_runtime(hostile, gated_python):
    with globalfunc.connect(hostile.url, retry=globalfunc.NO_RETRY) as gf:
        with pytest.raises(globalfunc.PayloadTooLarge):
            gf.Probe.echo(value="x" * 70_000)
        with pytest.raises(globalfunc.CallTimeout) as timeout:
            gf.Probe.sleep(seconds=10)
        assert timeout.value.status == 504
        with pytest.raises(globalfunc.WorkerCrashed) as crashed:
            gf.Probe.crash()
        assert crashed.value.status == 502
        assert gf.Probe.add(1, 1) == 2  # the worker was replaced
        with pytest.raises(globalfunc.ResultTooLarge) as too_large:
            gf.Probe.big(mb=40)  # over an eighth of the runtime's 256 MiB heap
        assert too_large.value.status in (500, 502)
        assert gf.Probe.add(2, 2) == 4
    # the release switch needs the worker's release token: none, then another one
    for headers, cls, status in [
        ({}, globalfunc.Unauthorized, 401),
        ({"Authorization": "Bearer wrong"}, globalfunc.Forbidden, 403),
    ]:
        r = httpx.post(hostile.url + "/v1/release", json={"ref": "main"}, headers=headers)
        err = from_response(r.status_code, r.headers, r.content)
        assert type(err) is cls and err.status == status


def test_overloaded_is_retried_after_retry_after(hostile):
    """One worker and a queue of one: concurrent calls get 429 and are retried until they run."""
    waits = []
    retry = globalfunc.Retry(attempts=30, on_retry=lambda e, n, d: waits.append((type(e), d)))
    results = {}
    with globalfunc.connect(hostile.url, retry=retry) as gf:

        def one(i):
            results[i] = gf.Probe.sleep(seconds=0.3, value=i)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == {i: i for i in range(5)}
        overloaded = [d for cls, d in waits if cls is globalfunc.Overloaded]
        assert overloaded, "expected some calls to be refused with 429 first"
        assert min(overloaded) >= 1.0  # Retry-After: 1 is honoured

    outcomes = []
    with globalfunc.connect(hostile.url, retry=globalfunc.NO_RETRY) as gf:

        def unretried():
            try:
                outcomes.append(gf.Probe.sleep(seconds=0.5))
            except globalfunc.Overloaded as exc:
                outcomes.append(exc)

        threads = [threading.Thread(target=unretried) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    refused = [o for o in outcomes if isinstance(o, globalfunc.Overloaded)]
    assert refused and all(o.status == 429 and o.retry_after == 1.0 for o in refused)


def test_unavailable_is_retried_until_python_starts(hostile, gated_python):
    """Python workers that cannot start: 503 with Retry-After, retried until they can."""
    _, flag = gated_python
    flag.touch()
    seen = []

    def on_retry(error, attempt, delay):
        seen.append((type(error), delay))
        if isinstance(error, globalfunc.Unavailable):
            flag.unlink(missing_ok=True)  # Python can start again from now on

    try:
        with globalfunc.connect(hostile.url, retry=globalfunc.NO_RETRY) as gf:
            with pytest.raises(globalfunc.WorkerCrashed):
                gf.Probe.crash()  # its replacement cannot start while the flag exists
        retry = globalfunc.Retry(attempts=20, on_retry=on_retry)
        with globalfunc.connect(hostile.url, retry=retry) as gf:
            assert gf.Util.mean(values=[1, 3]) == 2.0
    finally:
        flag.unlink(missing_ok=True)
    unavailable = [d for cls, d in seen if cls is globalfunc.Unavailable]
    assert unavailable and min(unavailable) >= 1.0


def test_an_unreachable_runtime_costs_a_call_its_own_retries_once_and_dir_no_wait():
    notes = []
    retry = globalfunc.Retry(attempts=3, backoff=0.05, on_retry=lambda e, a, d: notes.append(a))
    # Port 1 on loopback: nothing listens there, every connection is refused.
    with globalfunc.connect("http://127.0.0.1:1", retry=retry) as gf:
        assert "Base" not in dir(gf)  # tab completion: the catalog is tried once, not retried
        assert notes == []
        with pytest.raises(globalfunc.NoEndpoints):
            gf.Util.mean(values=[1, 2])  # the catalog lookup once, then the call's retries
        assert notes == [1, 2]
