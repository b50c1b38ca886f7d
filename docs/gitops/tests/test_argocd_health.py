"""Fixture tests of the Argo CD health checks (Lua) shipped in docs/gitops, run in a real Lua."""

import pathlib

import lupa
import pytest

HERE = pathlib.Path(__file__).resolve().parent.parent


def health(kind, obj):
    """Runs the health script of ``kind`` on ``obj`` as Argo CD does (a global ``obj``)."""
    lua = lupa.LuaRuntime(unpack_returned_tuples=True)
    lua.globals().obj = lua.table_from(obj, recursive=True)
    hs = lua.execute((HERE / f"health-{kind}.lua").read_text(encoding="utf-8"))
    return hs["status"], hs["message"]


def cond(type_, status, reason, message=""):
    return {"type": type_, "status": status, "reason": reason, "message": message}


def obj(generation, observed, *conditions, commit=None):
    status = {"conditions": list(conditions)}
    if observed is not None:
        status["observedGeneration"] = observed
    if commit:
        status["commit"] = commit
    return {"metadata": {"name": "m7", "generation": generation}, "status": status}


WORKER_CASES = [
    ({"metadata": {"name": "m7", "generation": 1}}, "Progressing", "report status"),
    (
        obj(2, 1, cond("Ready", "True", "AllReplicasReady", "3/3 pods ready")),
        "Progressing",
        "observe generation 2",
    ),
    (obj(3, 3, cond("Ready", "True", "AllReplicasReady", "3/3 pods ready")), "Healthy", "3/3"),
    (
        obj(
            1,
            1,
            cond("Ready", "False", "PodCreateRefused", "pods is forbidden: exceeded quota"),
            cond("Degraded", "True", "PodCreateRefused", "pods is forbidden: exceeded quota"),
        ),
        "Degraded",
        "PodCreateRefused: pods is forbidden",
    ),
    (
        obj(
            1,
            1,
            cond("Ready", "False", "InvalidSpec", "ports.from must be <= ports.to"),
            cond("Degraded", "True", "InvalidSpec", "ports.from must be <= ports.to"),
        ),
        "Degraded",
        "InvalidSpec",
    ),
    (
        obj(1, 1, cond("Ready", "False", "ReleaseNotReady", "no resolved commit yet")),
        "Progressing",
        "ReleaseNotReady",
    ),
    (
        obj(
            1,
            1,
            cond("Ready", "True", "AllReplicasReady", "3/3 pods ready"),
            cond("Degraded", "False", "AsExpected"),
            cond("RedisUnavailable", "True", "RedisUnavailable", "registry unreachable"),
        ),
        "Degraded",
        "RedisUnavailable",
    ),
    (obj(1, 1), "Progressing", "Ready condition"),
]


@pytest.mark.parametrize(("worker", "status", "message"), WORKER_CASES)
def test_globalfuncworker_health(worker, status, message):
    got_status, got_message = health("GlobalFuncWorker", worker)
    assert got_status == status
    assert message in got_message


RELEASE_CASES = [
    ({"metadata": {"name": "lib", "generation": 1}, "status": {}}, "Progressing", "report status"),
    (obj(1, 1, cond("Ready", "True", "Resolved"), commit="abc123"), "Healthy", "abc123"),
    (
        obj(1, 1, cond("Ready", "False", "BranchNotFound", "no branch main")),
        "Degraded",
        "BranchNotFound: no branch main",
    ),
    (
        obj(
            1,
            1,
            cond("Ready", "False", "RepositoryUnreachable", "connection refused"),
            cond("Stalled", "False", "RepositoryUnreachable", "connection refused"),
            cond("Reconciling", "True", "RepositoryUnreachable", "retrying: connection refused"),
        ),
        "Progressing",
        "RepositoryUnreachable: retrying: connection refused",
    ),
    (obj(4, 3, cond("Ready", "True", "Resolved")), "Progressing", "generation 4"),
    (obj(1, 1), "Progressing", "Ready condition"),
]


@pytest.mark.parametrize(("release", "status", "message"), RELEASE_CASES)
def test_functionrelease_health(release, status, message):
    got_status, got_message = health("FunctionRelease", release)
    assert got_status == status
    assert message in got_message


def test_the_gitops_page_ships_the_scripts_verbatim():
    page = (HERE.parent / "gitops.md").read_text(encoding="utf-8")
    for kind in ("GlobalFuncWorker", "FunctionRelease"):
        script = (HERE / f"health-{kind}.lua").read_text(encoding="utf-8")
        indented = "\n".join(("    " + line) if line else "" for line in script.splitlines())
        assert indented in page, f"docs/gitops.md must carry health-{kind}.lua as it is"
