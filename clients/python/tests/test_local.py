"""Local mode: the same calls give the same results in-process and on a runtime; the same
catalog; the same allow-list."""

from __future__ import annotations

import asyncio
import inspect

import globalfunc
import pytest

CATALOG_KEYS = ("name", "package", "function", "kind", "doc", "signature", "hash", "path")

CALLS = [
    ("Base.inverse_time_str", (), {"time_str": "2024-02-15 11:11:11", "bias_hours": -8}),
    ("Util.mean", (), {"values": [1, 2, 3, 4]}),
    ("Util.mean", (), {"values": []}),
    ("Util.mean", (), {"nope": 1}),
    ("Probe.add", (2**70, 1), {}),
    ("Probe.add", (1,), {"b": 2.5}),
    ("Probe.echo", (), {"value": (1, [2, (3,)])}),
    ("Probe.echo", (), {"value": {"k": -(2**64), "f": 0.1, "s": "汉字"}}),
    ("Probe.pair", ("a", 1.0), {}),
    ("Probe.as_set", (), {"values": [1, 2]}),
    ("Probe.nan", (), {}),
    ("Probe.collide", (), {}),
    ("Probe.fail", (), {"message": "kaputt"}),
    ("Probe.uses_os", (), {}),
    ("Probe.later", (), {"value": [1, "a"]}),
    ("Probe.later", (), {"value": 1, "fail": True}),
    ("文本.字数统计", (), {"文本": "你好，世界 hello"}),
    ("Base.flat_dict", (), {"d": {"a": {"b": 1}}}),
    ("Base.os", (), {}),
    ("Probe.os", (), {}),
    ("Probe._helpers", (), {}),
    ("Base.__init__", (), {}),
    ("Base.inverse_time_str.__globals__", (), {}),
]


def outcome(library, name, args, kwargs):
    """A comparable outcome: the result, or the exception's class and what it says."""
    try:
        return ("ok", library.call(name, *args, **kwargs))
    except globalfunc.FunctionRaised as exc:
        return (type(exc), exc.exception_type, exc.exception_message)
    except globalfunc.GlobalFuncError as exc:
        return (type(exc), exc.status, exc.problem.get("type"), exc.detail.split(":")[0])


@pytest.fixture(scope="module")
def both(pair, library):
    with globalfunc.connect(pair[0].url, retry=globalfunc.NO_RETRY) as remote:
        yield globalfunc.local(library), remote


@pytest.mark.parametrize("name,args,kwargs", CALLS, ids=[c[0] for c in CALLS])
def test_same_call_same_outcome(both, name, args, kwargs):
    local, remote = both
    assert outcome(local, name, args, kwargs) == outcome(remote, name, args, kwargs)


def test_same_catalog(both):
    local, remote = both
    by_name = {f["name"]: f for f in remote.functions()}
    assert sorted(f["name"] for f in local.functions()) == sorted(by_name)
    for f in local.functions():
        for key in CATALOG_KEYS:
            assert f.get(key) == by_name[f["name"]].get(key), (f["name"], key)


def test_same_map(both):
    local, remote = both
    items = [{"values": [i, 1]} for i in range(50)] + [{"values": []}, {"x": 1}, [1]]
    local_out = list(local.map("Util.mean", items))
    remote_out = list(remote.map("Util.mean", items))
    assert local_out[:50] == remote_out[:50] == [(i + 1) / 2 for i in range(50)]
    assert [type(o) for o in local_out[50:]] == [type(o) for o in remote_out[50:]]
    with pytest.raises(globalfunc.UnknownFunction):
        list(local.map("Util.median", items))


def test_same_object_api(both):
    local, remote = both
    assert dir(local.Base) == dir(remote.Base)
    assert {"Base", "Probe", "Util", "文本"} <= set(dir(local))
    assert str(inspect.signature(local.Util.mean)) == str(inspect.signature(remote.Util.mean))
    assert local.Util.mean.__doc__ == remote.Util.mean.__doc__
    with pytest.raises(AttributeError, match="did you mean Base.inverse_time_str"):
        local.Base.inverse_time_sr  # noqa: B018


def test_local_traceback_chains_the_real_exception(library):
    lib = globalfunc.local(library)
    with pytest.raises(globalfunc.FunctionRaised) as raised:
        lib.Probe.fail(message="here")
    assert isinstance(raised.value.__cause__, ValueError)
    assert "_helpers.py" in raised.value.traceback


def test_local_without_json_passes_python_objects(library):
    lib = globalfunc.local(library, json=False)
    assert lib.Probe.pair(1, 2) == (1, 2)
    assert lib.Probe.as_set(values=[1]) == {1}


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no library folder"):
        globalfunc.local(tmp_path / "nope")


def test_an_async_function_runs_locally_also_inside_a_running_event_loop(library):
    lib = globalfunc.local(library)
    assert lib.Probe.later(value=3) == 3

    async def notebook_cell():  # Jupyter runs cells inside an event loop
        return lib.Probe.later(value={"k": 1})

    assert asyncio.run(notebook_cell()) == {"k": 1}
