"""Schema derivation: every annotation form, defaults, *args/**kwargs and each docstring style."""

import ast
import json
import pathlib
import subprocess
import sys

import gf_schema
import pytest

RESOURCES = pathlib.Path(gf_schema.__file__).parent


def schema_of(source, function="f"):
    """The derived schema of `function` in `source`, as the introspection script answers it."""
    out = subprocess.run(
        [sys.executable, "-I", "-B", str(RESOURCES / "gf_introspect.py")],
        input=json.dumps([{"path": "P/%s.py" % function, "function": function, "source": source}]),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)[0]["schema"]


def prop(annotation):
    return gf_schema.annotation_schema(ast.parse(annotation, mode="eval").body)


@pytest.mark.parametrize(
    "annotation, expected",
    [
        ("int", {"type": "integer"}),
        ("float", {"type": "number"}),
        ("str", {"type": "string"}),
        ("bool", {"type": "boolean"}),
        ("None", {"type": "null"}),
        ("list", {"type": "array"}),
        ("list[int]", {"type": "array", "items": {"type": "integer"}}),
        ("List[str]", {"type": "array", "items": {"type": "string"}}),
        ("typing.List[float]", {"type": "array", "items": {"type": "number"}}),
        ("dict", {"type": "object"}),
        ("dict[str, int]", {"type": "object", "additionalProperties": {"type": "integer"}}),
        (
            "Dict[str, list[str]]",
            {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        ),
        ("Optional[int]", {"anyOf": [{"type": "integer"}, {"type": "null"}]}),
        ("int | None", {"anyOf": [{"type": "integer"}, {"type": "null"}]}),
        ("Union[int, str]", {"anyOf": [{"type": "integer"}, {"type": "string"}]}),
        (
            "int | str | None",
            {"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]},
        ),
        ("Literal['a', 'b', 3]", {"enum": ["a", "b", 3]}),
        ("Literal['only']", {"const": "only"}),
        ("tuple", {"type": "array"}),
        ("tuple[int, ...]", {"type": "array", "items": {"type": "integer"}}),
        (
            "Tuple[int, str]",
            {
                "type": "array",
                "prefixItems": [{"type": "integer"}, {"type": "string"}],
                "items": False,
                "minItems": 2,
                "maxItems": 2,
            },
        ),
        ("Any", {}),
        ("typing.Any", {}),
        ("'int'", {"type": "integer"}),
        ("Annotated[int, 'meta']", {"type": "integer"}),
    ],
)
def test_every_annotation_form_maps_to_its_schema(annotation, expected):
    assert prop(annotation) == expected


def test_unknown_names_are_unconstrained_and_say_so():
    assert prop("pandas.DataFrame") == {
        "description": "Python type `pandas.DataFrame`: not constrained by this schema"
    }
    assert prop("Optional[Foo]") == {
        "description": "Python type `Foo`: not constrained by this schema"
    }
    assert prop("list[Foo]")["items"]["description"].startswith("Python type `Foo`")
    assert "keys are `int`" in prop("dict[int, str]")["description"]


def test_signature_defaults_required_and_extras():
    s = schema_of(
        "def f(a: int, b: float = 1.5, c=None, d=(1, 'x'), e=float('inf'),\n"
        "      *rest, k: str, **extra: int) -> bool:\n"
        "    pass\n"
    )
    inp = s["input"]
    assert inp["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert inp["type"] == "object"
    assert inp["required"] == ["a", "k"]
    assert inp["properties"]["a"] == {"type": "integer"}
    assert inp["properties"]["b"] == {"type": "number", "default": 1.5}
    assert inp["properties"]["c"] == {"default": None}
    assert inp["properties"]["d"] == {"default": [1, "x"]}
    # a default JSON cannot hold is described, not given as `default`
    assert inp["properties"]["e"] == {"description": "default: `float('inf')`"}
    assert inp["additionalProperties"] == {"type": "integer"}
    assert "*rest" in inp["description"]
    assert s["output"] == {"$schema": gf_schema.DRAFT, "type": "boolean"}


def test_a_none_default_makes_the_type_nullable():
    props = schema_of(
        "def f(a: list = None, b: int | None = None, c: Literal['x'] = None): pass\n"
    )["input"]["properties"]
    assert props["a"] == {"anyOf": [{"type": "array"}, {"type": "null"}], "default": None}
    assert props["b"] == {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": None}
    assert props["c"] == {"anyOf": [{"const": "x"}, {"type": "null"}], "default": None}


def test_without_kwargs_extra_properties_are_refused_and_positional_only_is_noted():
    s = schema_of("def f(a, /, b=2, *args):\n    pass\n")["input"]
    assert s["additionalProperties"] is False
    assert list(s["properties"]) == ["b"]
    assert "`a` is positional-only" in s["description"]
    assert "required" not in s
    assert schema_of("def f(**kw):\n    pass\n")["input"]["additionalProperties"] is True


def test_classes_take_init_arguments_and_bindings_take_anything():
    s = schema_of(
        'class f:\n    """A point.\n\n    Args:\n        x (int): across\n    """\n'
        "    def __init__(self, x: int, y: int = 0):\n        pass\n"
    )
    assert s["input"]["required"] == ["x"]
    assert s["input"]["properties"]["x"] == {"type": "integer", "description": "across"}
    assert s["output"] is None
    bound = schema_of("from os.path import join as f\n")["input"]
    assert bound["additionalProperties"] is True
    assert "signature unknown" in bound["description"]


GOOGLE = '''def f(time_str: str, bias_hours: int = 0):
    """Time string to timestamp.

    Longer words.

    Args:
        time_str (str): The time, "%Y-%m-%d %H:%M:%S".
        bias_hours: Hours to add,
            may be negative.

    Returns:
        int: Seconds since the epoch.

    Raises:
        ValueError: on a bad string.
    """
'''

GOOGLE_ZH = '''def f(time_str: str, bias_hours: int = 0) -> int:
    """时间字符串转时间戳。

    参数：
        time_str (str)：时间字符串
        bias_hours：时区偏移（小时），
            可以为负。

    返回：
        时间戳（秒）
    """
'''

NUMPY = '''def f(time_str, bias_hours=0, x=None, y=None) -> int:
    """Time string to timestamp.

    Parameters
    ----------
    time_str : str
        The time.
    bias_hours : int, optional
        Hours to add.
    x, y : float
        Both coordinates.

    Returns
    -------
    int
        Seconds since the epoch.
    """
'''

NUMPY_ZH = '''def f(time_str, bias_hours=0) -> int:
    """时间字符串转时间戳。

    参数
    ----
    time_str : str
        时间字符串
    bias_hours : int
        时区偏移（小时）

    返回
    ----
    int
        时间戳
    """
'''

REST = '''def f(time_str, bias_hours=0) -> int:
    """Time string to timestamp.

    :param time_str: The time,
        as text.
    :param int bias_hours: Hours to add.
    :type time_str: str
    :returns: Seconds since the epoch.
    :rtype: int
    """
'''

REST_ZH = '''def f(time_str, bias_hours=0) -> int:
    """时间字符串转时间戳。

    :param time_str: 时间字符串
    :param bias_hours: 时区偏移（小时）
    :return: 时间戳
    """
'''


@pytest.mark.parametrize(
    "source, summary, time_str, bias_hours, returns",
    [
        (
            GOOGLE,
            "Time string to timestamp.\n\nLonger words.",
            'The time, "%Y-%m-%d %H:%M:%S".',
            "Hours to add, may be negative.",
            None,
        ),
        (
            GOOGLE_ZH,
            "时间字符串转时间戳。",
            "时间字符串",
            "时区偏移（小时）， 可以为负。",
            "时间戳（秒）",
        ),
        (
            NUMPY,
            "Time string to timestamp.",
            "The time.",
            "Hours to add.",
            "Seconds since the epoch.",
        ),
        (NUMPY_ZH, "时间字符串转时间戳。", "时间字符串", "时区偏移（小时）", "时间戳"),
        (
            REST,
            "Time string to timestamp.",
            "The time, as text.",
            "Hours to add.",
            "Seconds since the epoch.",
        ),
        (REST_ZH, "时间字符串转时间戳。", "时间字符串", "时区偏移（小时）", "时间戳"),
    ],
    ids=["google", "google-zh", "numpy", "numpy-zh", "rest", "rest-zh"],
)
def test_docstring_styles_describe_parameters_and_result(
    source, summary, time_str, bias_hours, returns
):
    s = schema_of(source)
    assert s["input"]["description"] == summary
    props = s["input"]["properties"]
    assert props["time_str"]["description"] == time_str
    assert props["bias_hours"]["description"] == bias_hours
    if returns is not None:
        assert s["output"]["description"] == returns
        assert s["output"]["type"] == "integer"


def test_numpy_lists_several_names_on_one_line():
    props = schema_of(NUMPY)["input"]["properties"]
    assert props["x"]["description"] == props["y"]["description"] == "Both coordinates."


def test_google_returns_drop_the_type_prefix():
    parsed = gf_schema.parse_docstring(GOOGLE.split('"""')[1])
    assert parsed["returns"] == "Seconds since the epoch."
    assert "ValueError" not in json.dumps(parsed["params"])


def test_every_schema_is_valid_draft_2020_12():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator
    for source in (GOOGLE, GOOGLE_ZH, NUMPY, NUMPY_ZH, REST, REST_ZH):
        s = schema_of(source)
        validator.check_schema(s["input"])
        validator.check_schema(s["output"] if s["output"] else {})
    rich = schema_of(
        "from typing import Literal, Optional\n"
        "def f(a: list[int], b: dict[str, float] | None = None, c: Literal['x', 'y'] = 'x',"
        " d: tuple[int, str] = (1, 'a'), e: Optional[tuple[int, ...]] = None, **kw): pass\n"
    )["input"]
    validator.check_schema(rich)
    validator(rich).validate({"a": [1, 2], "b": {"k": 1.5}, "c": "y", "d": [2, "b"], "z": 1})
    with pytest.raises(jsonschema.ValidationError):
        validator(rich).validate({"a": ["no"]})
