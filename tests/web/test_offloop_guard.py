"""No route handler queries a database on the event loop.

Every route of the site is walked. A handler is either a ``def`` under `offloop` (its whole
body runs on the site's worker pool, within its time limit), or an ``async def`` that only
reads the request on the loop and then hands the rest over (`run`, `write`). For those the
body is read (an AST walk, nested functions left out: they run where they are handed) and
each call must be one of `LOOP_SAFE`; an ``async`` helper of the site it awaits is read the
same way. A plain ``def`` without `offloop` would run on Starlette's own thread pool, with no
bound and no time limit: only the few below that touch no database at all may.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from vendorwatch.web import create_app
from vendorwatch.web.pool import offloop

OFFLOOP = offloop(lambda request: request).__code__  # every offloop endpoint runs this code

# What an async handler may call on the loop: none reaches the app database or the warehouse.
LOOP_SAFE = {
    # reading the request, its cookie and its body (bounded: web.bodylimit, _upload_form)
    "form", "read", "read_upload", "_upload_form", "get", "getlist", "login", "accounts",
    "get_settings", "same_token", "isinstance", "getattr", "int", "str", "list", "strip",
    "append", "update", "Limits", "typed_holding",
    # answering without a database: error pages, redirects, the computed home page
    "refuse", "to_login", "audit_refused", "TemplateResponse", "Response", "RedirectResponse",
    "VendorwatchError", "held_reports", "kept_minutes", "site", "memo_ready",
    # handing the rest to the site's pool
    "run", "write",
}  # fmt: skip

# Plain defs that touch neither database: a constant, a file's version id, the API's own schema.
NO_DATABASE = {"healthz", "readyz", "api_docs"}


def routes(found: list[Any]) -> Iterator[APIRoute]:
    for route in found:
        if hasattr(route, "original_router"):  # FastAPI's included router
            yield from routes(route.original_router.routes)
        elif isinstance(route, APIRoute):
            yield route


def calls(fn: Callable[..., Any]) -> set[str]:
    """The names ``fn``'s own body calls (not its decorators', not its nested functions')."""
    node = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    names: set[str] = set()

    def visit(at: ast.AST) -> None:
        if isinstance(at, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return
        if isinstance(at, ast.Call):
            names.add(getattr(at.func, "id", None) or getattr(at.func, "attr", "?"))
        for child in ast.iter_child_nodes(at):
            visit(child)

    for statement in node.body:
        visit(statement)
    return names


def on_the_loop(fn: Callable[..., Any]) -> set[str]:
    """What ``fn`` and the site's async helpers it calls do on the loop beyond `LOOP_SAFE`."""
    unsafe = set()
    for name in calls(fn) - LOOP_SAFE:
        helper = fn.__globals__.get(name)
        site_helper = getattr(helper, "__module__", "").startswith("vendorwatch.web")
        if site_helper and inspect.iscoroutinefunction(helper):
            unsafe |= {f"{name}: {n}" for n in on_the_loop(helper)}
        else:
            unsafe.add(name)
    return unsafe


def test_every_handler_leaves_the_databases_to_the_pool(tmp_path: Path) -> None:
    app = create_app(tmp_path / "none.duckdb")  # the routes only; nothing is served
    checked, problems = 0, []
    for route in routes(app.routes):
        endpoint, where = route.endpoint, f"{route.path} ({route.endpoint.__qualname__})"
        checked += 1
        if getattr(endpoint, "__code__", None) is OFFLOOP:
            continue
        if not inspect.iscoroutinefunction(endpoint):
            if endpoint.__name__ not in NO_DATABASE:
                problems.append(f"{where}: a plain def on Starlette's pool; put it under @offloop")
            continue
        problems += [f"{where} calls {name} on the event loop" for name in on_the_loop(endpoint)]
    assert checked > 60  # every page, API route and tracker route, not an empty walk
    assert problems == [], "\n".join(problems)
