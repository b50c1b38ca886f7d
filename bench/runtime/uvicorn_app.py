"""Baseline: the seed's call served by uvicorn, as a plain ASGI app (no framework).

POST /gfgo/ decodes the JSON body, finds the function as the seed did (getattr of the package,
then of the function, on the imported library) and answers json.dumps of the result. uvicorn runs
it with N worker processes sharing one listening socket: each call runs inside the process that
read the request, with no hop to another process (GlobalFunc always makes one: JVM -> Python).

Usage: GF_BENCH_LIBRARY=DIR uvicorn --app-dir bench/runtime uvicorn_app:app --workers 2 ...
"""

import json
import os

from seed_server import GFGo, load_library

FUNCS = load_library(os.environ["GF_BENCH_LIBRARY"])
JSON_HEADERS = [(b"content-type", b"application/json")]


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["method"] != "POST" or scope["path"] not in ("/gfgo", "/gfgo/"):
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    some_dict = json.loads(body)
    if "kwargs" in some_dict:
        res = GFGo._exe_func_kwargs(FUNCS, some_dict["pack_func"], some_dict["kwargs"])
    else:
        res = GFGo._exe_func_args(FUNCS, some_dict["pack_func"], some_dict.get("args", []))
    out = json.dumps(res).encode()
    headers = JSON_HEADERS + [(b"content-length", str(len(out)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": out})
