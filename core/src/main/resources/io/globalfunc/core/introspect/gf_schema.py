"""Derives a JSON Schema (draft 2020-12) of a function's keyword arguments from its ast node.

Annotations are read as source, never evaluated; parameter descriptions come from the docstring
in Google, NumPy or reST style, English or Chinese. The schema documents the call: Python still
binds the arguments and reports its own errors.
"""

import ast
import math
import re

DRAFT = "https://json-schema.org/draft/2020-12/schema"

_SCALARS = {
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "complex": None,
    "str": {"type": "string"},
    "bool": {"type": "boolean"},
    "None": {"type": "null"},
    "NoneType": {"type": "null"},
    "Any": {},
    "object": {},
}
_LISTS = {"list", "List", "Sequence", "MutableSequence", "Iterable", "Collection"}
_DICTS = {"dict", "Dict", "Mapping", "MutableMapping"}
_TUPLES = {"tuple", "Tuple"}
_TRANSPARENT = {"Final", "ClassVar", "Required", "NotRequired", "ReadOnly"}


def _name(node):
    """The last dotted name of `typing.List` / `List` / `t.List`, or None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _unknown(node):
    return {"description": "Python type `%s`: not constrained by this schema" % ast.unparse(node)}


def _any_of(options):
    flat = []
    for o in options:
        flat.extend(o["anyOf"] if set(o) == {"anyOf"} else [o])
    if any(o == {} or "type" not in o and "enum" not in o and "const" not in o for o in flat):
        # One unconstrained branch makes the union unconstrained; keep what it said.
        notes = [o["description"] for o in flat if "description" in o]
        return {"description": "; ".join(notes)} if notes else {}
    return flat[0] if len(flat) == 1 else {"anyOf": flat}


def _literal_value(node):
    try:
        value = ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return None, False
    return _jsonable(value)


def _subscript_args(node):
    inner = node.slice
    return list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]


def annotation_schema(node):
    """The schema of one annotation node; {} (with a description) when it says nothing to JSON."""
    if node is None:
        return {}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:  # a forward reference such as "int" or "list[str]"
            return annotation_schema(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return {"description": "Python type `%s`: not constrained by this schema" % node.value}
    if isinstance(node, ast.Constant) and node.value is None:
        return {"type": "null"}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _any_of([annotation_schema(node.left), annotation_schema(node.right)])
    name = _name(node)
    if name is not None:
        return _named(name, node)
    if isinstance(node, ast.Subscript):
        return _generic(_name(node.value), _subscript_args(node), node)
    return _unknown(node)


def _named(name, node):
    if name in _SCALARS and _SCALARS[name] is not None:
        return dict(_SCALARS[name])
    if name in _LISTS:
        return {"type": "array"}
    if name in _DICTS:
        return {"type": "object"}
    if name in _TUPLES:
        return {"type": "array"}
    return _unknown(node)


def _generic(base, args, node):
    if base in ("Optional",):
        return _any_of([annotation_schema(args[0]), {"type": "null"}])
    if base == "Union":
        return _any_of([annotation_schema(a) for a in args])
    if base == "Literal":
        return _literal(args, node)
    if base == "Annotated" or base in _TRANSPARENT:
        return annotation_schema(args[0])
    if base in _LISTS:
        return {"type": "array", "items": annotation_schema(args[0])}
    if base in _DICTS:
        return _dict(args)
    if base in _TUPLES:
        return _tuple(args)
    return _unknown(node)


def _literal(args, node):
    values = []
    for a in args:
        value, ok = _literal_value(a)
        if not ok:
            return _unknown(node)
        values.append(value)
    return {"const": values[0]} if len(values) == 1 else {"enum": values}


def _dict(args):
    out = {"type": "object"}
    if len(args) == 2:
        key = annotation_schema(args[0])
        if key.get("type") not in (None, "string"):
            out["description"] = "keys are `%s` in Python, strings in JSON" % ast.unparse(args[0])
        out["additionalProperties"] = annotation_schema(args[1])
    return out


def _tuple(args):
    if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
        return {"type": "array", "items": annotation_schema(args[0])}
    if len(args) == 1 and isinstance(args[0], ast.Tuple) and not args[0].elts:
        return {"type": "array", "maxItems": 0}  # tuple[()]
    items = [annotation_schema(a) for a in args]
    return {
        "type": "array",
        "prefixItems": items,
        "items": False,
        "minItems": len(items),
        "maxItems": len(items),
    }


def _jsonable(value):
    """(value as JSON, True) when a Python literal has a faithful JSON form, else (None, False)."""
    if value is None or isinstance(value, (bool, str)):
        return value, True
    if isinstance(value, int):
        return value, True
    if isinstance(value, float):
        return (value, True) if math.isfinite(value) else (None, False)
    if isinstance(value, (list, tuple)):
        out = [_jsonable(v) for v in value]
        return ([v for v, _ in out], True) if all(ok for _, ok in out) else (None, False)
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return None, False
        out = {k: _jsonable(v) for k, v in value.items()}
        if all(ok for _, ok in out.values()):
            return {k: v for k, (v, _) in out.items()}, True
    return None, False


def _property(param, docs):
    schema = annotation_schema(param["node"].annotation)
    described = docs.get(param["name"])
    if described:
        note = schema.get("description")
        schema["description"] = described + (" (%s)" % note if note else "")
    if param["default"] is not None:
        value, ok = _literal_value(param["default"])
        if ok and value is None and _excludes_null(schema):
            # `x: list = None` is the implicit Optional: None is a valid argument.
            schema = _nullable(schema)
        if ok:
            schema["default"] = value
        else:
            extra = "default: `%s`" % ast.unparse(param["default"])
            schema["description"] = (
                schema["description"] + "; " + extra if "description" in schema else extra
            )
    return schema


def _excludes_null(schema):
    if "anyOf" in schema:
        return all(_excludes_null(o) for o in schema["anyOf"])
    if "enum" in schema:
        return None not in schema["enum"]
    if "const" in schema:
        return schema["const"] is not None
    return "type" in schema and schema["type"] != "null"


def _nullable(schema):
    description = schema.pop("description", None)
    options = schema["anyOf"] if set(schema) == {"anyOf"} else [schema]
    out = {"anyOf": options + [{"type": "null"}]}
    if description:
        out["description"] = description
    return out


def derive(params, returns, doc):
    """{"input": schema of the keyword arguments, "output": schema of the result or None}.

    params: [{"name", "kind", "node" (ast.arg), "default" (ast node or None)}] as declared.
    """
    parsed = parse_docstring(doc)
    properties, required, notes = {}, [], []
    extra = False
    for p in params:
        if p["kind"] == "VAR_KEYWORD":
            annotated = p["node"].annotation
            extra = annotation_schema(annotated) if annotated is not None else True
        elif p["kind"] == "VAR_POSITIONAL":
            notes.append("extra positional arguments (*%s) only through /gfgo/ args" % p["name"])
        elif p["kind"] == "POSITIONAL_ONLY":
            if p["default"] is None:
                notes.append("`%s` is positional-only: call through /gfgo/ args" % p["name"])
        else:
            properties[p["name"]] = _property(p, parsed["params"])
            if p["default"] is None:
                required.append(p["name"])
    schema = {"$schema": DRAFT, "type": "object"}
    description = parsed["summary"]
    if notes:
        description = ((description + "\n\n") if description else "") + "; ".join(notes)
    if description:
        schema["description"] = description
    schema["properties"] = properties
    if required:
        schema["required"] = required
    schema["additionalProperties"] = extra
    return {"input": schema, "output": _output(returns, parsed["returns"])}


def _output(returns, described):
    if returns is None:
        return None
    schema = {"$schema": DRAFT}
    schema.update(annotation_schema(returns))
    if described:
        note = schema.get("description")
        schema["description"] = described + (" (%s)" % note if note else "")
    return schema


def unknown_signature(doc):
    """The schema of a callable bound by assignment or import: any keyword arguments."""
    out = {"$schema": DRAFT, "type": "object", "additionalProperties": True}
    summary = parse_docstring(doc)["summary"]
    note = "signature unknown until called (bound by assignment or import)"
    out["description"] = (summary + "\n\n" + note) if summary else note
    return {"input": out, "output": None}


# ---- docstrings -------------------------------------------------------------------------------

_PARAM_HEADERS = {
    "args",
    "arguments",
    "parameters",
    "params",
    "keyword args",
    "keyword arguments",
    "other parameters",
    "参数",
    "参数列表",
    "输入",
    "输入参数",
}
_RETURN_HEADERS = {"returns", "return", "yields", "返回", "返回值", "输出"}
_OTHER_HEADERS = {
    "raises",
    "raise",
    "examples",
    "example",
    "notes",
    "note",
    "see also",
    "references",
    "warnings",
    "warning",
    "attributes",
    "todo",
    "异常",
    "示例",
    "例子",
    "注意",
    "说明",
}
_ALL_HEADERS = _PARAM_HEADERS | _RETURN_HEADERS | _OTHER_HEADERS
_COLON = "[:：]"
_GOOGLE_HEADER = re.compile(r"^\s*([^\s:：].*?)\s*" + _COLON + r"\s*$")
_NUMPY_RULE = re.compile(r"^\s*[-=]{3,}\s*$")
_GOOGLE_ITEM = re.compile(
    r"^(\*{0,2}[^\W\d]\w*)\s*(?:[(（]([^)）]*)[)）])?\s*" + _COLON + r"\s*(.*)$"
)
_NUMPY_ITEM = re.compile(r"^(\*{0,2}[^\W\d]\w*(?:\s*,\s*\*{0,2}[^\W\d]\w*)*)\s*(?:[:：]\s*(.*))?$")
_TYPE = r"[\w.]+(?:\[[^\]]*\])?"
_GOOGLE_RETURN = re.compile(r"^(" + _TYPE + r"(?:\s*\|\s*" + _TYPE + r")*)\s*[:：]\s*(.+)$")
_REST_FIELD = re.compile(r"^\s*:(\w+)((?:\s+[^:]+?)?)\s*:\s*(.*)$")


def parse_docstring(doc):
    """{"summary", "params": {name: text}, "returns": text or None} of a docstring."""
    empty = {"summary": None, "params": {}, "returns": None}
    if not doc:
        return empty
    lines = doc.expandtabs().splitlines()
    if any(_REST_FIELD.match(line) for line in lines):
        return _rest(lines)
    return _sections(lines)


def _header(lines, i):
    """(section name, lines it takes) when lines[i] opens a Google or NumPy section."""
    line = lines[i]
    if i + 1 < len(lines) and _NUMPY_RULE.match(lines[i + 1]) and line.strip():
        name = line.strip().lower()
        if name in _ALL_HEADERS:
            return name, 2
    m = _GOOGLE_HEADER.match(line)
    if m and m.group(1).lower() in _ALL_HEADERS:
        return m.group(1).lower(), 1
    return None, 0


def _sections(lines):
    summary, sections, current = [], {}, None
    i = 0
    while i < len(lines):
        name, taken = _header(lines, i)
        if taken:
            current = name
            sections.setdefault(current, ("numpy" if taken == 2 else "google", []))
            i += taken
            continue
        (summary if current is None else sections[current][1]).append(lines[i])
        i += 1
    params = {}
    returns = None
    for name, (style, body) in sections.items():
        if name in _PARAM_HEADERS:
            params.update(_items(body, style))
        elif name in _RETURN_HEADERS and returns is None:
            returns = _returns_text(body, style)
    return {"summary": _paragraphs(summary), "params": params, "returns": returns}


def _indent(line):
    return len(line) - len(line.lstrip())


def _items(body, style):
    """name -> description of a Google (`x (int): ...`) or NumPy (`x : int` + indented) list."""
    rows = [line for line in body if line.strip()]
    if not rows:
        return {}
    base = min(_indent(r) for r in rows)
    out, names, text = {}, None, []
    for line in rows:
        if _indent(line) == base:
            if names:
                out.update({n: _join(text) for n in names})
            names, text = _item_head(line.strip(), style)
        elif names:
            text.append(line.strip())
    if names:
        out.update({n: _join(text) for n in names})
    return {k: v for k, v in out.items() if v}


def _item_head(text, style):
    """(names, first description line) of an item's first line."""
    if style == "google":
        m = _GOOGLE_ITEM.match(text)
        if m:
            return [m.group(1).lstrip("*")], [m.group(3)]
        return None, []
    m = _NUMPY_ITEM.match(text)
    if m:
        return [n.strip().lstrip("*") for n in m.group(1).split(",")], []
    return None, []


def _returns_text(body, style):
    rows = [line.strip() for line in body if line.strip()]
    if not rows:
        return None
    if style == "numpy" and len(rows) > 1:
        rows = rows[1:]  # a type (or `name : type`) line, then its description
    elif style == "google":
        m = _GOOGLE_RETURN.match(rows[0])
        if m:
            rows[0] = m.group(2)  # `int: the seconds` -> `the seconds`
    return _join(rows)


def _rest(lines):
    summary, params, returns = [], {}, None
    field = None
    for line in lines:
        m = _REST_FIELD.match(line)
        if m:
            kind, arg, text = m.group(1), m.group(2).split(), m.group(3)
            field = None
            if kind in ("param", "parameter", "arg", "argument", "key", "keyword") and arg:
                field = ("param", arg[-1])
                params[arg[-1]] = [text]
            elif kind in ("returns", "return"):
                field = ("returns", None)
                returns = [text]
            continue
        if field and line.strip() and _indent(line) > 0:
            (params[field[1]] if field[0] == "param" else returns).append(line.strip())
        elif field is None and not params and returns is None:
            summary.append(line)
        else:
            field = None
    return {
        "summary": _paragraphs(summary),
        "params": {k: _join(v) for k, v in params.items() if _join(v)},
        "returns": _join(returns) if returns else None,
    }


def _paragraphs(lines):
    text = "\n".join(line.rstrip() for line in lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text) or None


def _join(lines):
    text = " ".join(line.strip() for line in lines if line.strip())
    return text or None
