"""What the loaded data covers, so that every total can say so beside itself.

A total of the loaded transactions is a total of what was loaded: these agencies, these dates,
and, where a source keeps only the largest transactions, a lower bound. A fiscal year the data
does not reach the end of is partial; competition a source does not record is "unknown", which
means "not in the data", never "competed". All of it is read from the warehouse (the rows and
``source_files``) and the per-layout facts in ``coverage.yaml``; nothing is hard-coded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from vendorwatch.analysis.base import plain
from vendorwatch.analysis.competition import Competed
from vendorwatch.analysis.coverage_sources import (
    SourceCoverage,
    partial_text,
    rules,
    short_name,
    source_files,
    source_lists,
    sources_of,
)
from vendorwatch.analysis.lazy import ir
from vendorwatch.analysis.prepared import Prepared
from vendorwatch.formatting import day, money_short


@dataclass(frozen=True)
class AgencyCoverage:
    name: str
    short: str  # ICE, CBP: what people call it
    first: date
    last: date
    transactions: int


@dataclass(frozen=True)
class FiscalYearCoverage:
    year: int
    first: date
    last: date
    partial: bool
    reason: str | None


@dataclass(frozen=True)
class UnknownCompetition:
    obligations: Decimal
    total: Decimal
    no_field: Decimal  # from layouts without the field
    blank: Decimal  # the field is there but blank or not in the code list


@dataclass(frozen=True)
class Coverage:
    """The loaded transactions' reach (agencies, dates, sources) and, for the rows a total is
    made of (all, or one family's), whether it is a lower bound and what is of unknown
    competition."""

    agencies: list[AgencyCoverage]
    first: date | None
    last: date | None
    fiscal_years: list[FiscalYearCoverage]
    missing_years: list[str]  # "FY2023 (CBP)": years inside the range with no rows
    sources: list[SourceCoverage]
    partial: bool  # the rows counted include a partial source
    unknown: UnknownCompetition
    subject: str | None = None  # a family id, or None for everything loaded
    notes: list[str] = field(default_factory=list)

    @property
    def agency_names(self) -> str:
        shorts = [a.short for a in self.agencies]
        return " and ".join([", ".join(shorts[:-1]), shorts[-1]] if len(shorts) > 1 else shorts)

    @property
    def partial_years(self) -> list[FiscalYearCoverage]:
        return [y for y in self.fiscal_years if y.partial]

    def scope(self) -> str:
        """One line: whose obligations, over which dates."""
        if not self.agencies or self.first is None or self.last is None:
            return "No transactions are loaded."
        years = f"FY{self.fiscal_years[0].year}" + (
            f"\u2013FY{self.fiscal_years[-1].year}" if len(self.fiscal_years) > 1 else ""
        )
        partial = [f"FY{y.year}" for y in self.partial_years]
        marked = f"; {' and '.join(partial)} partial" if partial else ""
        return (
            f"{self.agency_names} obligations only, {day(self.first)} to {day(self.last)} "
            f"({years}{marked})."
        )

    def bound(self) -> str | None:
        """The headline label: which way the totals can be wrong, or None when complete."""
        directions = {s.direction for s in self.sources if not s.complete}
        if not directions:
            return None
        if directions == {"high"}:
            return (
                "Partial data: counts of transactions and awards are lower bounds; net "
                "obligations can be overstated (de-obligations can be missing), not understated."
            )
        return "Partial data: counts are lower bounds; totals can be too high or too low."

    def caveats(self) -> list[str]:
        """Each limit of a total in words: lower bound, partial years, unknown competition."""
        out: list[str] = []
        out.extend(partial_text(s, self.sources) for s in self.sources if not s.complete)
        out.extend(f"FY{y.year} is partial: {y.reason}." for y in self.partial_years)
        if self.missing_years:
            out.append(f"No rows are loaded for {', '.join(self.missing_years)}.")
        u = self.unknown
        if u.obligations and u.total:
            share = (u.obligations / u.total * 100).quantize(Decimal(1))
            why = []
            if u.no_field:
                layouts = [s.title for s in self.sources if not s.has_competition]
                verb = "has" if len(layouts) == 1 else "have"
                why.append(f"the {' and the '.join(layouts)} {verb} no competition field")
            if u.blank:
                why.append(f"{money_short(u.blank)} carry a blank or unlisted competition code")
            out.append(
                f"Competition “unknown” ({money_short(u.obligations)}, {share}% of obligations) "
                f"means the loaded records do not say whether the award was competed: "
                f"{'; '.join(why)}. It is not counted as competed or as not competed."
            )
        return out + self.notes

    def general(self) -> list[str]:
        """The caveats without this selection's figures: for a page whose total is of any
        selection (browse, search), where the whole data's dollar shares would mislead."""
        out: list[str] = []
        for s in self.sources:
            if not s.complete:
                stopped = len(s.round_counts)
                out.append(
                    f"Partial source: the {s.title} {s.why}"
                    + (f" ({stopped} of its {len(s.lists)} lists stop at a round number of rows)"
                       if stopped else "")
                    + "."
                )  # fmt: skip
        out.extend(f"FY{y.year} is partial: {y.reason}." for y in self.partial_years)
        if self.missing_years:
            out.append(f"No rows are loaded for {', '.join(self.missing_years)}.")
        without = [s.title for s in self.sources if not s.has_competition]
        if without or self.unknown.blank:
            why = f": the {' and the '.join(without)} has no competition field" if without else ""
            out.append(
                "Competition “unknown” means the loaded records do not say whether an award was "
                f"competed{why}. It is not counted as competed or as not competed."
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: for exports' metadata and the API (dates ISO, money exact strings)."""
        return {
            "subject": self.subject,
            "scope": self.scope(),
            "caveats": self.caveats(),
            "general": self.general(),
            "bound": self.bound(),
            "agencies": [
                {
                    "name": a.name,
                    "short": a.short,
                    "first": plain(a.first),
                    "last": plain(a.last),
                    "transactions": a.transactions,
                }
                for a in self.agencies
            ],
            "first": plain(self.first),
            "last": plain(self.last),
            "fiscal_years": [
                {
                    "year": y.year,
                    "first": plain(y.first),
                    "last": plain(y.last),
                    "partial": y.partial,
                    "reason": y.reason,
                }
                for y in self.fiscal_years
            ],
            "missing_years": self.missing_years,
            "partial": self.partial,
            "sources": [
                {
                    "layout": s.layout,
                    "title": s.title,
                    "files": s.files,
                    "transactions": s.transactions,
                    "complete": s.complete,
                    "why": s.why,
                    "has_competition": s.has_competition,
                    "round_counts": list(s.round_counts),
                    "direction": s.direction,
                }
                for s in self.sources
            ],
            "unknown_competition": {
                "obligations": plain(self.unknown.obligations),
                "of_total": plain(self.unknown.total),
                "no_field": plain(self.unknown.no_field),
                "blank_code": plain(self.unknown.blank),
            },
        }


def _fy_bounds(year: int) -> tuple[date, date]:
    return date(year - 1, 10, 1), date(year, 9, 30)


def _grouped(facts: ir.Table, family: ir.Scalar | None = None) -> ir.Table:
    """One small grouped question: per file x agency x fiscal year x competition."""
    t = facts if family is None else facts.filter(facts.family == family)
    return t.group_by(
        sha256=t.source_sha256,
        agency=t.awarding_sub_agency_name,
        year=t.fiscal_year,
        competition=t.competition,
    ).aggregate(
        first=t.action_date.min(),
        last=t.action_date.max(),
        rows=t.count(),
        amount=t.federal_action_obligation.sum(),
    )


def _groups(questions: Prepared, family: str | None) -> list[dict[str, Any]]:
    """`_grouped`'s rows, asked as a prepared question (its SQL kept between runs)."""
    if family is None:
        return questions.records("coverage:groups", _grouped)
    return questions.records("coverage:groups", _grouped, family=family)


def _agencies(rows: list[dict[str, Any]]) -> list[AgencyCoverage]:
    spans: dict[str, list[Any]] = {}
    for r in rows:
        if r["agency"] is None:
            continue
        s = spans.setdefault(r["agency"], [r["first"], r["last"], 0])
        s[0], s[1], s[2] = min(s[0], r["first"]), max(s[1], r["last"]), s[2] + r["rows"]
    return [
        AgencyCoverage(name, short_name(name), first, last, n)
        for name, (first, last, n) in sorted(spans.items(), key=lambda kv: -kv[1][2])
    ]


def _edge_text(
    which: list[AgencyCoverage], found: dict[str, list[date]], side: int, of: int, then: str
) -> str:
    """'the loaded data ends 20 August 2026, before ...', naming agencies where they differ."""
    verb = "starts" if side == 0 else "ends"
    days = sorted({found[a.name][side] for a in which})
    if len(which) == of and len(days) == 1:
        return f"the loaded data {verb} {day(days[0])}, {then}"
    plural_verb = "start" if side == 0 else "end"
    parts = [f"{a.short}'s loaded rows {plural_verb} {day(found[a.name][side])}" for a in which]
    return f"{' and '.join(parts)}, {then}"


def _fiscal_years(
    rows: list[dict[str, Any]], agencies: list[AgencyCoverage], today: date
) -> tuple[list[FiscalYearCoverage], list[str]]:
    edge = timedelta(days=rules().edge_days)
    spans: dict[tuple[int, str], list[date]] = {}
    for r in rows:
        key = (int(r["year"]), r["agency"] or "")
        s = spans.setdefault(key, [r["first"], r["last"]])
        s[0], s[1] = min(s[0], r["first"]), max(s[1], r["last"])
    years = sorted({y for y, _ in spans})
    out: list[FiscalYearCoverage] = []
    missing: list[str] = []
    for year in range(years[0], years[-1] + 1) if years else ():
        start, end = _fy_bounds(year)
        found = {a.name: spans[(year, a.name)] for a in agencies if (year, a.name) in spans}
        absent = [a.short for a in agencies if a.name not in found]
        if not found:
            missing.append(f"FY{year}")
            continue
        if absent:
            missing.append(f"FY{year} ({', '.join(absent)})")
        first = min(s[0] for s in found.values())
        last = max(s[1] for s in found.values())
        reasons = []
        late = [a for a in agencies if a.name in found and found[a.name][0] - start > edge]
        early = [a for a in agencies if a.name in found and end - found[a.name][1] > edge]
        if late:
            reasons.append(
                _edge_text(late, found, 0, len(found), f"after the year began on {day(start)}")
            )
        if early:
            tail = "the year ends" if today <= end else "the year ended"
            reasons.append(_edge_text(early, found, 1, len(found), f"before {tail} on {day(end)}"))
        out.append(FiscalYearCoverage(year, first, last, bool(reasons), "; ".join(reasons) or None))
    return out, missing


def _unknown(rows: list[dict[str, Any]], sources: list[SourceCoverage],
             files: dict[str, tuple[str, str]]) -> UnknownCompetition:  # fmt: skip
    without = {s.layout for s in sources if not s.has_competition}
    total = no_field = blank = Decimal(0)
    for r in rows:
        amount = Decimal(r["amount"] or 0)
        total += amount
        if r["competition"] == Competed.UNKNOWN.value:
            if files.get(r["sha256"], ("", ""))[1] in without:
                no_field += amount
            else:
                blank += amount
    return UnknownCompetition(no_field + blank, total, no_field, blank)


def coverage(
    con: Any,
    *,
    family: str | None = None,
    today: date | None = None,
    questions: Prepared | None = None,
) -> Coverage:
    """The coverage of the loaded transactions; with ``family``, the lower bound and unknown
    competition of that family's rows (its agencies and dates are still the data's: a family
    with nothing in a year had nothing in the loaded data, not nothing at all)."""
    today = today or date.today()
    questions = questions or Prepared(con)
    files = source_files(con)
    everything = _groups(questions, None)
    agencies = _agencies(everything)
    years, missing = _fiscal_years(everything, agencies, today)
    mine = everything if family is None else _groups(questions, family)
    sources = sources_of(mine, files, source_lists(questions))
    return Coverage(
        agencies=agencies,
        first=min((a.first for a in agencies), default=None),
        last=max((a.last for a in agencies), default=None),
        fiscal_years=years,
        missing_years=missing,
        sources=sources,
        partial=any(not s.complete for s in sources),
        unknown=_unknown(mine, sources, files),
        subject=family,
    )
