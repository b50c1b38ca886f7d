"""The official Python MCP SDK, as a client no one here wrote, against a real runtime's /mcp."""

import asyncio
import json
import urllib.request

import jsonschema
import pytest
from mcp import types
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError


def run(url, steps):
    """Runs `steps(session)` in one initialized MCP session over streamable HTTP."""

    async def main():
        async with streamable_http_client(url + "/mcp") as streams:
            async with ClientSession(streams[0], streams[1]) as session:
                init = await session.initialize()
                return await steps(session, init)

    return asyncio.run(main())


async def all_tools(session):
    tools, cursor = [], None
    pages = 0
    while True:
        params = types.PaginatedRequestParams(cursor=cursor) if cursor else None
        page = await session.list_tools(params=params)
        tools.extend(page.tools)
        pages += 1
        cursor = page.next_cursor
        if not cursor:
            return tools, pages


def text_json(result):
    return json.loads(result.content[0].text)


def test_initialize_and_list_every_function_with_a_valid_schema(runtime):
    async def steps(session, init):
        assert init.capabilities.tools is not None
        return await all_tools(session)

    tools, _ = run(runtime.url, steps)
    by_name = {t.name: t for t in tools}
    with urllib.request.urlopen(runtime.url + "/v1/functions", timeout=30) as r:
        served = json.load(r)
    assert {f["name"] for f in served} == {t.title for t in tools if t.title}
    assert {"search_functions", "describe_function"} <= set(by_name)
    for tool in tools:
        jsonschema.Draft202012Validator.check_schema(tool.input_schema)
        assert tool.input_schema["type"] == "object"
    typed = by_name["Test-typed"]
    assert typed.title == "Test.typed"
    assert typed.description.startswith("Test.typed(count: int")
    assert typed.input_schema["required"] == ["count"]
    assert typed.input_schema["properties"]["mode"]["enum"] == ["fast", "slow"]
    chinese = by_name["-004e2d-006587-005305--006c42-00548c"]
    assert chinese.title == "中文包.求和"
    assert chinese.input_schema["properties"]["数字"]["items"] == {"type": "integer"}


def test_call_a_function_and_a_chinese_one(runtime):
    async def steps(session, init):
        mean = await session.call_tool("Util-mean", {"values": [1, 2, 3, 4]})
        total = await session.call_tool("-004e2d-006587-005305--006c42-00548c", {"数字": [1, 2, 3]})
        typed = await session.call_tool("Test-typed", {"count": 3, "tags": ["a", "b"]})
        return mean, total, typed

    mean, total, typed = run(runtime.url, steps)
    assert not mean.is_error and text_json(mean) == 2.5
    assert not total.is_error and text_json(total) == 6
    assert text_json(typed) == {"count": 3, "tags": 2, "pair": 1}


def test_wrong_arguments_raising_and_timeout_are_tool_errors_with_the_problem(runtime):
    async def steps(session, init):
        wrong = await session.call_tool("Util-mean", {"valuez": [1]})
        raised = await session.call_tool("Test-raises", {"message": "kaputt"})
        slow = await session.call_tool("Test-sleepy", {"seconds": 30})
        after = await session.call_tool("Util-mean", {"values": [2]})
        return wrong, raised, slow, after

    wrong, raised, slow, after = run(runtime.url, steps)
    problems = "https://globalfunc.io/problems/"
    assert wrong.is_error
    assert wrong.structured_content["type"] == problems + "bad-arguments"
    assert "valuez" in wrong.structured_content["detail"]
    assert raised.is_error and text_json(raised)["type"] == problems + "function-raised"
    assert raised.structured_content["exception"]["type"] == "ValueError"
    assert raised.structured_content["detail"] == "kaputt"
    assert slow.is_error and slow.structured_content["type"] == problems + "timeout"
    assert not after.is_error and text_json(after) == 2.0  # the pool replaced the worker


def test_a_null_argument_is_refused_by_the_extension_and_a_nested_null_reaches_python(runtime):
    """Pins a limit of the Quarkus MCP extension (docs/mcp.md, Limits): it copies the arguments
    with Map.copyOf before any hook of ours runs, so a top-level JSON null is a JSON-RPC internal
    error. When an upgrade lifts it, this test fails: make the null reach Python then."""

    async def steps(session, init):
        with pytest.raises(MCPError) as refused:
            await session.call_tool("Util-mean", {"values": None})
        nested = await session.call_tool("Util-mean", {"values": [1, None]})
        omitted = await session.call_tool("Util-mean", {})
        after = await session.call_tool("Util-mean", {"values": [4]})
        return refused.value, nested, omitted, after

    refused, nested, omitted, after = run(runtime.url, steps)
    assert refused.code == types.INTERNAL_ERROR
    # The nested null reached Python as None: sum() raised its own TypeError.
    assert nested.is_error and nested.structured_content["exception"]["type"] == "TypeError"
    # Leaving the argument out gives its default (values=None): mean raises its ValueError.
    assert omitted.structured_content["exception"]["type"] == "ValueError"
    assert not after.is_error and text_json(after) == 4.0


def test_search_in_chinese_and_english_and_describe(runtime):
    async def steps(session, init):
        zh = await session.call_tool("search_functions", {"query": "时间戳", "limit": 3})
        en = await session.call_tool("search_functions", {"query": "average of numbers"})
        sum_zh = await session.call_tool("search_functions", {"query": "求和"})
        described = await session.call_tool("describe_function", {"name": "Base.inverse_time_str"})
        by_tool = await session.call_tool("describe_function", {"name": "Util-mean"})
        missing = await session.call_tool("describe_function", {"name": "Base.os"})
        return zh, en, sum_zh, described, by_tool, missing

    zh, en, sum_zh, described, by_tool, missing = run(runtime.url, steps)
    assert text_json(zh)[0]["name"] == "Base.inverse_time_str"
    assert len(text_json(zh)) <= 3
    assert text_json(en)[0] == {**text_json(en)[0], "name": "Util.mean", "tool": "Util-mean"}
    assert text_json(sum_zh)[0]["name"] == "中文包.求和"
    d = text_json(described)
    assert d["signature"]["parameters"][0]["name"] == "time_str"
    assert "def inverse_time_str" in d["source"]
    assert d["schema"]["input"]["properties"]["bias_hours"]["default"] == 0
    assert "commit" in d and d["hash"]
    assert text_json(by_tool)["name"] == "Util.mean"
    assert missing.is_error
    assert missing.structured_content["type"] == "https://globalfunc.io/problems/unknown-function"
