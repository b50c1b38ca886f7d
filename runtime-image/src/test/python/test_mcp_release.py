"""/mcp follows the served library: a release switched in place (POST /v1/release) or a reloaded
folder changes the tools, the calls, describe_function and search_functions, and tells connected
clients."""

import json
import subprocess
import urllib.request

import anyio
import pytest
from gf_runtime import Runtime
from mcp import types
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

# 2 + 18 Chinese characters: a tool name of 2 x 7 + 1 + 18 x 7 = 141 characters, over MCP's 128.
LONG = "一二三四五六七八九十一二三四五六七八"
FIRST = {
    "文本/%s.py" % LONG: "def %s():\n    return 1\n" % LONG,
    "Keep/stay.py": 'def stay(x: int) -> int:\n    """Return x unchanged."""\n    return x\n',
    "Keep/change.py": 'def change(a: int) -> int:\n    """Double a."""\n    return a * 2\n',
    "Old/gone.py": 'def gone() -> str:\n    """A farewell, soon removed."""\n    return "gone"\n',
}
SECOND = {
    # Only the body changes: the tool stays as it is, its calls run the new code.
    "Keep/stay.py": 'def stay(x: int) -> int:\n    """Return x unchanged."""\n    return x + 100\n',
    "Keep/change.py": (
        'def change(a: int, b: int = 0) -> int:\n    """Triple a, then add b."""\n'
        "    return a * 3 + b\n"
    ),
    "New/fresh.py": (
        'def fresh(n: int, label: str = "x") -> str:\n    """A greeting, newly added."""\n'
        "    return label * n\n"
    ),
}
PROBLEMS = "https://globalfunc.io/problems/"
# The extension logs at DEBUG when a client's GET stream (where notifications go) is open.
SSE_LOG = "QUARKUS_LOG_CATEGORY__IO_QUARKIVERSE_MCP__LEVEL"


def git(repo, *args):
    out = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    return out.stdout.decode().strip()


def commit(repo, files, removed=()):
    for path, text in files.items():
        f = repo / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
    for path in removed:
        (repo / path).unlink()
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "change")
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    repo = tmp_path_factory.mktemp("release") / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "master")
    first = commit(repo, FIRST)
    rt = Runtime(
        None,
        tmp_path_factory.mktemp("release-runtime"),
        {"GF_REPOSITORY_URL": repo.as_uri(), "GF_BRANCH": "master", SSE_LOG: "DEBUG"},
    )
    yield rt, repo, first
    rt.stop()


def release(url):
    req = urllib.request.Request(
        url + "/v1/release",
        data=b"{}",
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)


def text_json(result):
    return json.loads(result.content[0].text)


def function_tools(tools):
    return {t.name for t in tools.tools} - {"search_functions", "describe_function"}


async def until(condition, seconds):
    with anyio.fail_after(seconds):
        while not condition():
            await anyio.sleep(0.05)


def test_a_release_switch_changes_tools_calls_describe_and_search(served):
    rt, repo, first = served
    changed = []

    async def on_message(message):
        if isinstance(message, types.ToolListChangedNotification):
            changed.append(message)

    async def main():
        async with streamable_http_client(rt.url + "/mcp") as streams:
            async with ClientSession(streams[0], streams[1], message_handler=on_message) as s:
                await s.initialize()
                before = function_tools(await s.list_tools())
                gone = await s.call_tool("Old-gone", {})
                await until(lambda: "Subsidiary SSE stream" in rt.log.read_text(), 30)

                stays = []

                async def call_stay_meanwhile():
                    while len(stays) < 3 or text_json(stays[-1]) != 101:
                        stays.append(await s.call_tool("Keep-stay", {"x": 1}))

                async with anyio.create_task_group() as tg:
                    tg.start_soon(call_stay_meanwhile)
                    second = commit(repo, SECOND, removed=["Old/gone.py"])
                    switched = await anyio.to_thread.run_sync(release, rt.url)
                    await until(lambda: len(changed) >= 4, 30)

                tools = await s.list_tools()
                fresh = await s.call_tool("New-fresh", {"n": 2, "label": "ab"})
                triple = await s.call_tool("Keep-change", {"a": 2, "b": 1})
                with pytest.raises(MCPError, match="Invalid tool name: Old-gone"):
                    await s.call_tool("Old-gone", {})
                described = await s.call_tool("describe_function", {"name": "Keep.change"})
                new = await s.call_tool("describe_function", {"name": "New-fresh"})
                old = await s.call_tool("describe_function", {"name": "Old.gone"})
                found = await s.call_tool("search_functions", {"query": "greeting farewell"})
                after = (tools, fresh, triple, described, new, old, found)
                return before, gone, second, switched, after, stays

    before, gone, second, switched, after, stays = anyio.run(main)
    tools, fresh, triple, described, new, old, found = after
    assert before == {"Keep-stay", "Keep-change", "Old-gone"}
    assert text_json(gone) == "gone"
    # Calls made while the release switched ran the old or the new function, never failed.
    assert [r for r in stays if r.is_error] == []
    answers = [text_json(r) for r in stays]
    assert answers[0] == 1 and answers[-1] == 101 and set(answers) == {1, 101}
    assert answers == sorted(answers)
    assert switched["commit"] == second != first
    assert function_tools(tools) == {"Keep-stay", "Keep-change", "New-fresh"}
    by_name = {t.name: t for t in tools.tools}
    assert set(by_name["Keep-change"].input_schema["properties"]) == {"a", "b"}
    assert "Triple a" in by_name["Keep-change"].description
    assert by_name["New-fresh"].input_schema["required"] == ["n"]
    assert not fresh.is_error and text_json(fresh) == "abab"
    assert not triple.is_error and text_json(triple) == 7
    d = text_json(described)
    assert d["commit"] == second
    assert "a * 3 + b" in d["source"]
    assert set(d["schema"]["input"]["properties"]) == {"a", "b"}
    assert text_json(new)["commit"] == second
    assert old.is_error and old.structured_content["type"] == PROBLEMS + "unknown-function"
    assert [h["name"] for h in text_json(found)] == ["New.fresh"]
    # One notification per tool change: Old-gone removed, New-fresh added, Keep-change replaced
    # (removed and added again); Keep-stay's tool did not change (only its code) and was left alone.
    assert len(changed) == 4
    # The function left out for its long tool name is said once, at start, with a count.
    log = rt.log.read_text(encoding="utf-8")
    assert log.count("文本.%s is not exposed over MCP: its tool name would be 141" % LONG) == 1
    assert "MCP at /mcp: 3 function tools (1 left out: tool name over 128 characters)" in log


def test_a_reloaded_folder_changes_the_tools(tmp_path):
    lib = tmp_path / "functions"
    (lib / "Keep").mkdir(parents=True)
    (lib / "Keep/stay.py").write_text(FIRST["Keep/stay.py"])
    rt = Runtime(lib, tmp_path, {"GF_RELOAD": "true"})
    try:

        async def main():
            async with streamable_http_client(rt.url + "/mcp") as streams:
                async with ClientSession(streams[0], streams[1]) as s:
                    await s.initialize()
                    before = function_tools(await s.list_tools())
                    (lib / "New").mkdir()
                    (lib / "New/fresh.py").write_text(SECOND["New/fresh.py"])
                    with anyio.fail_after(30):
                        while "New-fresh" not in (after := function_tools(await s.list_tools())):
                            await anyio.sleep(0.1)
                    fresh = await s.call_tool("New-fresh", {"n": 3})
                    return before, after, fresh

        before, after, fresh = anyio.run(main)
    finally:
        rt.stop()
    assert before == {"Keep-stay"}
    assert after == {"Keep-stay", "New-fresh"}
    assert text_json(fresh) == "xxx"
