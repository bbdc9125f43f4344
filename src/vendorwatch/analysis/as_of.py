"""A family's obligations as of a date: what a reporter would have seen on the day a story ran.

The figure is the sum of the family's transactions dated on or before the day (each counted
once, the family taken as of each transaction's date, so an acquisition is not read backwards).
Beside it: the companies it came from, what was added after the day, and the last transactions
before it, each with the file and row it came from, so the figure can be checked by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from vendorwatch.analysis.base import plain, with_source
from vendorwatch.analysis.dossier import family_rows, require_family, scope, subject
from vendorwatch.analysis.lazy import ibis, ir
from vendorwatch.analysis.prepared import Builder, Prepared
from vendorwatch.analysis.rollups import rollup_expr
from vendorwatch.registry import Registry
from vendorwatch.warehouse.layouts import API_TRANSACTION_EXPORT

API_EXPORT = API_TRANSACTION_EXPORT.name


def _mine(
    facts: ir.Table, family: ir.Scalar, as_of: ir.Scalar, orgs: ir.Scalar | None, *, after: bool
) -> ir.Table:
    day = as_of.cast("date")
    mine = family_rows(facts, family, orgs)
    return mine.filter(mine.action_date > day if after else mine.action_date <= day)


def _rollup(by: tuple[str, ...], *, after: bool) -> Builder:
    def build(
        facts: ir.Table, family: ir.Scalar, as_of: ir.Scalar, orgs: ir.Scalar | None = None
    ) -> ir.Table:
        return rollup_expr(_mine(facts, family, as_of, orgs, after=after), by)

    return build


def monthly_obligations(
    facts: ir.Table, family: ir.Scalar, orgs: ir.Scalar | None = None
) -> ir.Table:
    """The family's obligations month by month over all its dates (the chart's curve)."""
    mine = family_rows(facts, family, orgs)
    # a timestamp on every engine: DuckDB's date_trunc of a date is one already (the chart and
    # the JSON read its ISO string), Spark's is a date
    month = mine.action_date.truncate("M").cast("timestamp")
    return (
        mine.group_by(month=month)
        .aggregate(obligations=mine.federal_action_obligation.sum())
        .order_by("month")
    )


def _latest(con: Any, count: int) -> Builder:
    def build(
        facts: ir.Table, family: ir.Scalar, as_of: ir.Scalar, orgs: ir.Scalar | None = None
    ) -> ir.Table:
        t = _mine(facts, family, as_of, orgs, after=False)
        return (
            with_source(
                con,
                t,
                "action_date",
                award_key=t.contract_award_unique_key,
                piid=t.award_id_piid,
                recipient=t.recipient_name,
                organisation=t.organisation,
                modification_number=t.modification_number,
                obligation=t.federal_action_obligation,
                description=t.transaction_description,
            )
            .order_by([ibis.desc("action_date"), ibis.desc("row")])
            .limit(count)
        )

    return build


def _name(registry: Registry, org_id: str | None) -> str | None:
    entry = registry.organisations.get(org_id or "")
    return entry.value.name if entry else org_id


def family_as_of(
    con: Any, registry: Registry, org_id: str, as_of: date, *, latest: int = 10
) -> dict[str, Any]:
    """The family's cumulative obligations on ``as_of``, by company, with what came after; for
    a company id, that company's (and the companies it owns) within its family."""
    ref = require_family(con, registry, org_id)
    members, scoped = scope(registry, ref)
    about = subject(ref, members, registry)
    questions = Prepared(con)
    values = {**scoped, "as_of": as_of.isoformat()}

    def ask(name: str, build: Builder) -> list[dict[str, Any]]:
        return questions.rows(f"as-of:{name}", build, **values)

    before = ask("total", _rollup((), after=False))
    after = ask("after", _rollup((), after=True))
    empty = {"obligations": "0.00", "transactions": 0, "awards": 0}
    total = before[0] if before and before[0]["transactions"] else empty
    later = after[0] if after and after[0]["transactions"] else empty
    by_organisation = [
        {**row, "name": _name(registry, row["organisation"])}
        for row in ask("by-organisation", _rollup(("organisation",), after=False))
    ]
    recent = ask(f"latest:{latest}", _latest(con, latest))
    running = Decimal(0)
    by_month = []
    for row in questions.rows("as-of:monthly", monthly_obligations, **scoped):
        running += Decimal(str(row["obligations"] or 0))
        by_month.append({**row, "cumulative": plain(running)})
    notes = [about["note"]] if about["note"] else []
    if not total["transactions"] and not later["transactions"]:
        notes.append(f"no transaction in the loaded data is resolved to {about['name']}")
    elif not total["transactions"]:
        notes.append(
            f"no transaction of this {'family' if ref.is_family else 'company'} is dated on or "
            f"before {as_of.isoformat()}"
        )
    if any(r["layout"] == API_EXPORT for r in recent):
        notes.append(
            "some transactions come from an API export that keeps the largest transactions "
            "first and may be incomplete: the figure is a lower bound"
        )
    return {
        "family": {"id": ref.family, "name": ref.family_name},
        "subject": about,
        "company": None if ref.is_family else ref.as_dict(),
        "as_of": as_of.isoformat(),
        "obligated": total["obligations"],
        "transactions": total["transactions"],
        "awards": total["awards"],
        "by_organisation": by_organisation,
        "after": {
            "obligations": later["obligations"],
            "transactions": later["transactions"],
            "awards": later["awards"],
        },
        "total_in_data": plain(
            Decimal(str(total["obligations"] or 0)) + Decimal(str(later["obligations"] or 0))
        ),
        "by_month": by_month,
        "latest": [
            {
                **{k: v for k, v in r.items() if k not in ("file", "row", "sha256", "layout")},
                "source": {"file": r["file"], "row": r["row"], "sha256": r["sha256"]},
            }
            for r in recent
        ],
        "notes": notes,
    }
