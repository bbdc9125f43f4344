"""Checking a stated figure against the same figure in the data, with a verdict and its reason.

A claim ("an $8.3 million contract", "a ceiling of $22.1 million") has a subject (a family, a
company, or one award), a measure (obligated to date, current value, potential value), an
amount and the day it was stated. It is compared only with the same measure of the same
subject on that day: never with a family's total when it names one contract, never with the
closest figure on some other date. The verdict is ``consistent`` (within the rounding of the
stated figure, said in the reason), ``inconsistent`` (with the difference) or ``cannot_check``
(with why). The CLI, the API, the site's form and the dossier's claims table all call
`check_claim`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

import ibis.expr.types as ir

from vendorwatch.analysis.base import plain
from vendorwatch.analysis.prepared import Builder, Prepared
from vendorwatch.analysis.rollups import award_summaries
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry
from vendorwatch.registry.models import Claim
from vendorwatch.warehouse.layouts import API_TRANSACTION_EXPORT, LAYOUTS_BY_NAME

Verdict = Literal["consistent", "inconsistent", "cannot_check"]
Bound = Literal["about", "at_least", "at_most"]

MEASURES = {
    "obligated": "obligated to date",
    "current": "current value (base and exercised options)",
    "potential": "potential value (ceiling: base and all options)",
    "per_year": "value per year",
    "count": "a count (not money)",
    "other": "not a contract figure",
}
CHECKABLE = ("obligated", "current", "potential")

ACCEPTED = "accepted forms: 8.3M, $16.8 million, 22,100,000, 450k, $1.2B, 3168000.50"
_UNITS = {
    "": 1,
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "million": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "billion": 10**9,
}
_AMOUNT = re.compile(
    r"(?:us)?\$?\s*(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?\s*"
    r"(?P<unit>[a-z]*)",
    re.IGNORECASE,
)
# The same forms as a JSON-schema pattern (for the API's documentation; a subset: one space).
AMOUNT_PATTERN = (
    r"^(?:US|us)?\$?[ ]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?[ ]?"
    r"(?:k|K|m|M|mn|b|B|bn|thousand|million|billion)?$"
)


@dataclass(frozen=True)
class StatedAmount:
    """An amount as a person wrote it, and the rounding that wording implies."""

    amount: Decimal
    tolerance: Decimal  # half a unit of the last stated digit


def tolerance_of(amount: Decimal) -> Decimal:
    """Half a unit of the last non-zero digit: 8,300,000 -> 50,000; 3,168,000.50 -> 0.05.

    A whole number's trailing zeros are read as rounding ("22,100,000" is "$22.1 million").
    """
    digits = amount.normalize().as_tuple()
    return Decimal(5).scaleb(int(digits.exponent) - 1) if amount else Decimal("0.5")


def parse_amount(text: str) -> StatedAmount:
    """``8.3M``, ``$16.8 million``, ``22,100,000`` … or a one-line error with the forms."""
    match = _AMOUNT.fullmatch(text.strip())
    unit = match["unit"].lower() if match else ""
    if match is None or unit not in _UNITS:
        raise VendorwatchError(f"amount {text!r} is not an amount of money; {ACCEPTED}")
    scale = Decimal(_UNITS[unit])
    whole = match["int"].replace(",", "")
    frac = match["frac"] or ""
    amount = Decimal(f"{whole}.{frac}" if frac else whole) * scale
    if frac:
        tolerance = Decimal(5).scaleb(-len(frac) - 1) * scale
    elif unit:
        tolerance = scale / 2
    else:
        tolerance = tolerance_of(amount)
    return StatedAmount(amount, tolerance)


def dollars(value: Decimal) -> str:
    return f"{'-' if value < 0 else ''}${abs(value):,.2f}"


@dataclass(frozen=True)
class Subject:
    kind: Literal["family", "company", "award"]
    id: str  # organisation id or generated award id
    name: str
    column: str  # the facts column that selects its rows


@dataclass
class ClaimCheck:
    subject: str
    measure: str
    amount: Decimal | None
    on: date
    verdict: Verdict
    reason: str
    data_figure: Decimal | None = None
    tolerance: Decimal | None = None
    bound: Bound = "about"
    found: Subject | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def difference(self) -> Decimal | None:
        """The claim minus the data's figure (positive: the claim says more)."""
        if self.amount is None or self.data_figure is None:
            return None
        return self.amount - self.data_figure

    def as_dict(self) -> dict[str, Any]:
        f = self.found
        return {
            "subject": self.subject,
            "subject_kind": f.kind if f else None,
            "subject_id": f.id if f else None,
            "subject_name": f.name if f else None,
            "measure": self.measure,
            "measure_label": MEASURES[self.measure],
            "amount": plain(self.amount),
            "tolerance": plain(self.tolerance),
            "bound": self.bound,
            "on": self.on.isoformat(),
            "verdict": self.verdict,
            "data_figure": plain(self.data_figure),
            "difference": plain(self.difference),
            "reason": self.reason,
            "notes": self.notes,
            "sources": self.sources,
        }


# --- the questions asked of the warehouse --------------------------------------------------


def _coverage(facts: ir.Table) -> ir.Table:
    return facts.aggregate(first=facts.action_date.min(), last=facts.action_date.max())


def _keys(con: Any, table: str) -> Builder:
    def build(_facts: ir.Table, award_id: ir.Scalar) -> ir.Table:
        t = con.table(table)
        match = (t.award_id_piid == award_id) | (t.contract_award_unique_key == award_id)
        return t.filter(match).select(key=t.contract_award_unique_key).distinct()

    return build


def _transactions(con: Any, column: str) -> Builder:
    """The subject's transactions over all dates, each with its file and row."""

    def build(facts: ir.Table, subject: ir.Scalar) -> ir.Table:
        t = facts.filter(facts[column] == subject)
        files = con.table("source_files").select("sha256", "file_name", "layout")
        return (
            t.join(files, t.source_sha256 == files.sha256)
            .select(
                "action_date",
                award_key=t.contract_award_unique_key,
                piid=t.award_id_piid,
                modification_number=t.modification_number,
                amount=t.federal_action_obligation,
                current=t.current_total_value_of_award,
                potential=t.potential_total_value_of_award,
                file=files.file_name,
                layout=files.layout,
                row=t.source_row,
                sha256=t.source_sha256,
            )
            .order_by(["action_date", "row"])
        )

    return build


def _summaries(con: Any, column: str) -> Builder:
    """The latest award summary of each of the subject's awards, with its file and row."""

    def build(_facts: ir.Table, subject: ir.Scalar) -> ir.Table:
        a = award_summaries(con, classified=False)
        a = a.filter(a[column] == subject)
        files = con.table("source_files").select("sha256", "file_name", "layout")
        return (
            a.join(files, a.source_sha256 == files.sha256)
            .select(
                award_key=a.contract_award_unique_key,
                piid=a.award_id_piid,
                base=a.award_base_action_date,
                last_modified=a.last_modified_date,
                current=a.current_total_value_of_award,
                potential=a.potential_total_value_of_award,
                file=files.file_name,
                layout=files.layout,
                row=a.source_row,
                sha256=a.source_sha256,
            )
            .order_by("award_key")
        )

    return build


def _layout(name: str) -> str:
    layout = LAYOUTS_BY_NAME.get(name)
    return layout.short if layout else name


def _source(row: dict[str, Any], amount_key: str) -> dict[str, Any]:
    return {
        "file": row["file"],
        "row": row["row"],
        "sha256": row["sha256"],
        "layout": _layout(row["layout"]),
        "award_key": row["award_key"],
        "piid": row["piid"],
        "action_date": plain(row.get("action_date")),
        "modification_number": row.get("modification_number"),
        "amount": plain(row[amount_key]),
    }


# --- finding the subject ------------------------------------------------------------------


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


# --- the verdict ------------------------------------------------------------------------------


def _verdict(amount: Decimal, figure: Decimal, tolerance: Decimal, bound: Bound) -> Verdict:
    if bound == "at_least":
        return "consistent" if figure >= amount - tolerance else "inconsistent"
    if bound == "at_most":
        return "consistent" if figure <= amount + tolerance else "inconsistent"
    return "consistent" if abs(amount - figure) <= tolerance else "inconsistent"


_BOUND_WORDS = {"about": "", "at_least": "at least ", "at_most": "at most "}


def _compare(check: ClaimCheck, what: str, *, lower_bound_only: bool) -> ClaimCheck:
    """Set the verdict from ``check.data_figure``; ``what`` says what the figure is.

    ``lower_bound_only``: the data may miss some of the subject's money (whole awards before
    the loaded period), so a claim above the figure cannot be contradicted, only one below.
    """
    assert check.amount is not None and check.data_figure is not None
    assert check.tolerance is not None
    figure, tol = check.data_figure, check.tolerance
    verdict = _verdict(check.amount, figure, tol, check.bound)
    claimed = f"{_BOUND_WORDS[check.bound]}{dollars(check.amount)}"
    rounding = f"±{dollars(tol)}, half a unit of the stated figure's last digit"
    gap = check.difference
    assert gap is not None
    if verdict == "inconsistent" and gap > 0 and lower_bound_only:
        check.verdict = "cannot_check"
        check.reason = (
            f"{what} is {dollars(figure)}, {dollars(gap)} less than the claimed {claimed}; the "
            "loaded data can miss earlier awards and smaller transactions, so it cannot "
            "contradict a larger figure"
        )
    elif verdict == "consistent":
        check.verdict = "consistent"
        check.reason = (
            f"{what} is {dollars(figure)}; the claimed {claimed} agrees with it ({rounding})"
        )
    else:
        side = "more" if gap > 0 else "less"
        check.verdict = "inconsistent"
        check.reason = (
            f"{what} is {dollars(figure)}; the claimed {claimed} is {dollars(abs(gap))} {side} "
            f"(beyond {rounding})"
        )
    return check


def _obligated(check: ClaimCheck, rows: list[dict[str, Any]], start: date) -> ClaimCheck:
    subject = check.found
    assert subject is not None
    counted = [r for r in rows if r["action_date"] <= check.on]
    if subject.kind == "award":
        if not rows:
            check.reason = (
                "only the award's summary is loaded; obligations on a date need its transactions"
            )
            return check
        if not counted:
            check.reason = (
                f"the award's first action in the loaded data is dated "
                f"{rows[0]['action_date'].isoformat()}, after {check.on.isoformat()}"
            )
            return check
        if not any((r["modification_number"] or "0") == "0" for r in rows):
            check.reason = (
                "the award's base action (modification 0) is not in the loaded data, so what "
                f"was obligated before {rows[0]['action_date'].isoformat()} is missing"
            )
            return check
    elif not rows:
        check.reason = (
            f"the loaded data holds no transaction of {subject.name} (from {start.isoformat()}); "
            "it can neither confirm nor contradict the figure"
        )
        return check
    check.data_figure = sum((r["amount"] or Decimal(0) for r in counted), Decimal(0))
    check.sources = [_source(r, "amount") for r in counted]
    if any(r["layout"] == API_TRANSACTION_EXPORT.name for r in counted):
        check.notes.append(
            "some of these transactions come from an API export that keeps the largest "
            "transactions first: smaller ones may be missing, so the figure is a lower bound"
        )
    what = (
        f"obligated on {subject.name} on or before {check.on.isoformat()} in the loaded data "
        f"({len(counted)} transactions)"
    )
    return _compare(check, what, lower_bound_only=subject.kind != "award")


def _value(
    check: ClaimCheck, rows: list[dict[str, Any]], summaries: list[dict[str, Any]]
) -> ClaimCheck:
    """Current or potential value: a bulk transaction's running value, else award summaries."""
    subject, on, key = check.found, check.on, check.measure
    assert subject is not None
    label = MEASURES[key].split(" (")[0]
    dated = [r for r in rows if r[key] is not None and r["action_date"] <= on]
    if subject.kind == "award" and dated:
        latest = dated[-1]
        check.data_figure = Decimal(latest[key])
        check.sources = [_source(latest, key)]
        what = (
            f"the award's {label} after its last modification on or before {on.isoformat()} "
            f"({latest['action_date'].isoformat()})"
        )
        return _compare(check, what, lower_bound_only=False)
    made = [s for s in summaries if s["base"] is None or s["base"] <= on]
    if not made:
        if summaries:
            check.reason = (
                f"{subject.name}'s awards in the loaded summaries were all made after "
                f"{on.isoformat()}"
            )
        else:
            layouts = sorted({_layout(r["layout"]) for r in rows})
            carried = (
                f"its transactions come from {', '.join(layouts)}, which carry"
                if rows
                else "none of its transactions carry"
            )
            check.reason = (
                f"the measure is not in the loaded data: no award summary of {subject.name} is "
                f"loaded and {carried} no {label} (award-summary files do)"
            )
        return check
    known = {s["award_key"] for s in made}
    missing = {r["award_key"] for r in rows if r["action_date"] <= on} - known
    if missing:
        check.reason = (
            f"{len(missing)} of {subject.name}'s {len(missing | known)} awards made by "
            f"{on.isoformat()} have no award summary loaded, so their {label} is not in the data"
        )
        return check
    check.data_figure = sum((s[key] or Decimal(0) for s in made), Decimal(0))
    check.sources = [_source(s, key) for s in made]
    later = [s for s in made if s["last_modified"] is not None and s["last_modified"] > on]
    if later:
        check.notes.append(
            f"award summaries give the {label} as of their last modification (latest "
            f"{max(s['last_modified'] for s in later).isoformat()}), after "
            f"{on.isoformat()}: a modification in between may have changed it"
        )
    summaries_word = "summary" if len(made) == 1 else "summaries"
    what = f"the {label} in {len(made)} award {summaries_word} of {subject.name}"
    return _compare(check, what, lower_bound_only=False)


def check_claim(
    con: Any,
    registry: Registry,
    subject: str,
    amount: Decimal | None,
    on: date,
    *,
    measure: str = "obligated",
    tolerance: Decimal | None = None,
    bound: Bound = "about",
    covers_from: date | None = None,
    single_award: bool = False,
    date_known: bool = True,
    questions: Prepared | None = None,
) -> ClaimCheck:
    """The verdict on ``amount`` as the ``measure`` of ``subject`` on ``on``.

    ``tolerance`` defaults to the rounding the amount's digits imply (`tolerance_of`);
    ``single_award``: the statement is about one unidentified contract of ``subject``;
    ``date_known`` False: ``on`` is only when the statement was recorded, not made.
    """
    if measure not in MEASURES:
        raise VendorwatchError(f"measure {measure!r} is not one of: {', '.join(MEASURES)}")
    questions = questions or Prepared(con)
    check = ClaimCheck(subject, measure, amount, on, "cannot_check", "", bound=bound)
    if amount is not None:
        check.tolerance = tolerance if tolerance is not None else tolerance_of(amount)
    found = find_subject(questions, registry, subject)
    check.found = found if isinstance(found, Subject) else None
    coverage = questions.rows("claims:coverage", _coverage)
    start = date.fromisoformat(coverage[0]["first"]) if coverage and coverage[0]["first"] else None
    why: list[str] = []
    if amount is None:
        why.append("the statement gives no single amount")
    if measure == "count":
        why.append("not money: a count is not a figure contract data holds")
    elif measure == "per_year":
        why.append("a value per year is not a figure the data holds (only totals to a date)")
    elif measure == "other":
        why.append("not a contract figure (e.g. a price paid between companies)")
    if start is None:
        why.append("no transactions are loaded")
    elif on < start and (measure == "obligated" or single_award):
        why.append(f"{on.isoformat()} is before the loaded data (it begins {start.isoformat()})")
    elif covers_from is not None and covers_from < start:
        why.append(
            f"the figure counts from {covers_from.year}; the loaded data begins "
            f"{start.isoformat()}, so the years before are missing"
        )
    if not date_known and measure == "obligated":
        why.append(
            "the day it was stated is not recorded (the date given is when it was noted) and "
            "obligations to date change with the day"
        )
    if isinstance(found, str):
        why.append(found)
    elif single_award:
        why.append(
            f"it is about one contract of {found.name} that the registry has not identified by "
            f"PIID; {found.name}'s total would not be the same figure"
        )
    if why:
        check.reason = "; ".join(why)
        return check
    assert isinstance(found, Subject) and start is not None
    rows = questions.records(
        f"claims:transactions:{found.column}",
        _transactions(con, found.column),
        subject=found.id,
    )
    if measure == "obligated":
        return _obligated(check, rows, start)
    summaries = questions.records(
        f"claims:summaries:{found.column}", _summaries(con, found.column), subject=found.id
    )
    if not date_known:
        check.notes.append(
            f"the day it was stated is not recorded: the value is taken on {on.isoformat()}, "
            "when it was noted"
        )
    return _value(check, rows, summaries)


def check_registry_claim(
    con: Any, registry: Registry, claim: Claim, questions: Prepared | None = None
) -> ClaimCheck:
    """A curated claim through the same `check_claim` anyone's statement goes through.

    A claim whose day is known only to lie between ``stated_on`` and ``stated_by`` is checked
    on each day in that span on which the data changed: one verdict only if all agree.
    """
    questions = questions or Prepared(con)

    def on(day: date) -> ClaimCheck:
        return check_claim(
            con,
            registry,
            claim.award or claim.subject,
            claim.amount,
            day,
            measure=claim.measure,
            bound=claim.bound,
            covers_from=claim.covers_from,
            single_award=claim.single_award,
            date_known=claim.date_known,
            questions=questions,
        )

    first = on(claim.stated_on)
    if claim.stated_by is None or claim.stated_by == claim.stated_on:
        return first
    last = on(claim.stated_by)
    changed = sorted(
        {
            date.fromisoformat(s["action_date"])
            for s in last.sources
            if s["action_date"] and claim.stated_on < date.fromisoformat(s["action_date"])
        }
    )
    checks = [first, *(on(day) for day in changed if day < claim.stated_by), last]
    span = f"{claim.stated_on.isoformat()} to {claim.stated_by.isoformat()}"
    if len({c.verdict for c in checks}) == 1 and len({c.data_figure for c in checks}) == 1:
        last.notes.append(f"stated some day from {span}: the figure is the same on each of them")
    elif len({c.verdict for c in checks}) == 1:
        last.notes.append(f"stated some day from {span}: the verdict is the same on each of them")
    else:
        figures = [dollars(c.data_figure) for c in checks if c.data_figure is not None]
        last.verdict = "cannot_check"
        last.reason = (
            f"it was stated some day from {span}, and the data's figure over that span "
            f"({' to '.join(dict.fromkeys(figures))}) gives different verdicts"
        )
    return last
