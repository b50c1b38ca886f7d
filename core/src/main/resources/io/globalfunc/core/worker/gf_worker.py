"""GlobalFunc Python worker: runs catalogued functions for the Java runtime.

Protocol (owned by io.globalfunc.core.worker.WorkerProtocol on the Java side):
every frame is a 4-byte big-endian length followed by that many bytes.

* requests  (Java -> worker): UTF-8 JSON {"id": int, "p": package, "f": function,
  "a": [positional] | null, "k": {keyword} | null}
* responses (worker -> Java): 1 status byte, 8-byte big-endian call id, payload.
  status 0: payload is the JSON result; status 1: payload is a JSON error object
  {"kind", "type", "message", "traceback"}; status 2: the ready handshake (id 0).

The protocol runs on private copies of the original stdin/stdout descriptors. Descriptors 0
and 1 are then pointed at /dev/null and stderr, so nothing a function prints (from Python, C
extensions or child processes) can reach the protocol; it lands in the runtime log instead,
tagged with the call id. Standard library only.
"""

import importlib
import importlib.machinery
import importlib.util
import inspect
import json
import os
import struct
import sys
import traceback

STATUS_OK = 0
STATUS_ERROR = 1
STATUS_READY = 2

_HEADER = struct.Struct(">I")
_RESPONSE_HEAD = struct.Struct(">IBQ")


class _TaggedStream:
    """A text stream that writes complete lines to stderr, prefixed with the current call id."""

    def __init__(self, fd, label):
        self._fd = fd
        self._label = label
        self._partial = ""
        self.call_id = 0
        self.encoding = "utf-8"
        self.errors = "replace"

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        data = self._partial + text
        lines = data.split("\n")
        self._partial = lines.pop()
        if lines:
            prefix = "[call %d %s] " % (self.call_id, self._label)
            out = "".join(prefix + line + "\n" for line in lines)
            _write_all(self._fd, out.encode("utf-8", "replace"))
        return len(text)

    def flush(self):
        if self._partial:
            self.write("\n")

    def isatty(self):
        return False

    def fileno(self):
        return self._fd

    def writable(self):
        return True


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class _FrameReader:
    """Reads length-prefixed frames with few system calls: pipelined frames arrive together."""

    def __init__(self, fd):
        self._fd = fd
        self._buf = bytearray()
        self._pos = 0

    def _fill(self, need):
        while len(self._buf) - self._pos < need:
            if self._pos:
                del self._buf[: self._pos]
                self._pos = 0
            chunk = os.read(self._fd, max(1 << 16, need - len(self._buf)))
            if not chunk:
                return False
            self._buf += chunk
        return True

    def next_frame(self):
        if not self._fill(4):
            return None
        (length,) = _HEADER.unpack_from(self._buf, self._pos)
        if not self._fill(4 + length):
            return None
        start = self._pos + 4
        self._pos = start + length
        return bytes(self._buf[start : self._pos])


def _take_protocol_channel():
    """Moves the protocol to private descriptors and reroutes 0/1 away from it."""
    proto_in = os.dup(0)
    proto_out = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)  # C-level writes to stdout go to the log, never to the protocol
    sys.stdin = open(os.devnull)
    return proto_in, proto_out


def _apply_memory_cap(limit_bytes):
    if limit_bytes <= 0:
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    except (ImportError, ValueError, OSError) as exc:  # not fatal: report and go on
        sys.stderr.write("memory cap not applied: %s\n" % exc)


_ENCODER = json.JSONEncoder(allow_nan=False, ensure_ascii=False, separators=(",", ":"))


def _key_text(key):
    """The object key json.dumps writes for a dict key."""
    if isinstance(key, str):
        return key
    if key is True or key is False or key is None:
        return json.dumps(key)
    return float.__repr__(key) if isinstance(key, float) else int.__repr__(key)


def _colliding_key(value):
    """A JSON object key that two keys of one dict would share once stringified ({1:.., "1":..})."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if not all(type(k) is str for k in v):
                seen = set()
                for k in v:
                    text = _key_text(k)
                    if text in seen:
                        return text
                    seen.add(text)
            stack.extend(v.values())
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
    return None


def _binding_error(fn, args, kwargs):
    """Confirms with inspect that the arguments really do not bind (only on the error path)."""
    try:
        inspect.signature(fn).bind(*args, **kwargs)
    except TypeError:
        return True
    except ValueError:
        return True  # no signature to check (a builtin): the call site raised, so it is binding
    return False


def _error(kind, exc=None, message=None, with_traceback=True):
    err = {"kind": kind}
    if exc is not None:
        err["type"] = type(exc).__name__
        err["message"] = str(exc)
        if with_traceback:
            err["traceback"] = "".join(
                traceback.format_exception(type(exc), exc, exc.__traceback__)
            )
    if message is not None:
        err["message"] = message
    return err


def _run_coroutine(coro):
    """An `async def` function's call: run to completion on a fresh event loop, like a script."""
    import asyncio  # only async functions pay for importing it

    return asyncio.run(coro)


def _package(library_dir, package):
    """The package as a bare module whose __init__.py never runs.

    A package's __init__.py (`gf init` writes one importing every function) would make each
    function's import depend on all the others: one missing numpy would break the whole package.
    Attributes resolve lazily to the package's functions, as the __init__.py would have bound them.
    """
    module = sys.modules.get(package)
    if module is not None:
        return module
    spec = importlib.machinery.ModuleSpec(package, None, is_package=True)
    spec.submodule_search_locations = [os.path.join(library_dir, package)]
    module = importlib.util.module_from_spec(spec)
    module.__path__ = spec.submodule_search_locations

    def __getattr__(name):  # noqa: N807 - PEP 562 module attribute hook
        if name.startswith("__"):
            raise AttributeError(name)
        sub = importlib.import_module(package + "." + name)
        value = getattr(sub, name, sub)
        setattr(module, name, value)
        return value

    module.__getattr__ = __getattr__
    sys.modules[package] = module
    return module


def _missing(package, function, exc):
    """The message of a function whose import needs a module that is not installed."""
    return "%s.%s needs the module %r, which is not installed here (%s)" % (
        package,
        function,
        exc.name,
        exc,
    )


class Worker:
    def __init__(self, library_dir):
        self.library_dir = library_dir
        self.functions = {}

    def resolve(self, package, function):
        key = (package, function)
        fn = self.functions.get(key)
        if fn is not None:
            return fn
        # The Java side only sends catalogued names; importing the module by its own dotted
        # path (never attribute walking from the package) keeps this to package/function.py.
        pkg = _package(self.library_dir, package)
        module = importlib.import_module(package + "." + function)
        fn = getattr(module, function, None)
        if fn is None or not callable(fn):
            raise LookupError("%s.%s does not define a callable %s" % (package, function, function))
        setattr(pkg, function, fn)  # what `from .f import f` in __init__.py would bind
        self.functions[key] = fn
        return fn

    def call(self, request):
        package = request["p"]
        function = request["f"]
        args = request.get("a") or ()
        kwargs = request.get("k") or {}
        try:
            fn = self.resolve(package, function)
        except LookupError as exc:
            return STATUS_ERROR, _error("not_callable", exc, with_traceback=False)
        except ModuleNotFoundError as exc:
            if exc.name in (package, package + "." + function):
                return STATUS_ERROR, _error("not_callable", exc, with_traceback=False)
            return STATUS_ERROR, _error("raised", exc, message=_missing(package, function, exc))
        except BaseException as exc:  # an import that raises is the function's own failure
            return STATUS_ERROR, _error("raised", exc)
        try:
            result = fn(*args, **kwargs)
            if inspect.iscoroutine(result):
                result = _run_coroutine(result)
        except TypeError as exc:
            # Arguments that do not bind fail at the call itself, before the function's first
            # line runs: the traceback then has no frame inside the function. Binding up front
            # with inspect.signature would cost more than most calls.
            if exc.__traceback__.tb_next is None and _binding_error(fn, args, kwargs):
                return STATUS_ERROR, _error("bad_arguments", exc, with_traceback=False)
            return STATUS_ERROR, _error("raised", exc)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt too: the worker lives on
            return STATUS_ERROR, _error("raised", exc)
        try:
            encoded = _ENCODER.encode(result).encode("utf-8")
            collision = _colliding_key(result)
            if collision is not None:
                raise ValueError("two keys both become the JSON key %r" % collision)
            return STATUS_OK, encoded
        except (TypeError, ValueError, RecursionError, OverflowError) as exc:
            return STATUS_ERROR, _error(
                "not_serializable",
                message="result of type %s is not JSON-serialisable: %s"
                % (type(result).__name__, exc),
            )


def main(argv):
    library_dir = argv[1]
    memory_cap = int(argv[2]) if len(argv) > 2 else 0
    proto_in, proto_out = _take_protocol_channel()
    out_stream = _TaggedStream(2, "stdout")
    err_stream = _TaggedStream(2, "stderr")
    sys.stdout = out_stream
    sys.stderr = err_stream
    _apply_memory_cap(memory_cap)
    sys.path.insert(0, library_dir)
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    worker = Worker(library_dir)

    def send(status, call_id, payload):
        _write_all(proto_out, _RESPONSE_HEAD.pack(len(payload) + 9, status, call_id) + payload)

    send(STATUS_READY, 0, json.dumps({"pid": os.getpid()}).encode("utf-8"))
    frames = _FrameReader(proto_in)
    while True:
        body = frames.next_frame()
        if body is None:
            return 0  # the runtime closed the channel: a clean retirement
        request = json.loads(body)
        call_id = request["id"]
        out_stream.call_id = err_stream.call_id = call_id
        try:
            status, payload = worker.call(request)
        except MemoryError as exc:
            status, payload = STATUS_ERROR, _error("raised", exc, with_traceback=False)
        if status == STATUS_ERROR:
            try:
                payload = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            except (TypeError, ValueError):
                payload = json.dumps(
                    {"kind": payload.get("kind"), "message": repr(payload)}
                ).encode("utf-8")
        out_stream.flush()
        err_stream.flush()
        send(status, call_id, payload)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
