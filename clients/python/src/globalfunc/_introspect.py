"""How the runtime reads a library file's callable, signature and docstring with Python's ``ast``
(never by running it): the same reading as core's ``gf_introspect.py``, so local mode catalogues
exactly what a runtime serves (a test compares both catalogs)."""

from __future__ import annotations

import ast
from typing import Any, Optional

_Parameter = tuple[ast.arg, str, Optional[ast.expr]]


def _src(node: ast.AST | None) -> str | None:
    return None if node is None else ast.unparse(node)


def _parameters(args: ast.arguments, drop_first: bool = False) -> list[dict[str, Any]]:
    params: list[_Parameter] = []
    positional = list(args.posonlyargs) + list(args.args)
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
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
    return [
        {
            "name": arg.arg,
            "kind": kind,
            "default": _src(default),
            "annotation": _src(arg.annotation),
        }
        for arg, kind, default in params
    ]


def describe(path: str, function: str, source: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": path,
        "callable": False,
        "kind": None,
        "signature": None,
        "doc": None,
        "error": None,
    }
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        out["error"] = "SyntaxError: %s (line %s)" % (exc.msg, exc.lineno)
        return out
    module_doc = ast.get_docstring(tree)
    found: ast.stmt | None = None
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
        out["signature"] = {"parameters": _parameters(found.args), "returns": _src(found.returns)}
        out["doc"] = ast.get_docstring(found) or module_doc
    elif isinstance(found, ast.ClassDef):
        out["kind"] = "class"
        init = next(
            (n for n in found.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None
        )
        params = _parameters(init.args, drop_first=True) if init else []
        out["signature"] = {"parameters": params, "returns": found.name}
        out["doc"] = ast.get_docstring(found) or module_doc
    else:
        out["kind"] = "binding"  # bound by assignment or import: resolved when called
        out["doc"] = module_doc
    return out
