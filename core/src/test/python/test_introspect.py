"""The introspector reads signatures and docstrings with ast, never running the code."""

import json
import pathlib
import subprocess
import sys

import gf_introspect


def describe(source, function="f"):
    return gf_introspect.describe("Base/%s.py" % function, function, source)


def test_a_function_with_every_kind_of_parameter():
    d = describe(
        '"""Module."""\n'
        "def f(a, /, b: int = 2, *args, c, d='x', **kw) -> str:\n"
        '    """Does f."""\n'
    )
    assert d["callable"] and d["kind"] == "function" and d["doc"] == "Does f."
    assert d["signature"]["returns"] == "str"
    assert [
        (p["name"], p["kind"], p["default"], p["annotation"]) for p in d["signature"]["parameters"]
    ] == [
        ("a", "POSITIONAL_ONLY", None, None),
        ("b", "POSITIONAL_OR_KEYWORD", "2", "int"),
        ("args", "VAR_POSITIONAL", None, None),
        ("c", "KEYWORD_ONLY", None, None),
        ("d", "KEYWORD_ONLY", "'x'", None),
        ("kw", "VAR_KEYWORD", None, None),
    ]


def test_an_async_function_and_the_module_docstring_as_fallback():
    d = describe('"""Module doc."""\nasync def f():\n    pass\n')
    assert d["kind"] == "async_function"
    assert d["doc"] == "Module doc."


def test_a_class_is_described_by_its_init_without_self():
    d = describe('class f:\n    """A class."""\n    def __init__(self, x, y=1):\n        pass\n')
    assert d["kind"] == "class" and d["doc"] == "A class."
    assert [p["name"] for p in d["signature"]["parameters"]] == ["x", "y"]
    assert d["signature"]["returns"] == "f"


def test_assignments_and_imports_are_bindings_resolved_at_call_time():
    assert describe("from math import sqrt as f\n")["kind"] == "binding"
    assert describe("f = len\n")["kind"] == "binding"
    assert describe("import f\n")["kind"] == "binding"


def test_the_last_top_level_binding_wins():
    d = describe("def f(a):\n    pass\n\nf = print\n")
    assert d["kind"] == "binding"
    d = describe("f = print\n\ndef f(a):\n    pass\n")
    assert d["kind"] == "function"


def test_a_file_without_its_name_is_not_callable():
    d = describe('"""Notes."""\ndef g():\n    pass\n')
    assert not d["callable"] and d["signature"] is None and d["doc"] == "Notes."


def test_a_syntax_error_is_reported_not_raised():
    d = describe("def f(:\n")
    assert not d["callable"]
    assert d["error"].startswith("SyntaxError: ") and "(line 1)" in d["error"]


def test_the_code_is_never_run():
    d = describe("raise SystemExit('ran')\ndef f():\n    pass\n")
    assert d["callable"]


def test_the_script_answers_a_json_list_in_input_order():
    script = pathlib.Path(gf_introspect.__file__)
    items = [
        {"path": "Base/b.py", "function": "b", "source": "def b(x):\n    '''中文'''\n"},
        {"path": "Base/a.py", "function": "a", "source": "x = 1\n"},
    ]
    out = subprocess.run(
        [sys.executable, str(script)],
        input=json.dumps(items).encode(),
        capture_output=True,
        check=True,
    )
    result = json.loads(out.stdout.decode("utf-8"))
    assert [r["path"] for r in result] == ["Base/b.py", "Base/a.py"]
    assert result[0]["doc"] == "中文" and result[0]["callable"]
    assert not result[1]["callable"]
