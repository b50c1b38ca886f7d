"""Argument binding, failures and results of Worker.call against a real library folder."""

import json
import sys

import gf_worker
import pytest

LIBRARY = {
    "Base/__init__.py": "",
    "Base/add.py": "def add(a, b=1, *, scale=1):\n    return (a + b) * scale\n",
    "Base/boom.py": "def boom():\n    raise ValueError('no way')\n",
    "Base/inner.py": "def inner(x):\n    return len(x)\n",
    "Base/shape.py": "def shape():\n    return {1, 2}\n",
    "Base/nan.py": "def nan():\n    return float('nan')\n",
    "Base/notfn.py": "notfn = 3\n",
    "Base/broken.py": "raise ImportError('cannot load')\n",
    "Base/leave.py": "import sys\n\ndef leave():\n    sys.exit(3)\n",
    "Base/text.py": "def text():\n    return '中文'\n",
}


def forget_base():
    """Drops any `Base` package an earlier suite in this pytest process imported."""
    for name in [m for m in sys.modules if m == "Base" or m.startswith("Base.")]:
        del sys.modules[name]


@pytest.fixture
def worker(tmp_path, monkeypatch):
    for path, source in LIBRARY.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    forget_base()
    yield gf_worker.Worker(str(tmp_path))
    forget_base()


def call(worker, function, a=None, k=None):
    return worker.call({"id": 1, "p": "Base", "f": function, "a": a, "k": k})


def test_positional_and_keyword_arguments_bind(worker):
    assert call(worker, "add", [2], {"scale": 3}) == (gf_worker.STATUS_OK, b"9")
    assert call(worker, "add", None, {"a": 1, "b": 2}) == (gf_worker.STATUS_OK, b"3")


@pytest.mark.parametrize(
    "a,k",
    [
        (None, None),  # missing a
        ([1, 2, 3], None),  # too many positionals
        ([1], {"nope": 1}),  # unknown keyword
        ([1], {"a": 2}),  # a given twice
    ],
)
def test_arguments_that_do_not_bind_are_bad_arguments_without_traceback(worker, a, k):
    status, err = call(worker, "add", a, k)
    assert status == gf_worker.STATUS_ERROR
    assert err["kind"] == "bad_arguments"
    assert err["type"] == "TypeError"
    assert "traceback" not in err


def test_a_type_error_inside_the_function_is_raised_not_bad_arguments(worker):
    status, err = call(worker, "inner", [5])
    assert status == gf_worker.STATUS_ERROR
    assert err["kind"] == "raised"
    assert err["type"] == "TypeError"
    assert "inner.py" in err["traceback"]


def test_an_exception_is_raised_with_its_traceback(worker):
    status, err = call(worker, "boom")
    assert (status, err["kind"], err["type"], err["message"]) == (
        gf_worker.STATUS_ERROR,
        "raised",
        "ValueError",
        "no way",
    )
    assert "Traceback" in err["traceback"]


def test_sys_exit_is_the_functions_failure_and_the_worker_lives_on(worker):
    status, err = call(worker, "leave")
    assert err["type"] == "SystemExit"
    assert call(worker, "add", [1]) == (gf_worker.STATUS_OK, b"2")


def test_a_module_without_its_callable_is_not_callable(worker):
    status, err = call(worker, "notfn")
    assert (status, err["kind"]) == (gf_worker.STATUS_ERROR, "not_callable")


def test_a_module_that_fails_to_import_raised(worker):
    status, err = call(worker, "broken")
    assert (err["kind"], err["type"]) == ("raised", "ImportError")


@pytest.mark.parametrize("function", ["shape", "nan"])
def test_results_json_cannot_hold_are_not_serializable(worker, function):
    status, err = call(worker, function)
    assert (status, err["kind"]) == (gf_worker.STATUS_ERROR, "not_serializable")
    assert "is not JSON-serialisable" in err["message"]


def test_results_are_compact_utf8_json(worker):
    status, payload = call(worker, "text")
    assert status == gf_worker.STATUS_OK
    assert json.loads(payload.decode("utf-8")) == "中文"
    assert payload == '"中文"'.encode()


def test_functions_are_resolved_once(worker):
    call(worker, "add", [1])
    assert ("Base", "add") in worker.functions
    assert worker.resolve("Base", "add") is worker.functions[("Base", "add")]


def test_binding_error_checks_with_inspect():
    def f(a, *, b):
        return a

    assert gf_worker._binding_error(f, (), {})
    assert not gf_worker._binding_error(f, (1,), {"b": 2})
