"""The endpoint choice, pure: least requests in flight, ties in turn, refusing endpoints aside."""

from __future__ import annotations

from globalfunc.endpoints import EndpointPool, StaticSource

URLS = ["http://a:1", "http://b:1", "http://c:1"]


def test_each_call_goes_to_the_endpoint_with_the_fewest_requests_in_flight():
    pool = EndpointPool(StaticSource(URLS))
    held = [pool.acquire() for _ in range(3)]
    assert sorted(e.url for e in held) == URLS  # one each before any gets a second
    b = next(e for e in held if e.url == "http://b:1")
    for _ in range(5):  # b's call ends: b alone has none in flight, so it gets the next ones
        pool.release(b)
        b = pool.acquire()
        assert b.url == "http://b:1"
    more = [pool.acquire() for _ in range(3)]  # one in flight on each: one more each
    assert sorted(e.url for e in more) == URLS


def test_ties_are_taken_in_turn_and_a_refusing_endpoint_is_set_aside():
    pool = EndpointPool(StaticSource(URLS), down_for=60.0)
    seen = []
    for _ in range(6):
        e = pool.acquire()
        seen.append(e.url)
        pool.release(e)
    assert sorted(seen) == sorted(URLS * 2)  # nothing in flight: every endpoint in turn
    c = next(e for e in pool._endpoints if e.url == "http://c:1")
    pool.mark_down(c)
    for _ in range(4):
        e = pool.acquire()
        assert e.url != "http://c:1"
    assert pool.urls() == ["http://a:1", "http://b:1"]
