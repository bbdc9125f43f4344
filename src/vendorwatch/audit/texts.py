"""Ready-to-use text from an audit: letters to vendors, talking points, a policy clause.

Jinja2 templates beside the other report templates (``audit_*.txt``); the words are the
templates', the facts the report's, so every figure in a letter is one the report shows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from vendorwatch.reports.render import environment


def _render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context).strip() + "\n"


def ready_texts(report: dict[str, Any]) -> dict[str, Any]:
    """``{"letters": [{family, name, text}], "talking_points": str, "policy_clause": str}``."""
    library = report.get("library") or "our library"
    exposed = [f for f in report["families"] if f["obligations"] and Decimal(f["obligations"]) != 0]
    letters = [
        {
            "family": f["id"],
            "name": f["name"],
            "text": _render("audit_letter.txt", library=library, family=f, report=report),
        }
        for f in report["families"]
    ]
    return {
        "letters": letters,
        "talking_points": _render(
            "audit_talking_points.txt", library=library, report=report, exposed=exposed
        ),
        "policy_clause": _render("audit_policy.txt", library=library),
    }
