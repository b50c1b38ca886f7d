"""Control: uvicorn handing each call to a Python worker process over pipes, like GlobalFunc does.

The same plain ASGI app as uvicorn_app.py, except that the function runs in a child process
(one per uvicorn worker) reached through a pair of pipes with length-prefixed JSON frames; the
uvicorn process waits for the answer on its own event loop (loop.add_reader, no extra thread).
Per call that is two processes woken in turn, where uvicorn_app.py wakes one and GlobalFunc wakes
four threads (event loop, Python worker, answer reader, event loop). It separates the price of a
process hop from the rest of the runtime's tail.

Usage: GF_BENCH_LIBRARY=DIR uvicorn --app-dir bench/runtime uvicorn_hop_app:app --workers 2 ...
"""

import asyncio
import json
import os
import struct
import subprocess
import sys

HEAD = struct.Struct(">I")
CHILD = r"""
import json, os, struct, sys
sys.path.insert(0, sys.argv[1])
from seed_server import GFGo, load_library
funcs = load_library(sys.argv[2])
head = struct.Struct(">I")
def read(n):
    data = b""
    while len(data) < n:
        chunk = os.read(0, n - len(data))
        if not chunk:
            sys.exit(0)
        data += chunk
    return data
while True:
    d = json.loads(read(head.unpack(read(4))[0]))
    if "kwargs" in d:
        res = GFGo._exe_func_kwargs(funcs, d["pack_func"], d["kwargs"])
    else:
        res = GFGo._exe_func_args(funcs, d["pack_func"], d.get("args", []))
    body = json.dumps(res).encode()
    os.write(1, head.pack(len(body)) + body)
"""


class Child:
    """The worker process and the answers it sends, read on the event loop."""

    def __init__(self):
        here = os.path.dirname(os.path.abspath(__file__))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, here, os.environ["GF_BENCH_LIBRARY"]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        self.fd = self.proc.stdout.fileno()
        os.set_blocking(self.fd, False)
        self.buf = b""
        self.waiters = []
        self.lock = asyncio.Lock()
        asyncio.get_running_loop().add_reader(self.fd, self.readable)

    def readable(self):
        chunk = os.read(self.fd, 65536)
        if not chunk:  # the child is gone: stop watching its pipe (EOF stays readable forever)
            asyncio.get_running_loop().remove_reader(self.fd)
            for waiter in self.waiters:
                waiter.set_exception(RuntimeError("the worker process ended"))
            self.waiters.clear()
            return
        self.buf += chunk
        while len(self.buf) >= 4:
            (n,) = HEAD.unpack_from(self.buf)
            if len(self.buf) < 4 + n:
                return
            body, self.buf = self.buf[4 : 4 + n], self.buf[4 + n :]
            self.waiters.pop(0).set_result(body)

    async def call(self, body):
        async with self.lock:  # one call at a time, like one GlobalFunc worker
            answer = asyncio.get_running_loop().create_future()
            self.waiters.append(answer)
            os.write(self.proc.stdin.fileno(), HEAD.pack(len(body)) + body)
            return await answer


child = None


async def app(scope, receive, send):
    global child
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                child = Child()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                child.proc.kill()
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    json.loads(body)  # parsed on the HTTP side too, as the runtime does
    out = await child.call(body)
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(out))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": out})
