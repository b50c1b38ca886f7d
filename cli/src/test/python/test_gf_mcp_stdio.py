"""`gf mcp DIR` over stdio, driven by the official Python MCP SDK's stdio client."""

import asyncio
import json
import os
import pathlib
import shutil
import sys

import jsonschema
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

ROOT = pathlib.Path(__file__).resolve().parents[4]
GF_JAR = ROOT / "cli/target/gf.jar"
# 2 + 18 Chinese characters: a tool name of 2 x 7 + 1 + 18 x 7 = 141 characters, over MCP's 128.
LONG = "一二三四五六七八九十一二三四五六七八"


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    lib = tmp_path_factory.mktemp("stdio") / "functions"
    shutil.copytree(ROOT / "examples/functions", lib)
    (lib / "Test").mkdir()
    (lib / "Test/raises.py").write_text(
        "def raises(message='boom'):\n    raise ValueError(message)\n"
    )
    (lib / "Test/sleepy.py").write_text(
        "import time\n\n\ndef sleepy(seconds: float = 30):\n    time.sleep(seconds)\n"
    )
    (lib / "文本" / (LONG + ".py")).write_text("def %s():\n    return 1\n" % LONG, encoding="utf-8")
    return lib


def session_run(library, steps, extra=(), errlog=sys.stderr):
    if not GF_JAR.exists():
        raise RuntimeError("%s is missing: run ./mvnw verify first" % GF_JAR)
    env = dict(os.environ, TZ="UTC", GF_PYTHON=sys.executable, HOME=str(library.parent))
    params = StdioServerParameters(
        command="java",
        args=["-jar", str(GF_JAR), "mcp", str(library), "--timeout", "3", *extra],
        env=env,
    )

    async def main():
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return await steps(session)

    return asyncio.run(main())


def test_lists_and_calls_over_stdio(library):
    async def steps(session):
        tools = (await session.list_tools()).tools
        mean = await session.call_tool("Util-mean", {"values": [1, 2, 3]})
        chinese = await session.call_tool(
            "-006587-00672c--005b57-006570-007edf-008ba1", {"文本": "你好 世界"}
        )
        nulls = await session.call_tool("Util-mean", {"values": None})
        return tools, mean, chinese, nulls

    with open(library.parent / "gf-mcp.err", "w+", encoding="utf-8") as err:
        tools, mean, chinese, nulls = session_run(library, steps, errlog=err)
        err.seek(0)
        said = err.read()
    names = {t.name for t in tools}
    # The function whose tool name would be too long is left out, with a warning and a count.
    assert not any(t.title == "文本." + LONG for t in tools)
    warning = "gf mcp: warning: 文本.%s is not exposed over MCP: its tool name would be 141"
    assert warning % LONG in said
    assert "(1 left out: tool name over 128 characters)" in said
    assert {"Util-mean", "Base-inverse_time_str", "search_functions", "describe_function"} <= names
    for t in tools:
        jsonschema.Draft202012Validator.check_schema(t.input_schema)
    assert json.loads(mean.content[0].text) == 2.0
    assert json.loads(chinese.content[0].text) == 4
    # JSON null reaches Python as None: mean(None) raises its own ValueError
    assert nulls.is_error and nulls.structured_content["exception"]["type"] == "ValueError"


def test_errors_search_and_describe_over_stdio(library):
    async def steps(session):
        wrong = await session.call_tool("Util-mean", {"nope": 1})
        raised = await session.call_tool("Test-raises", {})
        slow = await session.call_tool("Test-sleepy", {"seconds": 30})
        zh = await session.call_tool("search_functions", {"query": "时间戳"})
        en = await session.call_tool("search_functions", {"query": "average", "limit": 2})
        described = await session.call_tool("describe_function", {"name": "Util.mean"})
        return wrong, raised, slow, zh, en, described

    wrong, raised, slow, zh, en, described = session_run(library, steps)
    problems = "https://globalfunc.io/problems/"
    assert wrong.is_error and wrong.structured_content["type"] == problems + "bad-arguments"
    assert raised.structured_content["type"] == problems + "function-raised"
    assert raised.structured_content["detail"] == "boom"
    assert slow.structured_content["type"] == problems + "timeout"
    assert json.loads(zh.content[0].text)[0]["name"] == "Base.inverse_time_str"
    assert json.loads(en.content[0].text)[0]["tool"] == "Util-mean"
    d = json.loads(described.content[0].text)
    assert "def mean" in d["source"] and d["schema"]["output"]["type"] == "number"


def test_packages_limit_the_tools(library):
    async def steps(session):
        return [t.name for t in (await session.list_tools()).tools]

    names = session_run(library, steps, ["--packages", "Util"])
    assert sorted(n for n in names if "-" in n) == ["Util-clear_digits", "Util-mean"]
