"""Reads signatures and docstrings of library files with Python's own ast, without running them.

stdin: JSON [{"path": "Base/f.py", "function": "f", "source": "..."}]
stdout: JSON [{"path", "callable", "kind", "signature", "doc", "schema", "error"}], in input
order; schema is {"input": JSON Schema of the keyword arguments, "output": of the result or null}.
"""

import ast
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves the script's folder out
import gf_schema  # noqa: E402


def _src(node):
    return None if node is None else ast.unparse(node)


def _declared(args, drop_first=False):
    """(ast.arg, kind, default node) of every parameter, in declaration order."""
    params = []
    positional = list(args.posonlyargs) + list(args.args)
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for i, (arg, default) in enumerate(zip(positional, defaults)):
        kind = "POSITIONAL_ONLY" if i < len(args.posonlyargs) else "POSITIONAL_OR_KEYWORD"
        params.append((arg, kind, default))
    if args.vararg:
        params.append((args.vararg, "VAR_POSITIONAL", None))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params.append((arg, "KEYWORD_ONLY", default))
    if args.kwarg:
        params.append((args.kwarg, "VAR_KEYWORD", None))
    if drop_first and params and params[0][1] != "VAR_POSITIONAL":
        params = params[1:]
    return params


def _parameters(params):
    return [
        {
            "name": arg.arg,
            "kind": kind,
            "default": _src(default),
            "annotation": _src(arg.annotation),
        }
        for arg, kind, default in params
    ]


def _schema(params, returns, doc):
    nodes = [{"name": a.arg, "kind": k, "node": a, "default": d} for a, k, d in params]
    return gf_schema.derive(nodes, returns, doc)


def describe(path, function, source):
    out = {
        "path": path,
        "callable": False,
        "kind": None,
        "signature": None,
        "doc": None,
        "schema": None,
        "error": None,
    }
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        out["error"] = "SyntaxError: %s (line %s)" % (exc.msg, exc.lineno)
        return out
    module_doc = ast.get_docstring(tree)
    found = None
    for node in tree.body:  # the last top-level binding wins, as at run time
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.name == function
        ):
            found = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == function for t in targets):
                found = node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((a.asname or a.name.split(".")[0]) == function for a in node.names):
                found = node
    if found is None:
        out["doc"] = module_doc
        return out
    out["callable"] = True
    if isinstance(found, (ast.FunctionDef, ast.AsyncFunctionDef)):
        out["kind"] = "async_function" if isinstance(found, ast.AsyncFunctionDef) else "function"
        params = _declared(found.args)
        out["signature"] = {"parameters": _parameters(params), "returns": _src(found.returns)}
        out["doc"] = ast.get_docstring(found) or module_doc
        out["schema"] = _schema(params, found.returns, out["doc"])
    elif isinstance(found, ast.ClassDef):
        out["kind"] = "class"
        init = next(
            (n for n in found.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None
        )
        params = _declared(init.args, drop_first=True) if init else []
        out["signature"] = {"parameters": _parameters(params), "returns": found.name}
        out["doc"] = ast.get_docstring(found) or module_doc
        init_doc = ast.get_docstring(init) if init else None
        out["schema"] = _schema(params, None, _merge_docs(out["doc"], init_doc))
    else:
        out["kind"] = "binding"  # bound by assignment or import: resolved when called
        out["doc"] = module_doc
        out["schema"] = gf_schema.unknown_signature(module_doc)
    return out


def _merge_docs(class_doc, init_doc):
    """A class documents its constructor arguments in its own docstring or in __init__'s."""
    return "\n\n".join(d for d in (class_doc, init_doc) if d) or None


def main():
    items = json.load(sys.stdin)
    result = [describe(i["path"], i["function"], i["source"]) for i in items]
    sys.stdout.write(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
