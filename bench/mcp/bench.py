#!/usr/bin/env python3
"""MCP benchmark: a tool call through /mcp against the same call through /v1/functions, and
tools/list over a library of 10,000 functions against GET /v1/functions of the same library.

One runtime serves the examples plus N generated functions. Both paths use the same async HTTP
stack (the MCP SDK's httpx2, keep-alive), one call at a time, so the ratio is MCP's own cost:
JSON-RPC framing, the session, SSE or JSON responses. Prints p50/p90 and the ratios.

Usage: bench/mcp/bench.py [--calls 500] [--functions 10000] [--page-size 50]
Needs: the Python packages in scripts/test-requirements.txt (mcp), a built runtime jar.
"""

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import httpx2
from generated import free_port, write_functions
from mcp import types
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, "runtime-image", "target", "quarkus-app", "quarkus-run.jar")


def write_library(target, functions):
    shutil.copytree(os.path.join(ROOT, "examples", "functions"), target)
    write_functions(target, functions)


def start(library, work, extra):
    port = free_port()
    env = dict(
        os.environ,
        GF_FUNCTIONS_DIR=library,
        GF_PYTHON=sys.executable,
        GF_PYTHON_WORKERS="2",
        GF_WORK_DIR=work,
        QUARKUS_HTTP_PORT=str(port),
        QUARKUS_HTTP_HOST="127.0.0.1",
        TZ="UTC",
        **extra,
    )
    log = open(os.path.join(work, "runtime.log"), "wb")
    proc = subprocess.Popen(["java", "-jar", JAR], env=env, stdout=log, stderr=subprocess.STDOUT)
    started = time.monotonic()
    while time.monotonic() - started < 300:
        if proc.poll() is not None:
            raise SystemExit("the runtime exited; see " + log.name)
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/q/health/ready" % port) as r:
                if r.status == 200:
                    return proc, "http://127.0.0.1:%d" % port, time.monotonic() - started
        except OSError:
            time.sleep(0.3)
    raise SystemExit("runtime not ready")


def pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


async def measure(url, calls):
    """Calls alternate between the two paths, so load changes hit both alike."""
    kwargs = {"values": [1, 2, 3, 4]}
    http_ms, mcp_ms, listing = [], [], []
    async with httpx2.AsyncClient(timeout=120) as client:
        async with streamable_http_client(url + "/mcp") as streams:
            async with ClientSession(streams[0], streams[1]) as session:
                await session.initialize()
                t = time.perf_counter()
                await session.list_tools()
                first_page = time.perf_counter() - t
                for _ in range(3):
                    listing.append(await list_all(session))
                # After a full listing the client knows every tool; otherwise the SDK lists
                # tools again before each call to find the tool's output schema.
                for i in range(calls + 20):
                    t = time.perf_counter()
                    r = await client.post(url + "/v1/functions/Util/mean", json=kwargs)
                    assert r.status_code == 200 and r.json() == 2.5
                    h = time.perf_counter()
                    m = await session.call_tool("Util-mean", kwargs)
                    assert not m.is_error and m.content[0].text == "2.5"
                    if i >= 20:  # warm-up
                        http_ms.append((h - t) * 1000)
                        mcp_ms.append((time.perf_counter() - h) * 1000)
        catalog = []
        for _ in range(3):
            t = time.perf_counter()
            r = await client.get(url + "/v1/functions")
            assert r.status_code == 200
            catalog.append((time.perf_counter() - t, len(r.json())))
    return http_ms, mcp_ms, listing, first_page, catalog


async def list_all(session):
    t = time.perf_counter()
    names, pages, cursor = 0, 0, None
    while True:
        params = types.PaginatedRequestParams(cursor=cursor) if cursor else None
        page = await session.list_tools(params=params)
        names += len(page.tools)
        pages += 1
        cursor = page.next_cursor
        if not cursor:
            return time.perf_counter() - t, names, pages


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=500)
    ap.add_argument("--functions", type=int, default=10_000)
    ap.add_argument("--page-size", type=int, default=0, help="tools/list page (0: default)")
    args = ap.parse_args()
    if not os.path.exists(JAR):
        raise SystemExit("build the runtime first: ./mvnw -B -q -pl runtime-image -am package")
    with tempfile.TemporaryDirectory() as tmp:
        library = os.path.join(tmp, "functions")
        write_library(library, args.functions)
        extra = (
            {"QUARKUS_MCP_SERVER_TOOLS_PAGE_SIZE": str(args.page_size)} if args.page_size else {}
        )
        proc, url, ready = start(library, tmp, extra)
        try:
            http_ms, mcp_ms, listing, first_page, catalog = asyncio.run(measure(url, args.calls))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    h50, m50 = statistics.median(http_ms), statistics.median(mcp_ms)
    print("runtime ready with %d generated functions in %.1f s" % (args.functions, ready))
    print("call Util.mean, %d sequential calls after 20 warm-up:" % args.calls)
    print("  /v1/functions  p50 %.2f ms  p90 %.2f ms" % (h50, pct(http_ms, 90)))
    print("  /mcp tools/call p50 %.2f ms  p90 %.2f ms" % (m50, pct(mcp_ms, 90)))
    print("  ratio mcp/http p50 %.2f" % (m50 / h50))
    best = min(listing)
    print(
        "tools/list, every page: %.3f s for %d tools in %d pages (best of 3); first page %.1f ms"
        % (best[0], best[1], best[2], first_page * 1000)
    )
    best_catalog = min(catalog)
    print(
        "GET /v1/functions (baseline, one response): %.3f s for %d functions; ratio %.2f"
        % (best_catalog[0], best_catalog[1], best[0] / best_catalog[0])
    )


if __name__ == "__main__":
    main()
