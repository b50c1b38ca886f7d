"""tools/list pages through a large library; GF_MCP_PACKAGES limits what is exposed."""

import asyncio

import pytest
from gf_runtime import Runtime
from mcp import types
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError


@pytest.fixture(scope="module")
def big_runtime(tmp_path_factory):
    lib = tmp_path_factory.mktemp("big") / "functions"
    for pkg in ("Many", "Hidden"):
        (lib / pkg).mkdir(parents=True)
        for i in range(120):
            (lib / pkg / ("f%03d.py" % i)).write_text(
                "def f%03d(x: int = %d) -> int:\n    return x\n" % (i, i)
            )
    rt = Runtime(lib, tmp_path_factory.mktemp("big-runtime"), {"GF_MCP_PACKAGES": "Many"})
    yield rt
    rt.stop()


def test_tools_list_is_paginated_and_filtered(big_runtime):
    async def main():
        async with streamable_http_client(big_runtime.url + "/mcp") as streams:
            async with ClientSession(streams[0], streams[1]) as session:
                await session.initialize()
                names, pages, cursor = [], 0, None
                while True:
                    page = await session.list_tools(
                        params=types.PaginatedRequestParams(cursor=cursor) if cursor else None
                    )
                    names.extend(t.name for t in page.tools)
                    pages += 1
                    cursor = page.next_cursor
                    if not cursor:
                        break
                with pytest.raises(MCPError, match="Invalid tool name: Hidden-f001"):
                    await session.call_tool("Hidden-f001", {})
                search = await session.call_tool("search_functions", {"query": "f001"})
                return names, pages, search

    names, pages, search = asyncio.run(main())
    assert pages > 1
    assert len(names) == len(set(names)) == 120 + 2
    assert all(
        n.startswith("Many-") for n in names if n not in ("search_functions", "describe_function")
    )
    assert "Hidden" not in search.content[0].text
