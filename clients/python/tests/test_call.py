"""Calls against a real runtime: the object API, help/dir, JSON rules, Chinese names."""

from __future__ import annotations

import inspect
import math
import pydoc

import globalfunc
import pytest


@pytest.fixture(scope="module")
def gf(pair):
    with globalfunc.connect(pair[0].url) as client:
        yield client


def test_call_and_attribute_forms_give_the_seed_answer(gf):
    assert gf.call("Base.inverse_time_str", time_str="2024-02-15 11:11:11", bias_hours=-8) == (
        1707966671
    )
    assert gf.Base.inverse_time_str(time_str="2024-02-15 11:11:11", bias_hours=-8) == 1707966671
    assert gf.Util.mean(values=[1, 2, 3, 4]) == 2.5
    assert gf.Probe.add(2, 3) == 5  # positional arguments too
    assert gf.call("Probe.add", 2, b=5) == 7


def test_dir_lists_packages_and_functions(gf):
    assert {"Base", "Util", "Probe", "文本"} <= set(dir(gf))
    assert dir(gf.Base) == ["flat_dict", "inverse_time_str", "to_pickle"]
    assert "_helpers" not in dir(gf.Probe) and "uses_os" in dir(gf.Probe)


def test_help_shows_signature_and_docstring(gf):
    fn = gf.Base.inverse_time_str
    assert str(inspect.signature(fn)) == "(time_str=None, bias_hours=0)"
    assert str(inspect.signature(gf.Util.mean)) == "(values: list = None) -> float"
    text = pydoc.render_doc(fn, renderer=pydoc.plaintext)
    assert "inverse_time_str(time_str=None, bias_hours=0)" in text
    assert "将时间字符串转换为时间戳" in text
    assert fn.info["hash"] and fn.info["fullName"] == "sp_GlobalFunc.Base_local.inverse_time_str"


def test_attribute_access_refuses_what_is_not_served(gf):
    with pytest.raises(AttributeError, match="did you mean Base.inverse_time_str"):
        gf.Base.inverse_time_sr  # noqa: B018
    for hidden in ("_helpers", "__globals__", "os"):
        assert not hasattr(gf.Probe, hidden)
    for name in ("Base.__init__", "Probe._helpers", "Base.os", "Base.inverse_time_str.__globals__"):
        with pytest.raises(globalfunc.UnknownFunction):
            gf.call(name)


def test_chinese_names(gf):
    assert "字数统计" in dir(gf.文本)
    assert gf.call("文本.字数统计", 文本="你好，世界 hello") == 10
    assert gf.文本.字数统计(文本="你好，世界 hello") == 10
    assert str(inspect.signature(gf.文本.字数统计)) == "(文本: str = '') -> int"
    assert gf.Probe.echo(value="汉字 ✓")["value"] == "汉字 ✓"


def test_json_round_trip_rules(gf):
    big = 2**53 + 1
    for value in (big, -(2**100), 2**64, 0.1, 1.0, 1e300, 5e-324, 1e-7, "x", True, None):
        echoed = gf.Probe.echo(value=value)
        assert echoed["value"] == value and type(echoed["value"]) is type(value), value
    assert gf.Probe.add(2**70, 1) == 2**70 + 1
    # Known, documented: the runtime reads numbers as decimals, which have no negative zero.
    assert math.copysign(1.0, gf.Probe.echo(value=-0.0)["value"]) == 1.0
    # tuples travel as JSON arrays: lists on arrival, in both directions
    assert gf.Probe.echo(value=(1, 2)) == {"value": [1, 2], "type": "list", "extra": {}}
    assert gf.Probe.pair(1, "a") == [1, "a"]
    # what JSON cannot carry is refused before anything is sent
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError):
            gf.Probe.echo(value=bad)
    with pytest.raises(TypeError, match="keys must be str"):
        gf.Probe.echo(value={1: "a"})
    with pytest.raises(TypeError):
        gf.Probe.echo(value={1, 2})
    with pytest.raises(TypeError):
        gf.Probe.echo(value=b"bytes")


def test_functions_catalog(gf):
    names = {f["name"] for f in gf.functions()}
    assert "Base.inverse_time_str" in names and "Probe.echo" in names
    assert not any(n.startswith("Probe._") for n in names)
    assert gf.describe("Util.mean")["signature"]["returns"] == "float"


def test_a_ref_in_the_name_reaches_every_route_as_a_ref():
    from globalfunc.client import _named

    assert _named("Base.add") == "Base/add"
    assert _named("Base@dev.add") == "Base/add?ref=dev"
    assert _named("Base@v1.2.add") == "Base/add?ref=v1.2"
    assert _named("Base@release/1.2.add") == "Base/add?ref=release%2F1.2"


def test_describe_map_and_batch_by_ref_ask_the_runtime_for_that_ref(gf):
    # The test library is served from a folder, so the runtime knows no such ref: its 404
    # unknown-ref (not unknown-function) shows the ref arrived as a ref on each route.
    name = "Util@no-such-ref-anywhere.mean"
    with pytest.raises(globalfunc.UnknownRef):
        gf.describe(name)
    with pytest.raises(globalfunc.UnknownRef):
        list(gf.map(name, [{"values": [1, 2]}], errors="raise"))
    with pytest.raises(globalfunc.UnknownRef):
        gf.batch(name, [{"values": [1, 2]}])
