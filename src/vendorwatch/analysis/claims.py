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

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from vendorwatch.analysis.base import plain
from vendorwatch.analysis.claim_amounts import (
    ACCEPTED,
    AMOUNT_PATTERN,
    StatedAmount,
    day_text,
    dollars,
    parse_amount,
    tolerance_of,
)
from vendorwatch.analysis.claim_data import (
    Subject,
    coverage,
    find_subject,
    layout_name,
    source_row,
    summaries_of,
    transactions_of,
)
from vendorwatch.analysis.claim_kinds import KIND_LABELS, check_kind
from vendorwatch.analysis.prepared import Prepared
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry
from vendorwatch.registry.models import Claim
from vendorwatch.warehouse.layouts import API_TRANSACTION_EXPORT

__all__ = [
    "ACCEPTED",
    "AMOUNT_PATTERN",
    "MEASURES",
    "ClaimCheck",
    "StatedAmount",
    "check_claim",
    "check_registry_claim",
    "parse_amount",
    "tolerance_of",
]

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
    # What is stated (`vendorwatch.registry.models.ClaimKind`) and, for a date or yes/no
    # claim, the day of the record the verdict rests on.
    kind: str = "money"
    data_date: date | None = None

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
            "kind": self.kind,
            "kind_label": KIND_LABELS[self.kind],
            "measure": self.measure,
            "measure_label": MEASURES.get(self.measure, KIND_LABELS[self.kind]),
            "amount": plain(self.amount),
            "tolerance": plain(self.tolerance),
            "bound": self.bound,
            "on": self.on.isoformat(),
            "verdict": self.verdict,
            "data_figure": plain(self.data_figure),
            "data_date": plain(self.data_date),
            "difference": plain(self.difference),
            "reason": self.reason,
            "notes": self.notes,
            "sources": self.sources,
        }


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
                f"{day_text(rows[0]['action_date'])}, after {day_text(check.on)}"
            )
            return check
        if not any((r["modification_number"] or "0") == "0" for r in rows):
            check.reason = (
                "the award's base action (modification 0) is not in the loaded data, so what "
                f"was obligated before {day_text(rows[0]['action_date'])} is missing"
            )
            return check
    elif not rows:
        check.reason = (
            f"the loaded data holds no transaction of {subject.name} (from {day_text(start)}); "
            "it can neither confirm nor contradict the figure"
        )
        return check
    check.data_figure = sum((r["amount"] or Decimal(0) for r in counted), Decimal(0))
    check.sources = [source_row(r, "amount") for r in counted]
    if any(r["layout"] == API_TRANSACTION_EXPORT.name for r in counted):
        check.notes.append(
            "some of these transactions come from an API export that keeps the largest "
            "transactions first: smaller ones may be missing, so the figure is a lower bound"
        )
    what = (
        f"obligated on {subject.called} on or before {day_text(check.on)} in the loaded data "
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
        check.sources = [source_row(latest, key)]
        what = (
            f"the award's {label} after its last modification on or before {day_text(on)} "
            f"({day_text(latest['action_date'])})"
        )
        return _compare(check, what, lower_bound_only=False)
    made = [s for s in summaries if s["base"] is None or s["base"] <= on]
    if not made:
        if summaries:
            check.reason = (
                f"{subject.name}'s awards in the loaded summaries were all made after "
                f"{day_text(on)}"
            )
        else:
            layouts = sorted({layout_name(r["layout"]) for r in rows})
            carried = (
                f"its transactions come from {', '.join(layouts)}, which carry"
                if rows
                else "none of its transactions carry"
            )
            check.reason = (
                f"the measure is not in the loaded data: no award summary of {subject.called} is "
                f"loaded and {carried} no {label} (award-summary files do)"
            )
        return check
    known = {s["award_key"] for s in made}
    missing = {r["award_key"] for r in rows if r["action_date"] <= on} - known
    if missing:
        check.reason = (
            f"{len(missing)} of {subject.name}'s {len(missing | known)} awards made by "
            f"{day_text(on)} have no award summary loaded, so their {label} is not in the data"
        )
        return check
    check.data_figure = sum((s[key] or Decimal(0) for s in made), Decimal(0))
    check.sources = [source_row(s, key) for s in made]
    later = [s for s in made if s["last_modified"] is not None and s["last_modified"] > on]
    if later:
        check.notes.append(
            f"award summaries give the {label} as of their last modification (latest "
            f"{day_text(max(s['last_modified'] for s in later))}), after "
            f"{day_text(on)}: a modification in between may have changed it"
        )
    summaries_word = "summary" if len(made) == 1 else "summaries"
    what = f"the {label} in {len(made)} award {summaries_word} of {subject.called}"
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
    span = questions.rows("claims:coverage", coverage)
    start = date.fromisoformat(span[0]["first"]) if span and span[0]["first"] else None
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
        why.append(f"{day_text(on)} is before the loaded data (it begins {day_text(start)})")
    elif covers_from is not None and covers_from < start:
        why.append(
            f"the figure counts from {covers_from.year}; the loaded data begins "
            f"{day_text(start)}, so the years before are missing"
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
        transactions_of(con, found.column),
        subject=found.id,
    )
    if measure == "obligated":
        return _obligated(check, rows, start)
    summaries = questions.records(
        f"claims:summaries:{found.column}", summaries_of(con, found.column), subject=found.id
    )
    if not date_known:
        check.notes.append(
            f"the day it was stated is not recorded: the value is taken on {day_text(on)}, "
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
    if claim.kind != "money":
        # Counts, dates and yes/no facts: checked where the data can speak (claim_kinds).
        check = ClaimCheck(
            claim.award or claim.subject,
            claim.measure or claim.kind,
            claim.amount,
            claim.stated_on,
            "cannot_check",
            "",
            kind=claim.kind,
        )
        return check_kind(check, con, registry, claim, questions)
    assert claim.measure is not None  # a money claim names its measure (models.Claim)
    measure = claim.measure

    def on(day: date) -> ClaimCheck:
        return check_claim(
            con,
            registry,
            claim.award or claim.subject,
            claim.amount,
            day,
            measure=measure,
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
    span = f"{day_text(claim.stated_on)} to {day_text(claim.stated_by)}"
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
