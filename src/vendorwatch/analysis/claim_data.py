"""What a claim check asks of the warehouse: which subject a name is, and its rows.

Every question is an Ibis expression compiled once (`vendorwatch.analysis.prepared`); each
row keeps its file and record number so a figure can be traced to the source rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from vendorwatch.analysis.base import plain, with_source
from vendorwatch.analysis.lazy import ir
from vendorwatch.analysis.prepared import Builder, Prepared
from vendorwatch.analysis.rollups import award_summaries
from vendorwatch.registry import Registry
from vendorwatch.warehouse.layouts import LAYOUTS_BY_NAME


@dataclass(frozen=True)
class Subject:
    kind: Literal["family", "company", "award"]
    id: str  # organisation id or generated award id
    name: str
    column: str  # the facts column that selects its rows

    @property
    def called(self) -> str:
        """How a sentence names it: "award 70CMSD21C00000001", "RELX PLC"."""
        return f"award {self.name}" if self.kind == "award" else self.name


def coverage(facts: ir.Table) -> ir.Table:
    return facts.aggregate(first=facts.action_date.min(), last=facts.action_date.max())


def _keys(con: Any, table: str) -> Builder:
    def build(_facts: ir.Table, award_id: ir.Scalar) -> ir.Table:
        t = con.table(table)
        match = (t.award_id_piid == award_id) | (t.contract_award_unique_key == award_id)
        return t.filter(match).select(key=t.contract_award_unique_key).distinct()

    return build


def transactions_of(con: Any, column: str) -> Builder:
    """The subject's transactions over all dates, each with its file and row."""

    def build(facts: ir.Table, subject: ir.Scalar) -> ir.Table:
        t = facts.filter(facts[column] == subject)
        return with_source(
            con,
            t,
            "action_date",
            award_key=t.contract_award_unique_key,
            piid=t.award_id_piid,
            modification_number=t.modification_number,
            amount=t.federal_action_obligation,
            current=t.current_total_value_of_award,
            potential=t.potential_total_value_of_award,
        ).order_by(["action_date", "row"])

    return build


def summaries_of(con: Any, column: str) -> Builder:
    """The latest award summary of each of the subject's awards, with its file and row."""

    def build(_facts: ir.Table, subject: ir.Scalar) -> ir.Table:
        a = award_summaries(con, classified=False)
        a = a.filter(a[column] == subject)
        return with_source(
            con,
            a,
            award_key=a.contract_award_unique_key,
            piid=a.award_id_piid,
            base=a.award_base_action_date,
            last_modified=a.last_modified_date,
            current=a.current_total_value_of_award,
            potential=a.potential_total_value_of_award,
        ).order_by("award_key")

    return build


def layout_name(name: str) -> str:
    layout = LAYOUTS_BY_NAME.get(name)
    return layout.short if layout else name


def source_row(row: dict[str, Any], amount_key: str) -> dict[str, Any]:
    return {
        "file": row["file"],
        "row": row["row"],
        "sha256": row["sha256"],
        "layout": layout_name(row["layout"]),
        "award_key": row["award_key"],
        "piid": row["piid"],
        "action_date": plain(row.get("action_date")),
        "modification_number": row.get("modification_number"),
        "amount": plain(row[amount_key]),
    }


def find_subject(questions: Prepared, registry: Registry, text: str) -> Subject | str:
    """The organisation or award ``text`` names, or why it names none."""
    given = text.strip()
    if given in registry.organisations:
        name = registry.organisation(given).name
        is_family = registry.family(given) == given and len(registry.members(given)) > 1
        if is_family:
            return Subject("family", given, name, "family")
        return Subject("company", given, name, "organisation")
    award_id = given.upper()
    found = {
        row["key"]
        for table in ("transactions", "awards")
        for row in questions.rows(
            f"claims:keys:{table}", _keys(questions.con, table), award_id=award_id
        )
        if row["key"]
    }
    if len(found) == 1:
        (key,) = found
        return Subject("award", key, award_id, "contract_award_unique_key")
    if found:
        return f"PIID {award_id} names {len(found)} awards; give one of: {', '.join(sorted(found))}"
    return (
        f"subject unknown: no organisation id {given!r} in the registry and no award with "
        "that PIID or award id in the loaded data"
    )
