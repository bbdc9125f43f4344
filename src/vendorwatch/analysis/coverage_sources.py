"""The sources behind the loaded transactions: which are partial, and which way a total over
a partial one can be wrong, read from the rows (their order and where each list stops) and the
per-layout facts in ``coverage.yaml``. Part of `vendorwatch.analysis.coverage`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from vendorwatch.analysis.base import is_duckdb
from vendorwatch.analysis.lazy import engine, ibis, ir
from vendorwatch.formatting import count, money_short
from vendorwatch.warehouse.layouts import LAYOUTS_BY_NAME, agency_abbreviations
from vendorwatch.yamlload import safe_load

if TYPE_CHECKING:
    from vendorwatch.analysis.prepared import Prepared


class LayoutFacts(BaseModel):
    complete: bool
    why: str
    source: str


class CoverageRules(BaseModel):
    layouts: dict[str, LayoutFacts]
    edge_days: int


@cache
def rules() -> CoverageRules:
    text = resources.files(__package__).joinpath("coverage.yaml").read_text("utf-8")
    return CoverageRules.model_validate(safe_load(text))


@dataclass(frozen=True)
class SourceList:
    """One agency's rows in one file of a partial source: how many, in what order, down to what."""

    file_name: str
    agency: str  # ICE, CBP
    rows: int
    smallest: Decimal  # the last amount a largest-first list reached
    rises: int  # rows larger than the row before them: 0 means sorted largest first
    negatives: int

    @property
    def round(self) -> bool:
        """A round number of rows (3,000; 5,100): where a collector's paging likely stopped."""
        return self.rows >= 1000 and self.rows % 100 == 0

    def text(self) -> str:
        return f"{count(self.rows)} {self.agency} rows in {self.file_name}"


@dataclass(frozen=True)
class SourceCoverage:
    layout: str
    title: str
    files: int
    transactions: int
    complete: bool
    why: str
    has_competition: bool
    lists: tuple[SourceList, ...] = ()  # partial sources only

    @property
    def round_counts(self) -> tuple[str, ...]:
        return tuple(item.text() for item in self.lists if item.round)

    @property
    def direction(self) -> str | None:
        """Which way a total over a partial source can be wrong, from the data itself.

        A list sorted largest first and cut short misses only rows no larger than where it
        stopped: if every list reached $0.00 or below, what is missing is $0 actions and
        de-obligations, so net obligations can only be too high ("high"); if a list stopped
        above $0 (or is not sorted), smaller obligations are missing too ("either").
        """
        if self.complete:
            return None
        if self.lists and all(i.rises == 0 for i in self.lists):
            return "high" if max(i.smallest for i in self.lists) <= 0 else "either"
        return "either"


def short_name(name: str) -> str:
    for a in agency_abbreviations():
        if a.sub_agency_name.upper() == name.upper():
            return a.abbreviation
    return name


def source_files(con: Any) -> dict[str, tuple[str, str]]:
    if not is_duckdb(con):  # the same rows through Ibis
        t = con.table("source_files")
        picked = t.filter(t.target_table == "transactions").select("sha256", "file_name", "layout")
        return {r["sha256"]: (r["file_name"], r["layout"]) for r in engine.rows(picked)}
    found = con.con.execute(
        "SELECT sha256, file_name, layout FROM source_files WHERE target_table = 'transactions'"
    ).fetchall()
    return {sha: (name, layout) for sha, name, layout in found}


def source_lists(questions: Prepared) -> list[dict[str, Any]]:
    """Per file and agency, the rows as the files hold them (repeats included, in file order):
    how many, the smallest amount, and how many rows are larger than the row before them."""
    con = questions.con

    def build(facts: ir.Table) -> ir.Table:  # the files' rows as loaded, not the facts
        t = con.table("transactions")
        order = ibis.window(
            group_by=[t.source_sha256, t.awarding_sub_agency_name], order_by=t.source_row
        )
        amount = t.federal_action_obligation
        t = t.mutate(_rise=(amount > amount.lag().over(order)).fill_null(False).cast("int64"))
        return t.group_by(sha256=t.source_sha256, agency=t.awarding_sub_agency_name).aggregate(
            rows=t.count(),
            smallest=t.federal_action_obligation.min(),
            rises=t._rise.sum(),
            negatives=(t.federal_action_obligation < 0).cast("int64").sum(),
        )

    return questions.records("coverage:source-lists", build)


def partial_text(s: SourceCoverage, sources: list[SourceCoverage]) -> str:
    """The partial source's caveat: what it is, the evidence, and which way totals can be off."""
    counted = sum(x.transactions for x in sources)
    which = (
        f"all {count(s.transactions)}"
        if s.transactions == counted
        else f"{count(s.transactions)} of the {count(counted)}"
    )
    text = f"Partial source: {which} transactions counted come from the {s.title}, which {s.why}."
    rounds = [i for i in s.lists if i.round]
    if rounds:
        text += (
            f" {len(rounds)} of its {len(s.lists)} lists (one per agency and file) stop at a round "
            f"number of rows: {'; '.join(i.text() for i in rounds)}."
        )
    if s.direction == "high":
        lowest = max(i.smallest for i in s.lists)
        reached = "$0.00" if lowest == 0 else money_short(lowest)
        text += (
            " Every list is in order, largest first, and reaches "
            f"{reached} or below, so every positive obligation in it is loaded: what can be "
            "missing is $0 actions and de-obligations. Net totals can be too high, not too "
            "low; counts of transactions and awards are lower bounds."
        )
    else:
        text += " Totals can be too high or too low; counts are lower bounds."
    return text


def sources_of(
    rows: list[dict[str, Any]],
    files: dict[str, tuple[str, str]],
    lists: list[dict[str, Any]],
) -> list[SourceCoverage]:
    per_layout: dict[str, dict[str, Any]] = defaultdict(lambda: {"files": set(), "rows": 0})
    for r in rows:
        name, layout = files.get(r["sha256"], (r["sha256"], "unknown"))
        per_layout[layout]["files"].add(name)
        per_layout[layout]["rows"] += r["rows"]
    out = []
    for layout, seen in sorted(per_layout.items(), key=lambda kv: -kv[1]["rows"]):
        facts = rules().layouts.get(layout)
        known = LAYOUTS_BY_NAME.get(layout)
        partial = not (facts.complete if facts else False)
        mine = tuple(
            SourceList(
                files[r["sha256"]][0], short_name(r["agency"] or "no agency"), int(r["rows"]),
                Decimal(r["smallest"] or 0), int(r["rises"] or 0), int(r["negatives"] or 0),
            )
            for r in lists
            if files.get(r["sha256"], ("", ""))[1] == layout
            and files[r["sha256"]][0] in seen["files"]
        ) if partial else ()  # fmt: skip
        mine = tuple(sorted(mine, key=lambda i: (i.file_name, i.agency)))
        out.append(
            SourceCoverage(
                layout=layout,
                title=known.title if known else layout,
                files=len(seen["files"]),
                transactions=seen["rows"],
                complete=facts.complete if facts else False,
                why=facts.why if facts else "vendorwatch does not know whether it is complete",
                has_competition=(
                    known is not None
                    and (not known.fields or "extent_competed_code" in known.fields)
                ),
                lists=mine,
            )
        )
    return out
