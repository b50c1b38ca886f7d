"""Provenance from Python against real runtimes: ``answer()`` equals the runtime's ``GF-*``
headers, map answers carry it per item, ref calls to a runtime serving a real Git repository
name their commit, a pure function's memo hit is marked, and local mode says what it knows."""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import urllib.request

import globalfunc
import globalfunc.aio
import pytest
from globalfunc import Answer, Provenance

ADD = "def add(a, b):\n    return a + b%s\n"
TWICE = "__gf_pure__ = True\n\n\ndef twice(x):\n    return 2 * x\n"


def git(repo, *args):
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def commit_file(repo, path, text, message):
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text)
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def versioned(runtimes, session_tmp):
    """A runtime serving a Git repository (branches master and dev, any ref allowed): its URL
    and the commit of each branch."""
    repo = session_tmp / "versioned-repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "master")
    commit_file(repo, "Calc/twice.py", TWICE, "pure")
    master = commit_file(repo, "Calc/add.py", ADD % "", "add")
    git(repo, "checkout", "-q", "-b", "dev")
    dev = commit_file(repo, "Calc/add.py", ADD % " + 100", "dev adds 100")
    git(repo, "checkout", "-q", "master")
    rt = runtimes.start(
        "versioned",
        GF_REPOSITORY_URL=repo.as_uri(),
        GF_BRANCH="master",
        GF_REFS="*",
        GF_PYTHON_WORKERS="1",
    )
    return rt, {"master": master, "dev": dev}


def headers_of(url, name, body):
    request = urllib.request.Request(
        url + "/gfgo/",
        data=('{"pack_func": "%s", "kwargs": %s}' % (name, body)).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as r:
        return {k: v for k, v in r.headers.items() if k.lower().startswith("gf-")}


def test_answer_is_the_runtimes_headers(pair, library):
    with globalfunc.connect([rt.url for rt in pair]) as gf:
        answer = gf.answer("Util.mean", values=[1, 2])
        assert isinstance(answer, Answer) and answer.result == 1.5
        assert gf.call("Util.mean", values=[1, 2]) == 1.5  # call() is unchanged
        p = answer.provenance
        # what a runtime sends for the same call, read without the client
        raw = headers_of(pair[0].url, "Util.mean", '{"values": [1, 2]}')
        assert raw == {
            "GF-Function": "sp_GlobalFunc.Util_local.mean",
            "GF-Function-Hash": p.hash,
            "GF-Worker": "a",
        }
        assert p.function == "sp_GlobalFunc.Util_local.mean" and p.worker in ("a", "b")
        assert p.commit is None and p.cache is None and not p.cached  # a folder: no commit
        md5 = hashlib.md5((library / "Util" / "mean.py").read_bytes()).hexdigest()
        assert p.hash == md5 == gf.describe("Util.mean")["hash"]
        # both runtimes answer, each in its own name; the attribute form has answer() too
        workers = {gf.Probe.add.answer(i, 1).provenance.worker for i in range(20)}
        assert workers == {"a", "b"}
        # a failed call's exception says what raised it
        with pytest.raises(globalfunc.FunctionRaised) as raised:
            gf.call("Util.mean", values=[])
        assert raised.value.provenance is not None and raised.value.provenance.hash == md5


def test_map_answers_carry_provenance_per_item(pair):
    with globalfunc.connect([rt.url for rt in pair]) as gf:
        items = [{"x": i} for i in range(40)] + [{"y": 1}]
        answers = list(gf.map("Probe.square", items, chunk_size=5, provenance=True))
        assert [a.result for a in answers[:40]] == [i * i for i in range(40)]
        assert {a.provenance.worker for a in answers} == {"a", "b"}  # chunks spread over both
        assert {a.provenance.function for a in answers} == {"sp_GlobalFunc.Probe_local.square"}
        assert {a.provenance.hash for a in answers} == {gf.describe("Probe.square")["hash"]}
        failed = answers[40]
        assert isinstance(failed.result, globalfunc.BadArguments)
        assert failed.result.provenance == failed.provenance
        assert list(gf.map("Probe.square", [{"x": 3}])) == [9]  # without the option: results
        with pytest.raises(ValueError, match="already carry"):
            gf.map("Probe.square", items, errors="envelope", provenance=True)


def test_batch_results_carry_provenance(pair):
    with globalfunc.connect([rt.url for rt in pair]) as gf:
        batch = gf.batch("Probe.square", [{"x": i} for i in range(6)])
        answers = list(batch.results(provenance=True, timeout=60))
        assert [a.result for a in answers] == [i * i for i in range(6)]
        assert {a.provenance.function for a in answers} == {"sp_GlobalFunc.Probe_local.square"}
        assert {a.provenance.worker for a in answers} <= {"a", "b"}


def test_ref_calls_name_their_commit(versioned):
    rt, commits = versioned
    with globalfunc.connect(rt.url) as gf:
        head = gf.answer("Calc.add", 1, 2)
        dev = gf.answer("Calc@dev.add", 1, 2)
        pinned = gf.answer("Calc@%s.add" % commits["master"][:10], 1, 2)
        assert (head.result, dev.result, pinned.result) == (3, 103, 3)
        assert head.provenance == Provenance(
            function="sp_GlobalFunc.Calc_master.add",
            commit=commits["master"],
            hash=hashlib.md5((ADD % "").encode()).hexdigest(),
            worker="versioned",
        )
        assert dev.provenance == Provenance(
            function="sp_GlobalFunc.Calc_dev.add",
            commit=commits["dev"],
            hash=hashlib.md5((ADD % " + 100").encode()).hexdigest(),
            worker="versioned",
        )
        assert pinned.provenance.commit == commits["master"]
        assert pinned.provenance.function == "sp_GlobalFunc.Calc_%s.add" % commits["master"][:10]
        mapped = list(gf.map("Calc@dev.add", [{"a": 1, "b": 1}] * 3, provenance=True))
        assert [(a.result, a.provenance) for a in mapped] == [(102, dev.provenance)] * 3


def test_a_memo_hit_is_marked(versioned):
    rt, _ = versioned
    with globalfunc.connect(rt.url) as gf:
        first = gf.answer("Calc.twice", 21)
        again = gf.answer("Calc.twice", 21)
        assert (first.result, again.result) == (42, 42)
        assert (first.provenance.cache, again.provenance.cache) == ("miss", "hit")
        assert again.provenance.cached and not first.provenance.cached


def test_async_answer_and_map(pair):
    async def main():
        async with globalfunc.aio.connect([rt.url for rt in pair]) as gf:
            one = await gf.answer("Probe.add", 2, 3)
            many = [a async for a in gf.map("Probe.square", [{"x": 2}] * 4, provenance=True)]
            return one, many

    one, many = asyncio.run(main())
    assert one.result == 5 and one.provenance.worker in ("a", "b")
    assert one.provenance.function == "sp_GlobalFunc.Probe_local.add"
    assert [a.result for a in many] == [4] * 4
    assert all(a.provenance.function == "sp_GlobalFunc.Probe_local.square" for a in many)


def test_local_mode_says_what_it_knows(library):
    lib = globalfunc.local(library)
    md5 = hashlib.md5((library / "Util" / "mean.py").read_bytes()).hexdigest()
    expected = Provenance("sp_GlobalFunc.Util_local.mean", None, md5, "local")
    assert lib.answer("Util.mean", values=[1, 3]) == Answer(2.0, expected)
    assert lib.Util.mean.answer(values=[1, 3]).provenance == expected
    mapped = list(lib.map("Util.mean", [{"values": [2]}, {"values": []}], provenance=True))
    assert mapped[0] == Answer(2.0, expected) and mapped[1].provenance == expected
    assert isinstance(mapped[1].result, globalfunc.FunctionRaised)
    assert mapped[1].result.provenance == expected
