"""A family's accountability timeline: what was said and done, on the same axis as the money.

Two kinds of dated events are merged. From the registry (`events` in the curated YAML, each
with its source): vendor statements, hearings, shareholder actions, cancellations, campaign
actions, agreements to stop a sale, FOIA requests and releases. From the warehouse: each award's
first transaction (signed that day when it is the base action, modification 0; otherwise the
award was already running) and the modifications that extend it, where the records say so (the
period of performance moves later, or the description exercises an option or extends the
period). Beside each vendor statement: what the records show for the same period (the
obligations to the family in the fiscal year it was made), with no comment. The curve of
cumulative obligations by month shares the events' time axis (``axis``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from vendorwatch.analysis.as_of import monthly_obligations
from vendorwatch.analysis.base import plain, with_source
from vendorwatch.analysis.dossier import (
    _sources,
    family_rows,
    require_family,
    scope,
    subject,
)
from vendorwatch.analysis.lazy import ir
from vendorwatch.analysis.prepared import Builder, Prepared
from vendorwatch.registry import Registry
from vendorwatch.registry.models import Event

KINDS = {
    "contract_signed": "contract signed",
    "contract_running": "award already running",
    "contract_extended": "contract extended",
    "vendor_statement": "statement by the vendor",
    "hearing": "hearing",
    "shareholder_action": "shareholder action",
    "institutional_cancellation": "cancellation or non-renewal",
    "campaign_action": "campaign action",
    "sale_stopped": "agreement to stop a sale",
    "foia_request": "FOIA request",
    "foia_release": "FOIA release",
    "reported_use": "use reported",
}
FROM_RECORDS = ("contract_signed", "contract_running", "contract_extended")

# A modification that lengthens an award, in the words the records use for it: an option
# exercised, or the period or the services extended ("ADD FUNDS TO OPTION PERIOD 3" is not).
EXTENDS = re.compile(r"\bEXERCIS(E|ES|ED|ING)\b|\bEXTEN(D|DS|DED|DING|SION)\b", re.IGNORECASE)


def _rows(con: Any) -> Builder:
    """Every transaction of the family (or its companies), oldest first, with its source row."""

    def build(facts: ir.Table, family: ir.Scalar, orgs: ir.Scalar | None = None) -> ir.Table:
        t = family_rows(facts, family, orgs)
        return with_source(
            con,
            t,
            "action_date",
            award_key=t.contract_award_unique_key,
            piid=t.award_id_piid,
            modification_number=t.modification_number,
            recipient=t.recipient_name,
            organisation=t.organisation,
            sub_agency=t.awarding_sub_agency_name,
            description=t.transaction_description,
            obligation=t.federal_action_obligation,
            end=t.period_of_performance_current_end_date,
        ).order_by(["action_date", "award_key", "row"])

    return build


def fiscal_year_span(day: date) -> tuple[date, date]:
    """The federal fiscal year (October to September) a day falls in."""
    start_year = day.year if day.month >= 10 else day.year - 1
    return date(start_year, 10, 1), date(start_year + 1, 9, 30)


def _source_row(row: dict[str, Any]) -> dict[str, Any]:
    return {"file": row["file"], "row": row["row"], "sha256": row["sha256"]}


def _award_event(row: dict[str, Any], kind: str, names: dict[str, str], why: str) -> dict[str, Any]:
    who = names.get(row["organisation"] or "", row["recipient"] or "")
    if kind == "contract_signed":
        title = f"{row['sub_agency']} signs award {row['piid']} with {who}: {row['description']}"
    elif kind == "contract_running":
        title = (
            f"Award {row['piid']} ({who}, {row['sub_agency']}) first appears in the loaded "
            f"records as modification {row['modification_number']}: {row['description']}"
        )
    else:
        title = (
            f"{row['sub_agency']} extends award {row['piid']} with {who} "
            f"(modification {row['modification_number']}): {row['description']}"
        )
    return {
        "id": f"{kind}:{row['award_key']}:{row['modification_number'] or '0'}",
        "day": plain(row["action_date"]),
        "precision": "day",
        "kind": kind,
        "kind_label": KINDS[kind],
        "from_records": True,
        "title": title,
        "who": who,
        "agency": row["sub_agency"],
        "award_key": row["award_key"],
        "piid": row["piid"],
        "modification_number": row["modification_number"],
        "obligation": plain(row["obligation"]),
        "why": why,
        "record": _source_row(row),
        "sources": [],
        "verified": True,
    }


def award_milestones(rows: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """Each award's first transaction and the modifications that extend it."""
    events: list[dict[str, Any]] = []
    by_award: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_award[row["award_key"]].append(row)
    for award_rows in by_award.values():
        first = award_rows[0]
        base = (first["modification_number"] or "0") == "0"
        events.append(
            _award_event(
                first,
                "contract_signed" if base else "contract_running",
                names,
                "the award's base action (modification 0)"
                if base
                else "its first transaction in the loaded data is a modification, so it was "
                "signed before",
            )
        )
        end = first["end"]
        for row in award_rows[1:]:
            why = None
            if row["end"] is not None and end is not None and row["end"] > end:
                why = f"the period of performance ends {row['end']}, after {end}"
            elif (row["modification_number"] or "0") != "0" and (
                said := EXTENDS.search(row["description"] or "")
            ):
                why = f"its description says “{said.group(0)}”"
            if row["end"] is not None:
                end = max(end, row["end"]) if end is not None else row["end"]
            if why:
                events.append(_award_event(row, "contract_extended", names, why))
    return events


def _records_beside(event: Event, rows: list[dict[str, Any]], family_name: str) -> dict[str, Any]:
    """What the records hold for the statement's period: obligations by buyer, no comment."""
    start, end = fiscal_year_span(event.day)
    start = event.period_from or start
    end = event.period_to or end
    within = [r for r in rows if start <= r["action_date"] <= end]
    by_agency: dict[str, dict[str, Any]] = {}
    for r in within:
        slot = by_agency.setdefault(
            r["sub_agency"] or "unknown",
            {"sub_agency": r["sub_agency"], "obligations": Decimal(0), "transactions": 0,
             "awards": set()},
        )  # fmt: skip
        slot["obligations"] += r["obligation"] or Decimal(0)
        slot["transactions"] += 1
        slot["awards"].add(r["award_key"])
    total = sum((r["obligation"] or Decimal(0) for r in within), Decimal(0))
    fy = end.year if (event.period_from is None and event.period_to is None) else None
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "fiscal_year": fy,
        "family": family_name,
        "obligations": plain(total),
        "transactions": len(within),
        "awards": len({r["award_key"] for r in within}),
        "by_agency": [
            {**v, "obligations": plain(v["obligations"]), "awards": len(v["awards"])}
            for v in sorted(by_agency.values(), key=lambda v: str(v["sub_agency"]))
        ],
        "records": [_source_row(r) for r in within],
    }


def _registry_event(
    registry: Registry, event: Event, rows: list[dict[str, Any]], family_name: str
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": event.id,
        "day": event.day.isoformat(),
        "precision": event.precision,
        "kind": event.kind,
        "kind_label": KINDS[event.kind],
        "from_records": False,
        "title": event.title,
        "who": event.who,
        "quote": event.quote,
        "note": event.note,
        "families": list(event.families),
        "claims": list(event.claims),
        "sources": _sources(registry, registry.cited(event)),
        "verified": registry.is_verified(event),
    }
    if event.kind == "vendor_statement":
        found["records_beside"] = _records_beside(event, rows, family_name)
    return found


def family_timeline(
    con: Any, registry: Registry, org_id: str, *, questions: Prepared | None = None
) -> dict[str, Any]:
    """The timeline of a family (or of a company within it): registry events and the awards'
    milestones in date order, the obligations curve, and the axis both share."""
    ref = require_family(con, registry, org_id)
    members, values = scope(registry, ref)
    questions = questions or Prepared(con)
    names = {org: registry.organisation(org).name for org in members}
    rows = questions.records("timeline:rows", _rows(con), **values)
    shown = {ref.family, *members}  # a company's page shows its family's events too
    curated = [
        _registry_event(registry, e.value, rows, ref.family_name)
        for e in registry.events.values()
        if shown & set(e.value.families)
    ]
    events = sorted(
        [*curated, *award_milestones(rows, names)],
        key=lambda e: (e["day"], e["from_records"], e["id"]),
    )
    running = Decimal(0)
    curve = []
    for row in questions.records("timeline:monthly", monthly_obligations, **values):
        running += row["obligations"] or Decimal(0)
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        curve.append({"month": month.isoformat(), "cumulative": plain(running)})
    days = [e["day"] for e in events] + [c["month"] for c in curve]
    if rows:
        days.append(plain(rows[-1]["action_date"]))
    return {
        "family": {"id": ref.family, "name": ref.family_name},
        "subject": subject(ref, members, registry),
        "kinds": KINDS,
        "events": events,
        "curve": curve,
        "axis": {"from": min(days), "to": max(days)} if days else None,
        "counts": {
            "from_registry": len(curated),
            "from_records": len(events) - len(curated),
        },
    }
