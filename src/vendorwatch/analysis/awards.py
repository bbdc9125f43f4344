"""One award: its transactions, cumulative obligations as of any date, and competition.

What a reporter would have seen on the day a story ran is the sum of the transactions dated
on or before that day; the timeline shows each modification that changed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from vendorwatch.analysis.base import plain
from vendorwatch.analysis.best_values import VALUE_FIELDS, best_awards
from vendorwatch.analysis.competition import CompetitionFlag, flag
from vendorwatch.analysis.lazy import ir
from vendorwatch.analysis.prepared import Builder, Prepared
from vendorwatch.errors import VendorwatchError
from vendorwatch.formatting import day, money
from vendorwatch.warehouse.layouts import API_TRANSACTION_EXPORT

API_EXPORT = API_TRANSACTION_EXPORT.name


@dataclass(frozen=True)
class Action:
    action_date: date
    modification_number: str | None
    obligation: Decimal
    cumulative: Decimal
    counted: bool  # on or before the as-of date
    description: str | None
    source_file: str
    source_row: int
    source_sha256: str


@dataclass(frozen=True)
class Performance:
    """Whether the award was running on the as-of day, by its period of performance."""

    status: str  # running, ended, not started, unknown
    start: date | None
    current_end: date | None
    potential_end: date | None
    basis: str  # where the dates come from

    def as_dict(self) -> dict[str, Any]:
        return {k: plain(v) for k, v in self.__dict__.items()}


def performance(
    summary: dict[str, Any] | None, rows: list[dict[str, Any]], as_of: date
) -> Performance:
    """As the award stood on the day: the latest transaction up to the day that carries the
    dates (a modification can extend an award), else the award summary (a snapshot as of its
    last modification); the API export carries neither."""
    dated = [
        r
        for r in rows
        if r["period_of_performance_current_end_date"] is not None and r["action_date"] <= as_of
    ]
    source: dict[str, Any]
    if dated:
        source = dated[-1]
        basis = (
            f"transaction of {source['action_date'].isoformat()} "
            f"(modification {source['modification_number'] or '0'})"
        )
    elif summary is not None and summary["period_of_performance_current_end_date"] is not None:
        source = summary
        basis = f"award summary, last modified {plain(summary['last_modified_date'])}"
    else:
        return Performance(
            "unknown", None, None, None,
            "no period of performance in the loaded files (the API export has none)",
        )  # fmt: skip
    start = source["period_of_performance_start_date"]
    end = source["period_of_performance_current_end_date"]
    if start is not None and as_of < start:
        status = "not started"
    elif as_of > end:
        status = "ended"
    else:
        status = "running"
    return Performance(
        status, start, end, source["period_of_performance_potential_end_date"], basis
    )


@dataclass(frozen=True)
class RecordDiffers:
    """The award record's total obligated against the loaded transactions up to the record's
    last modification: the same measure of the same award on the same date. When they differ,
    the loaded files hold only part of the award, and its figure here covers that part only."""

    record_total: Decimal
    record_modified: date | None
    loaded_total: Decimal
    loaded_transactions: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "record_total": plain(self.record_total),
            "record_modified": plain(self.record_modified),
            "loaded_total": plain(self.loaded_total),
            "loaded_transactions": self.loaded_transactions,
        }

    @property
    def sentence(self) -> str:
        when = f" (last modified {day(self.record_modified)})" if self.record_modified else ""
        n = self.loaded_transactions
        return (
            f"the award record{when} says {money(self.record_total)} obligated; the {n} loaded "
            f"{'transaction' if n == 1 else 'transactions'} to that date "
            f"{'sums' if n == 1 else 'sum'} to {money(self.loaded_total)}: the loaded files hold "
            "only part of this award, and its figures here cover that part only"
        )


@dataclass
class AwardHistory:
    piid: str
    award_key: str
    recipient: str | None
    recipient_uei: str | None
    agency: str | None
    sub_agency: str | None
    as_of: date
    obligated: Decimal | None
    transactions: list[Action]
    competition: CompetitionFlag
    summary: dict[str, Any] | None  # the award-summary record, where one is loaded
    family: str | None = None
    notes: list[str] = field(default_factory=list)
    performance: Performance | None = None
    # Each VALUE_FIELDS figure: {value, source, file, row, sha256} from the best source at hand.
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    parent_award_id_piid: str | None = None
    # Where the award record's total differs from the loaded transactions to the same date.
    record_differs: RecordDiffers | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "piid": self.piid,
            "award_key": self.award_key,
            "recipient": self.recipient,
            "recipient_uei": self.recipient_uei,
            "family": self.family,
            "agency": self.agency,
            "sub_agency": self.sub_agency,
            "as_of": self.as_of.isoformat(),
            "obligated": plain(self.obligated),
            "competition": {k: plain(v) for k, v in self.competition.as_dict().items()},
            "summary": {k: plain(v) for k, v in self.summary.items()} if self.summary else None,
            "performance": self.performance.as_dict() if self.performance else None,
            "values": {k: {n: plain(v) for n, v in f.items()} for k, f in self.values.items()},
            "parent_award_id_piid": self.parent_award_id_piid,
            "record_differs": self.record_differs.as_dict() if self.record_differs else None,
            "transactions": [
                {
                    "action_date": a.action_date.isoformat(),
                    "modification_number": a.modification_number,
                    "obligation": plain(a.obligation),
                    "cumulative": plain(a.cumulative),
                    "counted": a.counted,
                    "description": a.description,
                    "source": {
                        "file": a.source_file,
                        "row": a.source_row,
                        "sha256": a.source_sha256,
                    },
                }
                for a in self.transactions
            ],
            "notes": self.notes,
        }


_SUMMARY_FIELDS = (
    "total_obligated_amount",
    "current_total_value_of_award",
    "potential_total_value_of_award",
    "award_base_action_date",
    "award_latest_action_date",
    "period_of_performance_start_date",
    "period_of_performance_current_end_date",
    "period_of_performance_potential_end_date",
    "last_modified_date",
    "extent_competed_code",
    "other_than_full_and_open_competition",
    "number_of_offers_received",
    "prime_award_base_transaction_description",
)


def _keys_in(con: Any, table: str) -> Builder:
    def build(_facts: ir.Table, award_id: ir.Scalar) -> ir.Table:
        t = con.table(table)
        match = (t.award_id_piid == award_id) | (t.contract_award_unique_key == award_id)
        return t.filter(match).select(key=t.contract_award_unique_key).distinct()

    return build


def _rows_of(con: Any) -> Builder:
    """The award's transactions (repeats dropped, family as of each date) with their files."""

    def build(facts: ir.Table, key: ir.Scalar) -> ir.Table:
        t = facts.filter(facts.contract_award_unique_key == key)
        files = con.table("source_files").select("sha256", "file_name", "layout")
        return t.join(files, t.source_sha256 == files.sha256).order_by(
            ["action_date", "modification_number", "source_row"]
        )

    return build


def _summaries_of(con: Any) -> Builder:
    def build(_facts: ir.Table, key: ir.Scalar) -> ir.Table:
        a = con.table("awards")
        return a.filter(a.contract_award_unique_key == key).order_by(a.last_modified_date.desc())

    return build


def _best_of(con: Any) -> Builder:
    def build(facts: ir.Table, key: ir.Scalar) -> ir.Table:
        return best_awards(con, facts, key)

    return build


def sourced_values(best: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Each figure with the source that said it: the latest loaded transaction carrying it, or
    the award record (summary or detail) by its file and row."""
    found: dict[str, dict[str, Any]] = {}
    for name in (*VALUE_FIELDS, "obligated"):
        source = best[f"{name}_source"] if best else None
        from_record = source is not None and source == (best or {}).get("record_kind")
        found[name] = {
            "value": best[name] if best else None,
            "source": source,
            "file": best["record_file"] if best and from_record else None,
            "row": best["record_row"] if best and from_record else None,
            "sha256": best["record_sha256"] if best and from_record else None,
            "modified": best["record_modified"] if best and from_record else None,
        }
    return found


def award_history(con: Any, award_id: str, as_of: date | None = None) -> AwardHistory:
    """The award named by PIID or generated award id; raises if none or several match."""
    as_of = as_of or date.today()
    questions = Prepared(con)
    award_id = award_id.strip()
    found = [
        row["key"]
        for table in ("transactions", "awards")
        for row in questions.rows(f"award:keys:{table}", _keys_in(con, table), award_id=award_id)
    ]
    keys = sorted({k for k in found if k})
    if not keys:
        raise VendorwatchError(f"no award with PIID or award id {award_id!r} in the warehouse")
    if len(keys) > 1:
        raise VendorwatchError(
            f"PIID {award_id!r} names {len(keys)} awards; give one of: {', '.join(keys)}"
        )
    key = keys[0]
    rows = questions.records("award:rows", _rows_of(con), key=key)
    summary_rows = questions.records("award:summaries", _summaries_of(con), key=key)
    summary = summary_rows[0] if summary_rows else None
    notes: list[str] = []

    actions: list[Action] = []
    running = Decimal(0)
    for row in rows:
        amount = row["federal_action_obligation"] or Decimal(0)
        running += amount
        actions.append(
            Action(
                action_date=row["action_date"],
                modification_number=row["modification_number"],
                obligation=amount,
                cumulative=running,
                counted=row["action_date"] <= as_of,
                description=row["transaction_description"],
                source_file=row["file_name"],
                source_row=row["source_row"],
                source_sha256=row["source_sha256"],
            )
        )
    obligated: Decimal | None = sum((a.obligation for a in actions if a.counted), Decimal(0))
    if not actions:
        obligated = None
        if summary is None:  # every version of its transactions counts nowhere: deleted
            raise VendorwatchError(
                f"every transaction of award {key} was deleted (a delta file or a sync said "
                "so); nothing of it counts"
            )
        notes.append(
            "only the award summary is loaded: total obligated "
            f"{plain(summary['total_obligated_amount'])} as of its last modification "
            f"{plain(summary['last_modified_date'])}; load the award's transactions for "
            "figures as of other dates"
        )
    elif all(r["layout"] == API_EXPORT for r in rows):
        notes.append(
            "the transactions come from an API export that holds the largest transactions "
            "first and may be incomplete; smaller modifications can be missing"
        )
    if actions and actions[0].action_date > as_of:
        notes.append(f"the award's first action is dated after {as_of.isoformat()}")

    differs = record_differs(summary, actions)
    if differs is not None:
        notes.insert(0, differs.sentence)
    first = summary or rows[-1]
    best_rows = questions.records("award:best", _best_of(con), key=key)
    values = sourced_values(best_rows[0] if best_rows else None)
    competition = _competition(values, rows, summary is not None)
    # The family of the latest action: ownership can change during an award's life.
    families = [r["family"] for r in rows if r["family"]]
    return AwardHistory(
        piid=first["award_id_piid"],
        award_key=key,
        recipient=first["recipient_name"],
        recipient_uei=first["recipient_uei"],
        agency=first["awarding_agency_name"],
        sub_agency=first["awarding_sub_agency_name"],
        as_of=as_of,
        obligated=obligated,
        transactions=actions,
        competition=competition,
        summary={k: summary[k] for k in _SUMMARY_FIELDS} if summary else None,
        family=families[-1] if families else None,
        notes=notes,
        performance=performance(summary, rows, as_of),
        values=values,
        parent_award_id_piid=best_rows[0]["parent_award_id_piid"] if best_rows else None,
        record_differs=differs,
    )


def record_differs(summary: dict[str, Any] | None, actions: list[Action]) -> RecordDiffers | None:
    """Compare the award record's total with the loaded transactions dated up to its last
    modification (all of them when it names no date); None when they agree or either is
    missing."""
    if summary is None or not actions or summary.get("total_obligated_amount") is None:
        return None
    modified = summary.get("last_modified_date")
    day = modified.date() if isinstance(modified, datetime) else modified
    to_then = [a for a in actions if day is None or a.action_date <= day]
    loaded = sum((a.obligation for a in to_then), Decimal(0))
    total = Decimal(summary["total_obligated_amount"])
    if loaded == total:
        return None
    return RecordDiffers(total, day, loaded, len(to_then))


def _competition(
    values: dict[str, dict[str, Any]], rows: list[dict[str, Any]], has_record: bool
) -> CompetitionFlag:
    """From the latest transaction that carries the field, else the award summary or detail
    record (`sourced_values`); unknown when neither the layouts nor the records have it."""
    has_field = has_record or any(r["layout"] != API_EXPORT for r in rows)
    offers = values["number_of_offers_received"]["value"]
    return flag(
        values["extent_competed_code"]["value"],
        layout_has_field=has_field,
        sole_source_reason=values["other_than_full_and_open_competition"]["value"],
        offers_received=None if offers is None else int(offers),
        source=values["extent_competed_code"]["source"],
    )
