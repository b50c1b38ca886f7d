"""What the worker undoes after a call, what makes it retire, and requests it cannot read."""

import json
import os
import signal
import struct
import subprocess
import sys
import threading
import time

import gf_worker
import pytest


@pytest.fixture
def guard():
    r, w = os.pipe()
    g = gf_worker.CallGuard((sys.stdout, sys.stderr), (r, w), {})
    yield g
    os.close(r)
    os.close(w)


def test_process_state_a_call_changed_is_restored(guard, tmp_path):
    cwd, limit = os.getcwd(), sys.getrecursionlimit()
    os.chdir(tmp_path)
    os.environ["GF_TEST_LEAK"] = "x"
    sys.setrecursionlimit(limit + 7)
    assert guard.after_call() is None
    assert (os.getcwd(), sys.getrecursionlimit()) == (cwd, limit)
    assert "GF_TEST_LEAK" not in os.environ


def test_a_time_zone_change_is_undone_with_tzset(guard):
    before = time.localtime(0).tm_gmtoff
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    assert time.localtime(0).tm_gmtoff == 8 * 3600
    assert guard.after_call() is None
    assert time.localtime(0).tm_gmtoff == before


def test_alarms_are_disarmed_and_handlers_restored(guard):
    original = signal.getsignal(signal.SIGALRM)
    signal.signal(signal.SIGALRM, lambda *_: None)
    signal.alarm(30)
    signal.setitimer(signal.ITIMER_REAL, 30)
    assert guard.after_call() is None
    assert signal.alarm(0) == 0
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is original


def test_a_thread_left_running_retires_the_worker(guard):
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert "thread" in guard.after_call()
    finally:
        stop.set()
        t.join()
    assert guard.after_call() is None


def test_a_child_left_running_retires_the_worker(guard):
    if not guard.check_children:
        pytest.skip("this test process has children of its own (WorkerPoolSurvivalIT covers it)")
    pid = os.fork()
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    try:
        assert "child process" in guard.after_call()
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert guard.after_call() is None


def test_a_replaced_protocol_descriptor_retires_the_worker(guard):
    r, w = guard.proto_fds
    spare = os.dup(w)
    other_r, other_w = os.pipe()
    os.dup2(other_w, w)
    try:
        assert "protocol" in guard.after_call()
    finally:
        os.dup2(spare, w)
        for fd in (spare, other_r, other_w):
            os.close(fd)


def test_patched_worker_code_retires_the_worker(monkeypatch):
    r, w = os.pipe()
    namespace = {"send": print}
    g = gf_worker.CallGuard((sys.stdout, sys.stderr), (r, w), namespace)
    namespace["send"] = repr
    assert "patched" in g.after_call()
    namespace["send"] = print
    monkeypatch.setattr(os, "write", lambda fd, data: len(data))
    assert "patched" in g.after_call()
    monkeypatch.undo()
    assert g.after_call() is None
    os.close(r)
    os.close(w)


def test_requests_nested_too_deep_or_not_utf8_are_answered_by_call_id():
    deep = b'{"id":7,"p":"P","f":"f","k":{"v":' + b"[" * 996 + b"]" * 996 + b"}}"
    call_id, request, err = gf_worker._parse(deep)
    assert (call_id, request, err["kind"]) == (7, None, "unreadable_request")
    assert "nested" in err["message"]
    call_id, request, err = gf_worker._parse(b'{"id":8,"p":"\xff"}')
    assert (call_id, err["kind"]) == (8, "unreadable_request")


def test_unprintable_things_have_a_text():
    class Bad(Exception):
        def __str__(self):
            raise RuntimeError("no")

    assert gf_worker._safe_text(Bad()) == "<unprintable Bad>"
    err = gf_worker._error("raised", Bad())
    assert err["message"] == "<unprintable Bad>"
    assert gf_worker._encode_error({"kind": "raised", "message": "\ud800"}).startswith(b"{")


def test_threads_of_an_import_and_idle_executor_workers_belong_to_the_library(guard):
    from concurrent.futures import ThreadPoolExecutor

    stop = threading.Event()
    started_by_import = threading.Thread(target=stop.wait)
    started_by_import.start()
    guard.accept_threads()
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        assert pool.submit(lambda: 42).result() == 42
        assert guard.after_call() is None
    finally:
        pool.shutdown()
        stop.set()
        started_by_import.join()


def test_what_could_strike_after_the_answer_is_settled_before_it(guard):
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    signal.signal(signal.SIGALRM, lambda *_: None)
    signal.alarm(30)
    sys.setrecursionlimit(sys.getrecursionlimit() + 5)
    t.start()
    try:
        assert "thread" in guard.before_answer()
        assert signal.alarm(0) == 0
        assert sys.getrecursionlimit() == guard.recursion_limit
    finally:
        stop.set()
        t.join()
        signal.signal(signal.SIGALRM, guard.handlers[signal.SIGALRM])
    assert guard.before_answer() is None


def test_state_that_cannot_be_restored_retires_after_the_answer_without_raising(tmp_path):
    home, gone = os.getcwd(), tmp_path / "gone"
    gone.mkdir()
    os.chdir(gone)
    r, w = os.pipe()
    try:
        g = gf_worker.CallGuard((sys.stdout, sys.stderr), (r, w), {})
        os.chdir(home)
        gone.rmdir()  # the worker's own folder, removed by a call: it cannot go back there
        assert "cannot restore" in g.after_answer()
    finally:
        os.chdir(home)
        os.close(r)
        os.close(w)


def read_answer(fd):
    head = b""
    while len(head) < 13:
        chunk = os.read(fd, 13 - len(head))
        if not chunk:
            return None
        head += chunk
    length, status, call_id = struct.unpack(">IBQ", head)
    payload = b""
    while len(payload) < length - 9:
        payload += os.read(fd, length - 9 - len(payload))
    return status, call_id, payload


def test_a_real_worker_answers_first_then_says_it_retires(tmp_path):
    library, work = tmp_path / "lib", tmp_path / "work"
    (library / "P").mkdir(parents=True)
    work.mkdir()
    (library / "P" / "rm.py").write_text(
        "import os\nimport shutil\n\n\ndef rm():\n    shutil.rmtree(os.getcwd())\n    return 1\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-B", gf_worker.__file__, str(library)],
        cwd=work,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        out = proc.stdout.fileno()
        assert read_answer(out)[0] == gf_worker.STATUS_READY
        for call_id in (7, 8):  # 8 is written ahead: it must not run in what 7 left behind
            body = json.dumps({"id": call_id, "p": "P", "f": "rm"}).encode()
            proc.stdin.write(struct.pack(">I", len(body)) + body)
        proc.stdin.flush()
        assert read_answer(out) == (gf_worker.STATUS_OK, 7, b"1")
        assert read_answer(out) == (gf_worker.STATUS_RETIRING, 7, b"")
        assert read_answer(out) is None
        assert proc.wait(timeout=30) == 0
        assert b"cannot restore" in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
