"""The API reference at /api/docs, rendered on the server from the app's own OpenAPI document.

Swagger UI would load its scripts from a CDN, which the site's CSP blocks (and which would
tell a third party who reads the docs). This page is plain HTML from ``app.openapi()``: every
route with its parameters, responses and their fields, and a same-origin example link.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from vendorwatch.web.templating import templates

router = APIRouter(include_in_schema=False)

# One real value per parameter name for the example links: each answers on the bundled sample
# (the LEIDS award, the RELX family, the day a journalist asked about).
EXAMPLES: dict[str, str] = {
    "family_id": "relx-plc",
    "award_key": "CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-",
    "date": "2022-07-15",
    "as_of": "2022-07-15",
    "q": "lexisnexis ice",
    "family": "relx-plc",
    "by": "family",
    "limit": "5",
    "subject": "relx-plc",
    "amount": "8276020.00",
    "on": "2022-07-15",
}
_SHOWN = {"q", "family", "limit", "by", "as_of"}  # optional parameters worth an example
_DEPTH = 4  # nested objects shown this deep; deeper ones are named only


def _ref(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """The schema a ``$ref`` points at (``#/components/schemas/Name``)."""
    ref = schema.get("$ref")
    if not ref:
        return schema
    found: Any = spec
    for part in str(ref).lstrip("#/").split("/"):
        found = found[part]
    return dict(found)


def type_text(schema: dict[str, Any], spec: dict[str, Any]) -> str:
    """A schema's type in a few words: ``string (date)``, ``list of AwardRow``, ``integer ≥ 1``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            kinds = [type_text(s, spec) for s in schema[key] if s.get("type") != "null"]
            nullable = any(s.get("type") == "null" for s in schema[key])
            return " or ".join(kinds) + (" or null" if nullable else "")
    if "enum" in schema:
        return "one of " + ", ".join(f"{v}" for v in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        return "list of " + type_text(schema.get("items", {}), spec)
    if kind == "object":
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            return "object of " + type_text(extra, spec)
        return "object"
    text = str(kind or "any")
    if "format" in schema:
        text += f" ({schema['format']})"
    bounds = [
        f"{sign} {schema[key]}"
        for key, sign in (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "length ≤"))
        if key in schema
    ]
    if "pattern" in schema:
        bounds.append(f"matching {schema['pattern']}")
    return text + (f", {', '.join(bounds)}" if bounds else "")


def fields(schema: dict[str, Any], spec: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """The fields of an object schema (through refs, lists and dicts), nested as ``depth``."""
    target = _ref(schema, spec)
    for key in ("anyOf", "oneOf"):
        if key in target:
            inner = [s for s in target[key] if s.get("type") != "null"]
            target = _ref(inner[0], spec) if inner else {}
    if target.get("type") == "array":
        return fields(target.get("items", {}), spec, depth)
    extra = target.get("additionalProperties")
    if target.get("type") == "object" and isinstance(extra, dict) and not target.get("properties"):
        return fields(extra, spec, depth)
    out: list[dict[str, Any]] = []
    required = set(target.get("required", []))
    for name, prop in (target.get("properties") or {}).items():
        out.append(
            {
                "name": name,
                "type": type_text(prop, spec),
                "required": name in required,
                "description": prop.get("description", ""),
                "depth": depth,
            }
        )
        if depth + 1 < _DEPTH:
            out += fields(prop, spec, depth + 1)
    return out


def _example(path: str, parameters: list[dict[str, Any]]) -> str | None:
    """A working same-origin URL for the route, or None when a required value has no example."""
    url = path
    query: list[tuple[str, str]] = []
    for p in parameters:
        value = EXAMPLES.get(p["name"])
        if p["in"] == "path":
            if value is None:
                return None
            url = url.replace("{" + p["name"] + "}", value)
        elif p["in"] == "query" and value is not None and (p["required"] or p["name"] in _SHOWN):
            query.append((p["name"], value))
        elif p["required"]:
            return None
    return url + ("?" + urlencode(query) if query else "")


def segments(text: str) -> list[tuple[str, bool]]:
    """Docstring text in pieces, True for the ````code```` ones (shown as code, still escaped)."""
    parts = " ".join(text.split()).split("``")
    return [(part, i % 2 == 1) for i, part in enumerate(parts) if part]


def _summary(op: dict[str, Any]) -> str:
    """The handler's first sentence (FastAPI's own summary is the function name, "Api Status")."""
    text = " ".join(str(op.get("description") or "").split())
    return text.split(". ")[0].rstrip(".") if text else str(op.get("summary", ""))


def reference(spec: dict[str, Any]) -> dict[str, Any]:
    """Every operation in ``spec`` as the page shows it, in the order the app declares them,
    and the error shapes once (every route shares them)."""
    operations: list[dict[str, Any]] = []
    errors: dict[str, dict[str, Any]] = {}
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            parameters = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": bool(p.get("required")),
                    "type": type_text(p.get("schema", {}), spec),
                    "default": p.get("schema", {}).get("default"),
                    "description": p.get("description")
                    or p.get("schema", {}).get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            answers = []
            for status, answer in op.get("responses", {}).items():
                schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
                shown = {
                    "status": status,
                    "description": answer.get("description", ""),
                    "type": type_text(schema, spec) if schema else "",
                    "fields": fields(schema, spec) if schema else [],
                }
                answers.append(shown)
                if not status.startswith("2"):
                    errors.setdefault(status, shown)
            operations.append(
                {
                    "id": f"{method}-{path}".strip("-")
                    .replace("/", "-")
                    .replace("{", "")
                    .replace("}", "")
                    .replace("--", "-"),
                    "method": method.upper(),
                    "path": path,
                    "summary": segments(_summary(op)),
                    "description": segments(str(op.get("description", ""))),
                    "parameters": parameters,
                    "success": [a for a in answers if a["status"].startswith("2")],
                    "errors": [a["status"] for a in answers if not a["status"].startswith("2")],
                    "example": _example(path, parameters) if method == "get" else None,
                }
            )
    return {"operations": operations, "errors": [errors[k] for k in sorted(errors)]}


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    spec = request.app.openapi()
    return templates.TemplateResponse(
        request,
        "api_docs.html",
        {
            "info": spec.get("info", {}),
            "openapi": spec.get("openapi", ""),
            **reference(spec),
        },
    )
