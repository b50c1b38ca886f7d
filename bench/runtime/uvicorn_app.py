"""Baseline: the seed's POST /gfgo/ as a bare ASGI app, served by uvicorn (--workers N).

Same contract as seed_server.py (JSON body with pack_func and kwargs or args; the bare JSON
result), without a framework: what a small uvicorn service running the function in-process
costs. Usage: GF_LIBRARY=DIR uvicorn uvicorn_app:app --app-dir bench/runtime --workers 2
"""

import importlib
import json
import os
import sys

sys.path.insert(0, os.environ["GF_LIBRARY"])
_FUNCTIONS = {}


def _function(pack_func):
    fn = _FUNCTIONS.get(pack_func)
    if fn is None:
        pack, name = pack_func.split(".")
        fn = getattr(importlib.import_module(pack + "." + name), name)
        _FUNCTIONS[pack_func] = fn
    return fn


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    request = json.loads(body)
    fn = _function(request["pack_func"])
    if "kwargs" in request:
        result = fn(**request["kwargs"])
    else:
        result = fn(*request.get("args", []))
    answer = json.dumps(result).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": answer})
