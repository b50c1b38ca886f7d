"""Discovery through the operator's registry in a real Redis, map over every endpoint (a runtime
killed mid-way included), and durable batches."""

from __future__ import annotations

import itertools
import re
import socket
import urllib.request

import globalfunc
import pytest
import redis as redis_lib

SPACE = "sp_GlobalFunc"
NAMESPACE = "gf-test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def register(r, runtime_url, pod, release="globalfunc", worker="w"):
    """One Ready pod exactly as the operator's EndpointRegistry.sync writes it (keys spelled
    here by hand on purpose: the client's own spelling is what is under test)."""
    host, port = runtime_url.removeprefix("http://").split(":")
    fields = {
        "namespace": NAMESPACE,
        "pod": pod,
        "worker": worker,
        "identity": pod,
        "host": host,
        "port": port,
        "podIP": host,
        "node": "node-1",
        "release": release,
        "commit": "",
        "version": "v101",
        "url": "http://%s:%s/gfgo/" % (host, port),
    }
    key = "%s.~endpoints.%s/%s" % (SPACE, NAMESPACE, pod)
    r.hset(key, mapping=fields)
    r.expire(key, 90)
    r.sadd("%s.~workers.%s/%s" % (SPACE, NAMESPACE, worker), pod)
    r.sadd("%s.~endpoints" % SPACE, "%s/%s" % (NAMESPACE, pod))


def deregister(r, pod, worker="w"):
    r.delete("%s.~endpoints.%s/%s" % (SPACE, NAMESPACE, pod))
    r.srem("%s.~workers.%s/%s" % (SPACE, NAMESPACE, worker), pod)
    r.srem("%s.~endpoints" % SPACE, "%s/%s" % (NAMESPACE, pod))


@pytest.fixture
def registry(redis_url, pair):
    r = redis_lib.Redis.from_url(redis_url, decode_responses=True)
    for key in r.scan_iter("%s.~*" % SPACE):
        r.delete(key)
    register(r, pair[0].url, "w-v101-1g-0g-26000")
    register(r, pair[1].url, "w-v101-1g-0g-26001")
    # another release's pod, and an index member whose hash expired: neither is used
    register(r, "http://127.0.0.1:%d" % free_port(), "x-v1-1g-0g-26000", release="other")
    r.sadd("%s.~endpoints" % SPACE, "%s/gone-v101-1g-0g-26002" % NAMESPACE)
    yield r
    r.close()


def calls_served(runtime, function):
    with urllib.request.urlopen(runtime.url + "/q/metrics", timeout=10) as resp:
        text = resp.read().decode()
    pattern = r'^gf_calls_seconds_count\{[^}]*function="%s"[^}]*\} ([0-9.]+)' % re.escape(function)
    return sum(float(m) for m in re.findall(pattern, text, re.M))


def test_discovery_spreads_calls_over_the_release(registry, redis_url, pair):
    before = [calls_served(rt, "Probe.add") for rt in pair]
    with globalfunc.connect(redis=redis_url, space=SPACE, release="globalfunc") as gf:
        assert sorted(gf.endpoints()) == sorted(rt.url for rt in pair)
        assert [gf.Probe.add(i, 1) for i in range(40)] == [i + 1 for i in range(40)]
    after = [calls_served(rt, "Probe.add") for rt in pair]
    assert all(a - b >= 10 for a, b in zip(after, before)), (before, after)


def test_discovery_drops_refusing_endpoints_and_refreshes(registry, redis_url, pair):
    dead = "http://127.0.0.1:%d" % free_port()
    register(registry, dead, "w-v101-1g-0g-26003")
    with globalfunc.connect(redis=redis_url, release="globalfunc", refresh_interval=0.2) as gf:
        assert dead in gf.endpoints()
        assert [gf.Probe.add(i, 2) for i in range(10)] == [i + 2 for i in range(10)]
        assert dead not in gf.endpoints()  # refused a connection: set aside
        deregister(registry, "w-v101-1g-0g-26001")
        gf.refresh()
        assert gf.endpoints() == [pair[0].url]
        register(registry, pair[1].url, "w-v101-1g-0g-26001")
        gf.refresh()
        assert sorted(gf.endpoints()) == sorted(rt.url for rt in pair)


def test_no_endpoint_is_a_clear_error(redis_url):
    with globalfunc.connect(
        redis=redis_url, release="nothing-here", retry=globalfunc.NO_RETRY
    ) as gf:
        with pytest.raises(globalfunc.NoEndpoints, match="no endpoint registered"):
            gf.Probe.add(1, 1)


def test_map_in_order_with_errors_in_place(pair):
    with globalfunc.connect([rt.url for rt in pair]) as gf:
        items = [{"x": i} for i in range(3000)]
        assert list(gf.map("Probe.square", items, chunk_size=128)) == [i * i for i in range(3000)]
        unordered = list(gf.map("Probe.square", items, chunk_size=128, ordered=False))
        assert sorted(unordered) == [i * i for i in range(3000)]

        mixed = [{"values": [1, 3]}, {"values": []}, {"nope": 1}, [1, 2], {"values": [2]}]
        out = list(gf.map("Util.mean", mixed))
        assert out[0] == 2.0 and out[4] == 2.0
        assert (
            isinstance(out[1], globalfunc.FunctionRaised) and out[1].exception_type == "ValueError"
        )
        assert isinstance(out[2], globalfunc.BadArguments)
        assert isinstance(out[3], globalfunc.InvalidRequest)
        envelopes = list(gf.map("Util.mean", mixed, errors="envelope"))
        assert envelopes[0]["ok"] is True and envelopes[0]["result"] == 2.0
        assert envelopes[1]["ok"] is False
        # Each envelope says what answered (provenance): the three-tier name and the file's hash.
        assert envelopes[0]["function"].endswith(".mean") and len(envelopes[0]["hash"]) == 32
        assert envelopes[1]["problem"]["type"].endswith("/function-raised")
        with pytest.raises(globalfunc.FunctionRaised):
            list(gf.map("Util.mean", mixed, errors="raise"))
        with pytest.raises(globalfunc.UnknownFunction):
            list(gf.map("Util.median", items))


def test_map_reads_its_input_lazily(pair):
    consumed = itertools.count()

    def endless():
        for i in itertools.count():
            next(consumed)
            yield {"x": i}

    with globalfunc.connect([rt.url for rt in pair]) as gf:
        results = gf.map("Probe.square", endless(), chunk_size=100, max_in_flight=3)
        first = list(itertools.islice(results, 250))
        assert first == [i * i for i in range(250)]
        results.close()
    assert next(consumed) <= 100 * (3 + 3)  # the window, not the (endless) input


def test_map_survives_a_runtime_killed_mid_way(runtimes, pair):
    """20,000 items over two runtimes; one is killed while it runs chunks of the map: every
    result comes back once, in order."""
    victim = runtimes.start("victim")
    with globalfunc.connect(victim.url) as first:
        assert first.Probe.square(x=3) == 9  # the runtime's pool gauges appear after a call
    assert busy_workers(victim) == 0
    lost = []
    retry = globalfunc.Retry(attempts=20, on_retry=lambda e, n, d: lost.append(type(e)))
    n = 20_000
    with globalfunc.connect([pair[0].url, victim.url], retry=retry) as gf:
        out = []
        # 1 ms per item: a chunk runs long enough on a runtime to be cut off by the kill
        items = ({"seconds": 0.001, "value": i} for i in range(n))
        killed_at = None
        for i, result in enumerate(gf.map("Probe.sleep", items, chunk_size=250)):
            out.append(result)
            if killed_at is None and i >= 2_000 and i % 50 == 0 and cutting(gf, victim):
                victim.kill()  # its Python workers are running items of an unanswered chunk
                killed_at = i
    assert killed_at is not None and killed_at < n // 2
    assert out == list(range(n))
    # the broken chunk is sent again to the other runtime (and later ones are refused there)
    assert globalfunc.EndpointLost in lost
    assert set(lost) <= {globalfunc.EndpointLost, globalfunc.NoEndpoints}


def cutting(gf, runtime):
    """True while this client waits for a chunk the runtime's workers are running."""

    def waiting():
        return any(e.outstanding > 0 for e in gf._pool._endpoints if e.url == runtime.url)

    return waiting() and busy_workers(runtime) > 0 and waiting()


def busy_workers(runtime):
    """Python workers running a call now (the runtime's gf_pool_busy gauge)."""
    with urllib.request.urlopen(runtime.url + "/q/metrics", timeout=10) as resp:
        text = resp.read().decode()
    found = re.findall(r"^gf_pool_busy(?:\{[^}]*\})? ([0-9.]+)", text, re.M)
    assert found, "no gf_pool_busy gauge"
    return sum(float(v) for v in found)


def test_durable_batch(pair):
    with globalfunc.connect([rt.url for rt in pair]) as gf:
        items = [{"values": [i, i + 2]} for i in range(500)] + [{"values": []}]
        batch = gf.batch("Util.mean", items)
        assert batch.total == 501
        done = batch.wait(timeout=120)
        assert done.complete and done.total == 501 and done.failed == 1
        results = list(batch.results())
        assert results[:500] == [i + 1.0 for i in range(500)]
        assert isinstance(results[500], globalfunc.FunctionRaised)
        again = gf.get_batch(batch.id)
        assert again.progress().done == 500 and list(again.results(errors="envelope"))[0]["ok"]
        with pytest.raises(globalfunc.UnknownFunction, match="did you mean Util.mean"):
            gf.batch("Util.maen", items)
