"""Claims that are not money: counts, dates ("since 2016") and yes/no facts, checked where the
data can speak to them.

A date claim is set beside the subject's earliest loaded award with the agency it names; a
yes/no claim that names an award class (``licence_plates``) beside the subject's awards of that
class. Where contract records cannot say (how often a product was searched, what a tool is used
for), the verdict is ``cannot_check`` with the reason. The verdict words are the money checker's
(`vendorwatch.analysis.claims`), so the dossier's claims table reads them all the same way.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from vendorwatch.analysis.base import plain, with_source
from vendorwatch.analysis.claim_amounts import day_text
from vendorwatch.analysis.claim_data import Subject, find_subject, layout_name
from vendorwatch.analysis.coverage_sources import short_name
from vendorwatch.analysis.lazy import ir
from vendorwatch.analysis.prepared import Builder, Prepared
from vendorwatch.registry import Registry
from vendorwatch.registry.models import Claim

if TYPE_CHECKING:  # claims imports this module; the class is only needed for the types
    from vendorwatch.analysis.claims import ClaimCheck

KIND_LABELS = {
    "money": "an amount of money",
    "count": "a count (not money)",
    "date": "a date",
    "yes_no": "a yes/no fact",
}


def _rows_of(con: Any, column: str) -> Builder:
    """The subject's transactions with buyer, class and source row, oldest first."""

    def build(facts: ir.Table, subject: ir.Scalar) -> ir.Table:
        t = facts.filter(facts[column] == subject)
        return with_source(
            con,
            t,
            "action_date",
            award_key=t.contract_award_unique_key,
            piid=t.award_id_piid,
            modification_number=t.modification_number,
            sub_agency=t.awarding_sub_agency_name,
            organisation=t.organisation,
            description=t.transaction_description,
            classification=t.classification,
            rule=t.classification_rule,
            evidence=t.classification_evidence,
        ).order_by(["action_date", "row"])

    return build


def _agency_reach(facts: ir.Table) -> ir.Table:
    """When each buyer's loaded transactions begin and end (all recipients)."""
    return facts.group_by(sub_agency=facts.awarding_sub_agency_name).aggregate(
        first=facts.action_date.min(), last=facts.action_date.max()
    )


def _source(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "file": row["file"],
        "row": row["row"],
        "sha256": row["sha256"],
        "layout": layout_name(row["layout"]),
        "award_key": row["award_key"],
        "piid": row["piid"],
        "action_date": plain(row["action_date"]),
        "modification_number": row["modification_number"],
        "amount": None,
    }


def _is_base(row: dict[str, Any]) -> bool:
    return (row["modification_number"] or "0") == "0"


def _first_actions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each award's first loaded action (rows are in date order)."""
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(row["award_key"], row)
    return sorted(seen.values(), key=lambda r: (r["action_date"], r["row"]))


def _award_words(row: dict[str, Any], registry: Registry) -> str:
    org = registry.organisations.get(row["organisation"] or "")
    who = org.value.name if org else "its recipient"
    seen = (
        "signed that day (modification 0)"
        if _is_base(row)
        else f"as modification {row['modification_number']}, so it began earlier"
    )
    return (
        f"award {row['piid']} of {who} (“{row['description']}”), first in the loaded data on "
        f"{day_text(row['action_date'])} {seen}"
    )


def _window(claim: Claim) -> tuple[date, date]:
    """The span a stated date covers: "2016" is the whole year."""
    since = claim.since
    assert since is not None
    if claim.precision == "year":
        return date(since.year, 1, 1), date(since.year, 12, 31)
    if claim.precision == "month":
        nxt = date(since.year + (since.month == 12), since.month % 12 + 1, 1)
        return date(since.year, since.month, 1), date.fromordinal(nxt.toordinal() - 1)
    return since, since


def _stated(claim: Claim) -> str:
    since = claim.since
    assert since is not None
    if claim.precision == "year":
        return str(since.year)
    if claim.precision == "month":
        return f"{since:%B %Y}"
    return day_text(since)


def _agency(
    claim: Claim, rows: list[dict[str, Any]], reach: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, Any] | None, str | None]:
    """The rows bought by the claim's agency, that agency's reach, or why it names none."""
    if claim.agency is None:
        return rows, None, None
    wanted = claim.agency.upper()
    names = {
        str(r["sub_agency"])
        for r in reach
        if r["sub_agency"]
        and wanted in (str(r["sub_agency"]).upper(), short_name(str(r["sub_agency"])).upper())
    }
    if not names:
        return [], None, f"no transaction of {claim.agency} is loaded"
    mine = [r for r in rows if r["sub_agency"] in names]
    span = [r for r in reach if r["sub_agency"] in names]
    first = min(r["first"] for r in span)
    return mine, {"name": claim.agency, "first": first}, None


def _check_date(
    check: ClaimCheck,
    registry: Registry,
    claim: Claim,
    *,
    subject: Subject,
    rows: list[dict[str, Any]],
    reach: list[dict[str, Any]],
) -> ClaimCheck:
    mine, agency, why = _agency(claim, rows, reach)
    with_whom = f" with {claim.agency}" if claim.agency else ""
    if why:
        check.reason = why
        return check
    begins = agency["first"] if agency else min(r["first"] for r in reach)
    start, end = _window(claim)
    stated = _stated(claim)
    firsts = _first_actions(mine)
    if not firsts:
        check.reason = (
            f"the loaded data holds no award of {subject.name}{with_whom} (it begins "
            f"{day_text(begins)}); it can neither confirm nor contradict “since {stated}”"
        )
        return check
    earliest = firsts[0]
    first_day = earliest["action_date"]
    check.data_date = first_day
    check.sources = [_source(earliest)]
    what = (
        f"the earliest loaded award of {subject.name}{with_whom} is "
        f"{_award_words(earliest, registry)}"
    )
    if first_day <= end:
        check.verdict = "consistent"
        within = first_day >= start
        check.reason = (
            f"{what}: {'in' if within else 'before'} {stated}, so the records agree that it "
            "existed by then"
        )
        if not within:
            check.notes.append(f"the records show it earlier than {stated}")
    elif _is_base(earliest) and begins <= start:
        check.verdict = "inconsistent"
        check.reason = (
            f"{what}, after {stated}, though the loaded records{with_whom} reach back to "
            f"{day_text(begins)}"
        )
    else:
        check.reason = (
            f"{what}; the loaded records{with_whom} begin {day_text(begins)}, after {stated}, "
            f"so they can neither confirm nor contradict “since {stated}”"
        )
    return check


def _check_yes_no(
    check: ClaimCheck,
    registry: Registry,
    claim: Claim,
    *,
    subject: Subject,
    rows: list[dict[str, Any]],
    reach: list[dict[str, Any]],
) -> ClaimCheck:
    if claim.category is None:
        check.reason = (
            "contract records say what was bought, from whom and when, not what it is used for "
            "or how: nothing in the loaded data can confirm or contradict it"
        )
        return check
    entry = registry.categories.get(claim.category)
    label = entry.value.label if entry else claim.category
    mine, agency, why = _agency(claim, rows, reach)
    with_whom = f" with {claim.agency}" if claim.agency else ""
    if why:
        check.reason = why
        return check
    begins = agency["first"] if agency else min(r["first"] for r in reach)
    classed = _first_actions([r for r in mine if r["classification"] == claim.category])
    day = claim.stated_by or claim.stated_on
    if claim.date_known:
        # Running by the day: begun by then, or first seen as a modification (begun earlier).
        running = [r for r in classed if r["action_date"] <= day or not _is_base(r)]
        later = [r for r in classed if r not in running]
    else:
        running, later = classed, []
        if classed:
            check.notes.append(
                "the day it was stated is not recorded: awards of any date are compared"
            )
    says = "says it does" if claim.holds else "says it does not"
    if running:
        first = running[0]
        check.sources = [_source(r) for r in running]
        check.data_date = first["action_date"]
        rule = f" (rule {first['rule']}: “{first['evidence']}”)" if first["rule"] else ""
        count = f"{len(running)} award{'s' if len(running) > 1 else ''}"
        check.verdict = "consistent" if claim.holds else "inconsistent"
        check.reason = (
            f"the loaded data holds {count} of {subject.name}{with_whom} classed “{label}”; "
            f"the first is {_award_words(first, registry)}{rule}; the statement {says}"
        )
    elif later:
        check.reason = (
            f"the awards of {subject.name}{with_whom} classed “{label}” in the loaded data "
            f"begin {day_text(later[0]['action_date'])}, after it was stated"
        )
    elif claim.holds:
        check.reason = (
            f"no award of {subject.name}{with_whom} in the loaded data (from "
            f"{day_text(begins)}) is classed “{label}”; the records may be incomplete, so they "
            "cannot contradict it"
        )
    else:
        check.reason = (
            f"no award of {subject.name}{with_whom} in the loaded data (from "
            f"{day_text(begins)}) is classed “{label}”: the records do not contradict it, and "
            "an absence in partial records cannot confirm it"
        )
    return check


def _count_reason(claim: Claim) -> str:
    unit = f" of {claim.unit}" if claim.unit else ""
    return (
        f"not money: a count{unit} is not a figure contract data holds (it records what was "
        "bought and for how much, not how often it was used); it rests on its source alone"
    )


def check_kind(
    check: ClaimCheck, con: Any, registry: Registry, claim: Claim, questions: Prepared
) -> ClaimCheck:
    """Fill ``check`` (a `ClaimCheck`) for a count, date or yes/no claim."""
    if claim.kind == "count":
        check.reason = _count_reason(claim)
        return check
    found = find_subject(questions, registry, claim.award or claim.subject)
    if isinstance(found, str):
        check.reason = found
        return check
    check.found = found
    rows = questions.records(
        f"claims:kind-rows:{found.column}", _rows_of(con, found.column), subject=found.id
    )
    reach = questions.records("claims:agency-reach", _agency_reach)
    if not reach:
        check.reason = "no transactions are loaded"
        return check
    if claim.kind == "date":
        return _check_date(check, registry, claim, subject=found, rows=rows, reach=reach)
    return _check_yes_no(check, registry, claim, subject=found, rows=rows, reach=reach)
