"""The worker's frame reader and the tagged output streams, on real pipes."""

import os
import struct

import gf_worker
import pytest


def frame(body):
    return struct.pack(">I", len(body)) + body


@pytest.fixture
def pipe():
    r, w = os.pipe()
    yield r, w
    for fd in (r, w):
        try:
            os.close(fd)
        except OSError:
            pass


def test_pipelined_frames_arrive_whole_and_in_order(pipe):
    r, w = pipe
    bodies = [b'{"id":1}', b"", b"x" * 70_000, '{"k":"中文"}'.encode()]
    payload = b"".join(frame(b) for b in bodies)
    pid = os.fork()
    if pid == 0:  # a writer larger than the pipe buffer must not deadlock the reader
        os.close(r)
        gf_worker._write_all(w, payload)
        os._exit(0)
    os.close(w)
    reader = gf_worker._FrameReader(r)
    assert [reader.next_frame() for _ in bodies] == bodies
    assert reader.next_frame() is None
    os.waitpid(pid, 0)


def test_the_busy_bit_of_a_length_is_read_apart_from_the_length(pipe):
    r, w = pipe
    busy = struct.pack(">I", 0x80000000 | 8) + b'{"id":1}'
    os.write(w, busy + frame(b'{"id":2}') + busy)
    reader = gf_worker._FrameReader(r)
    assert (reader.next_frame(), reader.busy) == (b'{"id":1}', True)
    assert (reader.next_frame(), reader.busy) == (b'{"id":2}', False)
    assert (reader.next_frame(), reader.busy) == (b'{"id":1}', True)


def test_a_frame_cut_short_is_the_end_of_the_channel(pipe):
    r, w = pipe
    os.write(w, struct.pack(">I", 10) + b"abc")
    os.close(w)
    assert gf_worker._FrameReader(r).next_frame() is None


def test_a_header_cut_short_is_the_end_of_the_channel(pipe):
    r, w = pipe
    os.write(w, b"\x00\x00")
    os.close(w)
    assert gf_worker._FrameReader(r).next_frame() is None


def read_all(fd):
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks).decode()
        chunks.append(chunk)


def test_tagged_output_prefixes_every_complete_line_with_the_call(pipe):
    r, w = pipe
    out = gf_worker._TaggedStream(w, "stdout")
    out.call_id = 7
    assert out.write("one\ntw") == 6
    out.write("o\n")
    out.call_id = 8
    out.write("partial")
    out.flush()
    os.close(w)
    assert read_all(r) == "[call 7 stdout] one\n[call 7 stdout] two\n[call 8 stdout] partial\n"


def test_tagged_output_refuses_bytes_like_a_text_stream(pipe):
    _, w = pipe
    with pytest.raises(TypeError):
        gf_worker._TaggedStream(w, "stderr").write(b"bytes")


def test_print_goes_through_the_tagged_stream(pipe):
    r, w = pipe
    err = gf_worker._TaggedStream(w, "stderr")
    err.call_id = 3
    print("hello", "world", file=err)
    os.close(w)
    assert read_all(r) == "[call 3 stderr] hello world\n"
    assert not err.isatty() and err.writable() and err.fileno() == w
