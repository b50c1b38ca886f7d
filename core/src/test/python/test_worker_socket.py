"""A real worker given a Unix socket (as the runtime starts it): the nonce, then its answers."""

import json
import os
import signal
import socket
import struct
import subprocess
import sys

import gf_worker
import pytest


def recv_exact(conn, size):
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_answer(conn):
    head = recv_exact(conn, 13)
    if head is None:
        return None
    length, status, call_id = struct.unpack(">IBQ", head)
    return status, call_id, recv_exact(conn, length - 9)


def frame(body):
    return struct.pack(">I", len(body)) + body


@pytest.mark.parametrize(
    ("scheduling", "policy_expected"),
    [([], os.SCHED_OTHER), (["normal"], os.SCHED_OTHER), (["batch"], os.SCHED_BATCH)],
)
def test_a_worker_answers_on_its_socket_after_the_nonce_from_its_stdin(
    tmp_path, scheduling, policy_expected
):
    library = tmp_path / "lib"
    (library / "P").mkdir(parents=True)
    (library / "P" / "add.py").write_text("def add(a, b):\n    print('hi')\n    return a + b\n")
    policy = "import os\n\ndef policy():\n    return os.sched_getscheduler(0)\n"
    (library / "P" / "policy.py").write_text(policy)
    path = str(tmp_path / "answers")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    server.settimeout(30)
    proc = subprocess.Popen(
        [sys.executable, "-B", gf_worker.__file__, str(library), "0", "0", path, *scheduling],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        nonce = os.urandom(32)
        call = json.dumps({"id": 4, "p": "P", "f": "add", "a": [1, 2]}).encode()
        ask_policy = json.dumps({"id": 5, "p": "P", "f": "policy"}).encode()
        proc.stdin.write(frame(nonce) + frame(call) + frame(ask_policy))
        proc.stdin.flush()
        conn, _ = server.accept()
        conn.settimeout(30)
        assert recv_exact(conn, 32) == nonce  # first, so the runtime knows whose socket it is
        assert read_answer(conn)[0] == gf_worker.STATUS_READY
        assert read_answer(conn) == (gf_worker.STATUS_OK, 4, b"3")
        # GF_WORKER_SCHEDULING=batch: a woken worker does not preempt the runtime's event loop
        expected = str(policy_expected).encode()
        assert read_answer(conn) == (gf_worker.STATUS_OK, 5, expected)
        proc.stdin.close()  # the end of its input ends the worker
        assert read_answer(conn) is None
        # it ends its own process group (itself included) on the way out
        assert proc.wait(timeout=30) == -signal.SIGKILL
        assert proc.stdout.read() == b""  # nothing goes to stdout any more, prints included
        assert b"[call 4 stdout] hi" in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
        server.close()


POLICY_FUNCTIONS = """import os


def policy():
    return os.sched_getscheduler(0)


def set_policy(policy):
    os.sched_setscheduler(0, policy, os.sched_param(0))
    return os.sched_getscheduler(0)
"""


class AutoWorker:
    """A real worker under GF_WORKER_SCHEDULING=auto, fed frames with or without the BUSY bit."""

    def __init__(self, tmp_path):
        library = tmp_path / "lib"
        (library / "P").mkdir(parents=True)
        (library / "P" / "policy.py").write_text(POLICY_FUNCTIONS)
        (library / "P" / "set_policy.py").write_text(POLICY_FUNCTIONS)
        path = str(tmp_path / "answers")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(1)
        self.server.settimeout(30)
        argv = [sys.executable, "-B", gf_worker.__file__, str(library), "0", "0", path, "auto"]
        self.proc = subprocess.Popen(argv, cwd=tmp_path, stdin=subprocess.PIPE)
        nonce = os.urandom(32)
        self.proc.stdin.write(frame(nonce))
        self.proc.stdin.flush()
        self.conn, _ = self.server.accept()
        self.conn.settimeout(30)
        assert recv_exact(self.conn, 32) == nonce
        assert read_answer(self.conn)[0] == gf_worker.STATUS_READY
        self.ids = 0

    def call(self, busy, function, *args):
        """The answer to one call, written with the BUSY bit set or not."""
        self.ids += 1
        body = json.dumps({"id": self.ids, "p": "P", "f": function, "a": list(args)}).encode()
        self.proc.stdin.write(struct.pack(">I", len(body) | (0x80000000 if busy else 0)) + body)
        self.proc.stdin.flush()
        status, call_id, payload = read_answer(self.conn)
        assert (status, call_id) == (gf_worker.STATUS_OK, self.ids), payload
        return int(payload)

    def close(self):
        self.proc.kill()
        self.proc.wait()
        self.conn.close()
        self.server.close()


@pytest.fixture
def auto_worker(tmp_path):
    worker = AutoWorker(tmp_path)
    yield worker
    worker.close()


def test_auto_scheduling_follows_the_busy_bit_there_and_back(auto_worker):
    # a lone call keeps wake-up preemption; calls fed back to back do not preempt the runtime
    assert auto_worker.call(False, "policy") == os.SCHED_OTHER
    assert auto_worker.call(True, "policy") == os.SCHED_BATCH
    assert auto_worker.call(True, "policy") == os.SCHED_BATCH
    assert auto_worker.call(False, "policy") == os.SCHED_OTHER
    assert auto_worker.call(True, "policy") == os.SCHED_BATCH


def test_a_function_changing_the_policy_leaves_the_worker_working(auto_worker):
    # a policy the function sets stays until the runtime's next change of mind
    assert auto_worker.call(False, "set_policy", os.SCHED_BATCH) == os.SCHED_BATCH
    assert auto_worker.call(False, "policy") == os.SCHED_BATCH
    assert auto_worker.call(True, "policy") == os.SCHED_BATCH
    assert auto_worker.call(False, "policy") == os.SCHED_OTHER
    # SCHED_IDLE: without privilege nothing leaves it; the worker goes on either way
    assert auto_worker.call(False, "set_policy", os.SCHED_IDLE) == os.SCHED_IDLE
    assert auto_worker.call(True, "policy") in (os.SCHED_IDLE, os.SCHED_BATCH)
    assert auto_worker.call(False, "policy") in (os.SCHED_IDLE, os.SCHED_OTHER)
    assert auto_worker.proc.poll() is None
