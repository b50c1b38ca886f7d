"""bin/gf's client of the gf daemon: runs one gf command line in a warm JVM.

Usage: gf_client.py SOCKET ARG... (run by bin/gf as `python3 -I -S`, so it starts in ~10 ms).

Sends the caller's working folder, arguments and environment (frames as in DaemonFrames.java),
relays the command's stdout and stderr as they come and exits with its status. Ctrl-C cancels the
command in the daemon and exits 130. Exits FALLBACK (253) without printing anything when no daemon
answers at SOCKET or it does not run this command: bin/gf then runs a fresh gf (which starts a
daemon for next time). The client never reads stdin: the commands a daemon runs do not.
"""

import os
import signal
import socket
import struct
import sys

FALLBACK = 253


def frame(kind, data):
    return kind + struct.pack(">I", len(data)) + data


def caller_env():
    """The environment sent: the caller's, plus GF_PROGRESS=1 when a fresh gf would draw progress
    (its stdin and stdout a terminal, what Java's System.console() means), since the daemon has
    no terminal to ask."""
    env = dict(os.environb)
    if b"GF_PROGRESS" not in env and os.isatty(0) and os.isatty(1):
        env[b"GF_PROGRESS"] = b"1"
    return env


def request(args):
    parts = [frame(b"C", os.getcwdb())]
    parts += [frame(b"A", os.fsencode(a)) for a in args]
    parts += [frame(b"E", k + b"=" + v) for k, v in caller_env().items()]
    parts.append(frame(b"R", b""))
    return b"".join(parts)


def remember_python(folder):
    """bin/gf runs the client with this interpreter next time (not a slow pyenv-style shim)."""
    path = os.path.join(folder, "python")
    try:
        with open(path) as f:
            if f.read().strip() == sys.executable:
                return
    except OSError:
        pass
    tmp = "%s.%d" % (path, os.getpid())
    try:
        with open(tmp, "w") as f:
            f.write(sys.executable + "\n")
        os.replace(tmp, path)
    except OSError:
        pass  # only the next start's speed is at stake


def read_exactly(stream, n):
    data = stream.read(n)
    if data is None or len(data) < n:
        raise EOFError
    return data


class Output:
    """One of the caller's streams; a closed pipe (gf list | head -1) drops the rest, as gf does."""

    def __init__(self, fd):
        self.fd = fd
        self.open = True

    def write(self, data):
        view = memoryview(data)
        while self.open and view:
            try:
                view = view[os.write(self.fd, view) :]
            except BrokenPipeError:
                self.open = False


def relay(conn):
    """Relays the daemon's answer; returns the exit status, FALLBACK if the command never ran."""
    stream = conn.makefile("rb")
    out, err = Output(1), Output(2)
    started = False
    try:
        while True:
            head = read_exactly(stream, 5)
            kind, size = head[:1], struct.unpack(">I", head[1:])[0]
            data = read_exactly(stream, size)
            if kind == b"1":
                out.write(data)
            elif kind == b"2":
                err.write(data)
            elif kind == b"X":
                return struct.unpack(">i", data)[0]
            elif kind == b"G":
                started = True
            elif kind == b"F":
                return FALLBACK
    except (EOFError, OSError):
        if not started:
            return FALLBACK
        err.write(b"gf: the gf daemon stopped during the command (GF_DAEMON=0 runs without it)\n")
        return 1


def interrupted(signum, _frame):
    raise KeyboardInterrupt


def main():
    path, args = sys.argv[1], sys.argv[2:]
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        conn.sendall(request(args))
    except OSError:
        return FALLBACK
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    try:
        remember_python(os.path.dirname(path))
        return relay(conn)
    except KeyboardInterrupt:
        try:
            conn.sendall(frame(b"K", b""))
        except OSError:
            pass
        return 130


if __name__ == "__main__":
    sys.exit(main())
