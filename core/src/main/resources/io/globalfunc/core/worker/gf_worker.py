"""GlobalFunc Python worker: runs catalogued functions for the Java runtime.

Protocol (owned by io.globalfunc.core.worker.WorkerProtocol on the Java side):
every frame is a 4-byte big-endian length followed by that many bytes.

* requests  (Java -> worker): UTF-8 JSON, the call id first: a call
  {"id": int, "p": package, "f": function, "a": [positional] | null, "k": {keyword} | null}
  or a chunk {"id": int, "p": package, "f": function, "c": [item, ...]} whose items are each
  a keyword object or a positional array, run one after the other. The top bit of a request's
  length (BUSY) says the runtime had other calls queued or in flight when it wrote it.
* responses (worker -> Java): 1 status byte, 8-byte big-endian call id, payload.
  status 0: payload is the JSON result; status 1: payload is a JSON error object
  {"kind", "type", "message", "traceback"}; status 2: the ready handshake (id 0);
  status 3 (chunk progress) / 4 (chunk done): a 4-byte first item index, a 4-byte count, then
  per item a status byte (0/1), a 4-byte length and the result or error JSON.
  A status with bit 0x80 set means "this worker retires after this answer": the call left
  state behind that cannot be undone, so nothing written after it will run here.
  status 5 (retiring, empty payload, the id of the call last answered) says the same after an
  answer already sent: restoring what that call changed failed or found tampering.

The protocol runs on private copies of the original stdin/stdout descriptors. Descriptors 0
and 1 are then pointed at /dev/null and stderr, so nothing a function prints (from Python, C
extensions or child processes) can reach the protocol; it lands in the runtime log instead,
tagged with the call id. Given a fourth argument, a Unix socket path, the worker sends its answers
there instead of stdout, after a nonce the runtime writes as the first frame on stdin (see
_connect_answer_channel). The worker leads its own session, so the runtime can end it together
with every process a function started. Standard library only.
"""

import importlib
import importlib.machinery
import importlib.util
import inspect
import json
import os
import re
import signal
import struct
import sys
import threading
import time
import traceback

STATUS_OK = 0
STATUS_ERROR = 1
STATUS_READY = 2
STATUS_CHUNK_PROGRESS = 3
STATUS_CHUNK_DONE = 4
STATUS_RETIRING = 5
RETIRE_FLAG = 0x80

# A chunk reports the outcomes it has at the first item boundary this long after its last report,
# so the runtime can time each item out and keeps what finished if a later item crashes.
PROGRESS_INTERVAL = 0.02
PROGRESS_BYTES = 1 << 20

_HEADER = struct.Struct(">I")
_BUSY = 0x80000000  # on a request's length, see the protocol above
_RESPONSE_HEAD = struct.Struct(">IBQ")
_CHUNK_HEAD = struct.Struct(">II")
_ITEM_HEAD = struct.Struct(">BI")
_CALL_ID = re.compile(rb'^\{"id":(\d+)')
_ERROR_TEXT_LIMIT = 64 * 1024
_STDLIB = getattr(sys, "stdlib_module_names", frozenset())  # Python 3.10+


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
        self.busy = False  # the BUSY bit of the last frame's length

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
        self.busy = length >= _BUSY
        length &= ~_BUSY
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


def _connect_answer_channel(path, frames, proto_out):
    """Moves the answers to the runtime's Unix socket for this worker, at ``path``.

    The runtime reads that socket on the event loop that writes the HTTP answer, with no thread
    of its own to wake. The first frame on stdin (which only the runtime writes) is a one-time
    nonce; sending it back first proves the connection is this worker's.
    """
    import socket

    nonce = frames.next_frame()
    if nonce is None:  # the runtime is gone before the handshake
        os._exit(0)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    channel = sock.detach()
    _write_all(channel, nonce)
    os.close(proto_out)
    return channel


def _lead_own_session():
    """Makes this worker the leader of a new session, so the runtime can end all it started."""
    try:
        os.setsid()
    except OSError:  # already a session leader: nothing to do
        pass


def _watch_runtime(interval=1.0):
    """Ends this worker's group once the runtime that started it is gone. A runtime killed outright
    closes the channel, but a worker stuck in a call (a hang, a sleep) never reads the EOF; its
    parent changing (to init or a subreaper) says so instead. Started before the call guard, so
    it counts as the worker's own thread, never a call's."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(interval)
        _end_own_group()

    threading.Thread(target=watch, name="gf-runtime-watch", daemon=True).start()


def _set_batch_policy(batch):
    """SCHED_BATCH for this worker (and what it starts), or the default policy back. Under
    SCHED_BATCH a worker woken by a frame waits for the CPU instead of preempting the runtime's
    event loop that wrote it, which still has answers to read and HTTP answers to write; preempted,
    the loop and the worker took turns on one CPU while the other idled (16 concurrent calls ran a
    third slower). But it preempts no other process either, so on a machine shared with busy
    processes its calls wait longer. A no-op where the policy cannot be set (not Linux, or a
    function moved the worker to SCHED_IDLE, which only privilege leaves)."""
    try:
        policy = os.SCHED_BATCH if batch else os.SCHED_OTHER
        os.sched_setscheduler(0, policy, os.sched_param(0))
    except (AttributeError, OSError):
        pass


class _BusyFollower:
    """GF_WORKER_SCHEDULING=auto: SCHED_BATCH while the runtime says, in each request, that it has
    other calls queued or in flight, the default policy when a request comes without that.

    Fed back to back, a worker woken by its next frame would preempt the event loop that wrote it,
    which still has other answers to read and write (the loop and the worker then take turns on
    one CPU while the other idles); a lone call, though, is best served by the wake-up preemption
    that gets it running at once. Only a change costs a system call. A policy a function sets
    stays until the next change; one the worker cannot leave (SCHED_IDLE) only costs speed.
    """

    __slots__ = ("batch",)

    def __init__(self):
        self.batch = False

    def follow(self, busy):
        if busy is not self.batch:
            self.batch = busy
            _set_batch_policy(busy)


def _end_own_group():
    """Ends what calls left behind in this worker's process group, this worker included."""
    if os.getpgid(0) == os.getpid():  # never the runtime's group, should setsid have failed
        sys.stdout.flush()
        sys.stderr.flush()
        os.killpg(0, signal.SIGKILL)


def _apply_memory_cap(limit_bytes):
    if limit_bytes <= 0:
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    except (ImportError, ValueError, OSError) as exc:  # not fatal: report and go on
        sys.stderr.write("memory cap not applied: %s\n" % exc)


def _place_library_on_path(library_dir):
    """Puts the library after the standard library but before installed packages.

    A library package named like a standard module (``datetime/``) therefore never shadows the
    standard library for other functions; calling its functions fails with a clear message.
    """
    for index, entry in enumerate(sys.path):
        if entry.endswith(("site-packages", "dist-packages")):
            sys.path.insert(index, library_dir)
            return
    sys.path.append(library_dir)


_ENCODER = json.JSONEncoder(allow_nan=False, ensure_ascii=False, separators=(",", ":"))


def _scalar_json(value):
    """The JSON of an int, a str, None or a bool exactly as _ENCODER writes it, without its
    Python-level dispatch (most of a tiny batch item's cost); None for anything else."""
    kind = type(value)
    if kind is int:
        return int.__repr__(value).encode("ascii")
    if kind is str:
        return _encode_str(value).encode("utf-8")
    if value is None:
        return b"null"
    if kind is bool:
        return b"true" if value else b"false"
    return None


_encode_str = json.encoder.encode_basestring  # what _ENCODER uses with ensure_ascii=False
_PLAIN = frozenset((int, str, float, bool, type(None), list, dict))  # never a coroutine


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


def _safe_text(value):
    """str() of anything, even an object whose __str__ raises; capped in size."""
    try:
        text = str(value)
    except BaseException:  # noqa: BLE001 - a broken __str__ must not cost the worker
        text = "<unprintable %s>" % type(value).__name__
    return text if len(text) <= _ERROR_TEXT_LIMIT else text[:_ERROR_TEXT_LIMIT] + "..."


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
        err["type"] = _safe_text(type(exc).__name__)
        err["message"] = _safe_text(exc)
        if with_traceback:
            try:
                text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            except BaseException:  # noqa: BLE001 - e.g. a __str__ raising inside the traceback
                text = "<traceback unavailable>"
            err["traceback"] = _safe_text(text)
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


def _encode_error(err):
    try:
        return json.dumps(err, ensure_ascii=False).encode("utf-8")
    except BaseException:  # noqa: BLE001 - lone surrogates and the like: fall back to ASCII
        return json.dumps({"kind": err.get("kind"), "message": ascii(err)}).encode("utf-8")


class Worker:
    """Resolves catalogued functions and runs calls and chunks of them."""

    def __init__(self, library_dir, max_result_bytes=0):
        self.library_dir = library_dir
        self.functions = {}
        self.max_result_bytes = max_result_bytes
        self.after_import = None  # told when a module was imported (its threads are the library's)

    def resolve(self, package, function):
        key = (package, function)
        fn = self.functions.get(key)
        if fn is not None:
            return fn
        if package in _STDLIB:
            raise LookupError(
                "package %r has the name of a standard-library module, which always wins on "
                "sys.path: rename the package" % package
            )
        # The Java side only sends catalogued names; importing the module by its own dotted
        # path (never attribute walking from the package) keeps this to package/function.py.
        pkg = _package(self.library_dir, package)
        module = importlib.import_module(package + "." + function)
        if self.after_import is not None:
            self.after_import()
        fn = getattr(module, function, None)
        if fn is None or not callable(fn):
            raise LookupError("%s.%s does not define a callable %s" % (package, function, function))
        setattr(pkg, function, fn)  # what `from .f import f` in __init__.py would bind
        self.functions[key] = fn
        return fn

    def lookup(self, request):
        """The function a request names, or (None, error) when it cannot be had."""
        try:
            return self.resolve(request["p"], request["f"]), None
        except LookupError as exc:
            return None, _error("not_callable", exc, with_traceback=False)
        except ModuleNotFoundError as exc:
            package, function = request["p"], request["f"]
            if exc.name in (package, package + "." + function):
                return None, _error("not_callable", exc, with_traceback=False)
            return None, _error("raised", exc, message=_missing(package, function, exc))
        except BaseException as exc:  # noqa: BLE001 - an import that raises is the call's failure
            return None, _error("raised", exc)

    def invoke(self, fn, args, kwargs):
        """Runs one call: (STATUS_OK, result bytes) or (STATUS_ERROR, error dict). Never raises."""
        try:
            result = fn(*args, **kwargs)
            if type(result) not in _PLAIN and inspect.iscoroutine(result):
                result = _run_coroutine(result)
        except TypeError as exc:
            # Arguments that do not bind fail at the call itself, before the function's first
            # line runs: the traceback then has no frame inside the function. Binding up front
            # with inspect.signature would cost more than most calls.
            if exc.__traceback__.tb_next is None and _binding_error(fn, args, kwargs):
                return STATUS_ERROR, _error("bad_arguments", exc, with_traceback=False)
            return STATUS_ERROR, _error("raised", exc)
        except BaseException as exc:  # noqa: BLE001 - SystemExit too: the worker lives on
            return STATUS_ERROR, _error("raised", exc)
        return self.encode_result(result)

    def encode_result(self, result):
        try:
            payload = _scalar_json(result)
            if payload is None:
                payload = _ENCODER.encode(result).encode("utf-8")
                collision = _colliding_key(result)
                if collision is not None:
                    raise ValueError("two keys both become the JSON key %r" % collision)
        except BaseException as exc:  # noqa: BLE001 - items()/__iter__ raising, cycles, NaN...
            return STATUS_ERROR, _error(
                "not_serializable",
                message="result of type %s is not JSON-serialisable: %s"
                % (_safe_text(type(result).__name__), _safe_text(exc)),
            )
        if self.max_result_bytes and len(payload) > self.max_result_bytes:
            return STATUS_ERROR, _error(
                "result_too_large",
                message="the result is %d bytes, over this runtime's limit of %d bytes"
                % (len(payload), self.max_result_bytes),
            )
        return STATUS_OK, payload

    def call(self, request):
        """Runs a call: (STATUS_OK, result bytes) or (STATUS_ERROR, error dict)."""
        fn, err = self.lookup(request)
        if err is not None:
            return STATUS_ERROR, err
        return self.invoke(fn, request.get("a") or (), request.get("k") or {})

    def chunk(self, request, report):
        """Runs every item of a chunk, reporting outcomes at item boundaries now and then."""
        items = request["c"]
        fn, err = self.lookup(request)
        first = 0
        buf = bytearray()
        last_report = time.monotonic()
        for index, item in enumerate(items):
            if err is not None:
                status, payload = STATUS_ERROR, err
            elif isinstance(item, list):
                status, payload = self.invoke(fn, item, {})
            else:
                status, payload = self.invoke(fn, (), item)
            if status == STATUS_ERROR:
                payload = _encode_error(payload)
            buf += _ITEM_HEAD.pack(status, len(payload))
            buf += payload
            now = time.monotonic()
            if index + 1 < len(items) and (
                now - last_report >= PROGRESS_INTERVAL or len(buf) >= PROGRESS_BYTES
            ):
                report(STATUS_CHUNK_PROGRESS, _CHUNK_HEAD.pack(first, index + 1 - first) + buf)
                first = index + 1
                buf = bytearray()
                last_report = now
        return STATUS_CHUNK_DONE, _CHUNK_HEAD.pack(first, len(items) - first) + bytes(buf)


class CallGuard:
    """Undoes what a call changed in the process, or says why the worker must retire.

    Restored after every call (and every chunk): alarms and interval timers (disarmed), signal
    handlers, the current directory, os.environ (and the time zone), sys.stdout/stderr,
    sys.path, the recursion limit, the socket default timeout, the umask, trace and profile hooks.
    Not restorable, so the worker retires: Python threads or child processes still running, the
    worker's own code or protocol channel tampered with. Threads a module starts while it is
    imported, and idle concurrent.futures workers, are part of the library, not of a call. Not
    detectable: native threads (BLAS pools start them too), module globals a function patches in
    other modules (use GF_MAX_CALLS_PER_WORKER=1 where that matters).

    The work is split around the answer, so most of it is off the caller's wait:
    before_answer() settles what could act on its own once the answer is out (timers, threads,
    child processes, trace hooks, the recursion limit the answer's own writing needs);
    after_answer() restores the rest before the next request is read.
    """

    _TIMERS = ("ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF")

    def __init__(self, streams, proto_fds, worker_globals):
        self.streams = streams
        self.cwd = os.getcwd()
        self.environ = dict(os.environ)
        self.environ_data = dict(_environ_data())
        self.path = list(sys.path)
        self.recursion_limit = sys.getrecursionlimit()
        self.umask = os.umask(0o022)
        os.umask(self.umask)
        self.handlers = {}
        for sig in signal.valid_signals():
            try:
                self.handlers[sig] = _getsignal(sig)
            except (OSError, ValueError):
                pass
        self.threads = set(threading.enumerate())
        # Children from before the worker began (none in a real worker; a test process has some)
        # cannot be told from a call's: then the check is off.
        self.check_children = not self._children_alive()
        self.proto = [self._identity(fd) for fd in proto_fds]
        self.proto_fds = proto_fds
        self.worker_globals = worker_globals
        self.code = dict(worker_globals)
        self.critical = self._critical()

    @staticmethod
    def _critical():
        return (os.write, os.read, os.dup2, os._exit, json.loads, json.dumps, struct.Struct)

    @staticmethod
    def _identity(fd):
        try:
            st = os.fstat(fd)
            return st.st_dev, st.st_ino
        except OSError:
            return None

    def accept_threads(self):
        """Threads running now belong to the library (started while importing a module)."""
        self.threads = set(threading.enumerate())

    def after_call(self):
        """Restores what it can; returns why the worker must retire, or None."""
        early = self.before_answer()
        late = self.after_answer()
        return early or late

    def before_answer(self):
        """Disarms what could act after the answer is sent; why the worker must retire, or None.

        A leftover that may strike on its own (an alarm, a thread, a child process) must be known
        before the answer goes out: once it is out, the runtime may already have written the next
        call here, and a worker dying then would have that innocent call blamed.
        """
        self._disarm_timers()
        if sys.gettrace() is not None:
            sys.settrace(None)
        if sys.getprofile() is not None:
            sys.setprofile(None)
        if sys.getrecursionlimit() != self.recursion_limit:
            sys.setrecursionlimit(self.recursion_limit)
        left = [t for t in threading.enumerate() if t not in self.threads and _busy(t)]
        if left:
            return "the call left %d thread(s) running" % len(left)
        if self.check_children and self._children_alive():
            return "the call left child processes running"
        return None

    def after_answer(self):
        """Restores the rest, before the next request is read; why the worker must retire, or None.

        Never raises: state it cannot restore (a removed working directory...) retires the worker.
        """
        try:
            self._restore_signals()
            self._restore_process_state()
        except BaseException as exc:  # noqa: BLE001 - whatever the call left, the worker decides
            return "the call left state the worker cannot restore (%s)" % _safe_text(exc)
        return self._tampered()

    def _disarm_timers(self):
        signal.alarm(0)  # alarm() and ITIMER_REAL are one timer: this disarms both
        for name in self._TIMERS[1:]:
            which = getattr(signal, name, None)
            if which is not None:
                signal.setitimer(which, 0)

    def _restore_signals(self):
        for sig, handler in self.handlers.items():
            try:
                if _getsignal(sig) != handler:
                    signal.signal(sig, handler)
            except (OSError, ValueError, TypeError):
                pass

    def _restore_process_state(self):
        try:
            moved = os.getcwd() != self.cwd
        except OSError:  # the call removed the current directory
            moved = True
        if moved:
            os.chdir(self.cwd)
        if _environ_data() != self.environ_data:
            tz = os.environ.get("TZ")
            os.environ.clear()
            os.environ.update(self.environ)
            if tz != self.environ.get("TZ"):
                time.tzset()
        out, err = self.streams
        sys.stdout, sys.stderr = out, err
        if sys.path != self.path:
            sys.path[:] = self.path
        socket = sys.modules.get("socket")
        if socket is not None and socket.getdefaulttimeout() is not None:
            socket.setdefaulttimeout(None)
        os.umask(self.umask)

    def _tampered(self):
        if [self._identity(fd) for fd in self.proto_fds] != self.proto:
            return "the call touched the worker's protocol channel"
        if self._critical() != self.critical or any(
            self.worker_globals.get(name) is not value for name, value in self.code.items()
        ):
            return "the call patched the worker's own code"
        return None

    @staticmethod
    def _children_alive():
        """Reaps children that ended; True when one is still running."""
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:  # no children at all
                return False
            if pid == 0:
                return True


try:  # signal.getsignal wraps each answer in an enum, 3 µs a signal; the C function does not
    from _signal import getsignal as _getsignal
except ImportError:  # not CPython
    _getsignal = signal.getsignal


def _environ_data():
    """os.environ's own bytes mapping: comparing it is cheap, comparing os.environ is not."""
    return getattr(os.environ, "_data", os.environ)


def _busy(thread):
    """A live thread that is not an idle concurrent.futures worker (those only run what is
    submitted to them)."""
    if not thread.is_alive():
        return False
    target = getattr(thread, "_target", None)
    return getattr(target, "__module__", None) != "concurrent.futures.thread"


def main(argv):
    _lead_own_session()
    _watch_runtime()
    scheduling = argv[5] if len(argv) > 5 else "normal"
    if scheduling == "batch":  # GF_WORKER_SCHEDULING=batch: always
        _set_batch_policy(True)
    follower = _BusyFollower() if scheduling == "auto" else None
    library_dir = argv[1]
    memory_cap = int(argv[2]) if len(argv) > 2 else 0
    max_result = int(argv[3]) if len(argv) > 3 else 0
    proto_in, proto_out = _take_protocol_channel()
    frames = _FrameReader(proto_in)
    if len(argv) > 4:
        proto_out = _connect_answer_channel(argv[4], frames, proto_out)
    out_stream = _TaggedStream(2, "stdout")
    err_stream = _TaggedStream(2, "stderr")
    sys.stdout = out_stream
    sys.stderr = err_stream
    _apply_memory_cap(memory_cap)
    _place_library_on_path(library_dir)
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    worker = Worker(library_dir, max_result)

    def send(status, call_id, payload):
        _write_all(proto_out, _RESPONSE_HEAD.pack(len(payload) + 9, status, call_id) + payload)

    guard = CallGuard((out_stream, err_stream), (proto_in, proto_out), globals())
    worker.after_import = guard.accept_threads
    send(STATUS_READY, 0, json.dumps({"pid": os.getpid()}).encode("utf-8"))
    while True:
        body = frames.next_frame()
        if body is None:  # the runtime closed the channel (or is gone): a clean retirement
            _end_own_group()
            return 0
        if follower is not None:
            follower.follow(frames.busy)
        call_id, request, unreadable = _parse(body)
        out_stream.call_id = err_stream.call_id = call_id
        if unreadable is not None:
            status, payload = STATUS_ERROR, unreadable
        elif "c" in request:
            status, payload = worker.chunk(request, lambda s, p, cid=call_id: send(s, cid, p))
        else:
            status, payload = worker.call(request)
        if status == STATUS_ERROR:
            payload = _encode_error(payload)
        out_stream.flush()
        err_stream.flush()
        retire = guard.before_answer()
        if retire is not None:
            _retire(retire, send, status | RETIRE_FLAG, call_id, payload)
        send(status, call_id, payload)
        retire = guard.after_answer()
        if retire is not None:
            _retire(retire, send, STATUS_RETIRING, call_id, b"")


def _retire(reason, send, *last_frame):
    """Ends the worker after its last frame: nothing written after this call may run here."""
    _write_all(2, ("[worker] retiring: %s\n" % reason).encode("utf-8"))
    send(*last_frame)
    os._exit(0)


def _parse(body):
    """(call id, request, None), or (call id, None, error) for a frame that cannot be read."""
    try:
        request = json.loads(body)
        return request["id"], request, None
    except RecursionError:
        reason = "the request is nested too deeply for Python's JSON reader"
    except BaseException as exc:  # noqa: BLE001 - bad UTF-8, bad JSON, no id
        reason = "the worker cannot read the request: %s" % _safe_text(exc)
    match = _CALL_ID.match(body)
    if match is None:  # no call to answer: the channel itself is broken
        _write_all(2, b"[worker] unreadable frame without a call id; exiting\n")
        os._exit(70)
    return int(match.group(1)), None, _error("unreadable_request", message=reason)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
