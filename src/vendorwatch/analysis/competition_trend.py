"""The trend of non-competed awards and dollars per fiscal year, and a sentence that reads it.

The rows are awards (`vendorwatch.analysis.best_values`), each placed in the fiscal year it was
signed, with its competition from the best source at hand and its obligations by the best
source (the award's total, not the year's transactions). Whether the years hold enough to call a
trend is a stated rule (``competition_rules.yaml``, ``trend``), never a guess from two points.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from vendorwatch.analysis.base import plain
from vendorwatch.analysis.competition import Competed, rules
from vendorwatch.analysis.coverage_sources import short_name
from vendorwatch.formatting import money_short, plural

_KINDS = {
    Competed.COMPETED.value: "competed",
    Competed.NOT_COMPETED.value: "not_competed",
    Competed.UNKNOWN.value: "unknown",
}


def by_year(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per fiscal year (oldest first): awards and obligations competed, not competed and of
    unknown competition, and the sub-agencies that made them, from rows of (fiscal_year,
    competition, sub_agency, awards, obligated)."""
    years: dict[int, dict[str, Any]] = {}
    agencies: dict[int, set[str]] = defaultdict(set)
    for r in rows:
        if r["fiscal_year"] is None:
            continue
        year = int(r["fiscal_year"])
        entry = years.setdefault(
            year,
            {"fiscal_year": year, "awards": 0, "obligated": Decimal(0)}
            | {
                f"{k}{s}": (0 if s == "" else Decimal(0))
                for k in _KINDS.values()
                for s in ("", "_obligated")
            },
        )
        kind = _KINDS.get(str(r["competition"]), "unknown")
        money = Decimal(r["obligated"] or 0)
        entry["awards"] += int(r["awards"])
        entry["obligated"] += money
        entry[kind] += int(r["awards"])
        entry[f"{kind}_obligated"] += money
        if r["sub_agency"]:
            agencies[year].add(short_name(str(r["sub_agency"])))
    return [{**years[y], "agencies": sorted(agencies[y])} for y in sorted(years)]


def _slope(points: list[tuple[int, float]]) -> float:
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


_VERBS = {"rising": "rises", "falling": "falls", "no clear direction": "shows no clear direction"}


def _trend(years: list[dict[str, Any]]) -> dict[str, Any]:
    rule = rules().trend
    known = [y for y in years if y["competed"] + y["not_competed"] >= rule.min_awards]
    basis = (
        f"a trend is called over at least {rule.min_years} fiscal years with at least "
        f"{rule.min_awards} awards of known competition each"
    )
    if len(known) < rule.min_years:
        return {
            "enough": False,
            "direction": None,
            "years": [y["fiscal_year"] for y in known],
            "note": f"Too little to call a trend: {plural(len(known), 'fiscal year')} "
            f"{'has' if len(known) == 1 else 'have'} {rule.min_awards} or more awards of known "
            f"competition ({basis}).",
        }
    shares = [
        (y["fiscal_year"], 100 * y["not_competed"] / (y["competed"] + y["not_competed"]))
        for y in known
    ]
    slope = _slope(shares)
    direction = (
        "no clear direction"
        if abs(slope) < rule.flat_points_per_year
        else ("rising" if slope > 0 else "falling")
    )
    first, last = shares[0], shares[-1]
    return {
        "enough": True,
        "direction": direction,
        "years": [y["fiscal_year"] for y in known],
        "note": f"Over the {len(known)} fiscal years with enough awards (FY{first[0]} to "
        f"FY{last[0]}) the share not competed {_VERBS[direction]} ({first[1]:.0f}% in "
        f"FY{first[0]}, {last[1]:.0f}% in FY{last[0]}; {slope:+.1f} points a year; {basis}).",
    }


def reading(name: str, years: list[dict[str, Any]]) -> str:
    """The latest fiscal year with a non-competed award, as a share of that year's awards, then
    the same share over every year (or that none is recorded as not competed)."""
    if not years:
        return f"No awards to {name} are in the loaded data."
    known = sum(y["competed"] + y["not_competed"] for y in years)
    if not known:
        return (
            f"The loaded records do not say whether any of {name}'s "
            f"{plural(sum(y['awards'] for y in years), 'award')} was competed."
        )
    flagged = [y for y in years if y["not_competed"]]
    if not flagged:
        return f"None of {name}'s {plural(known, 'award')} of known competition was not competed."
    y = flagged[-1]
    agency = " and ".join(y["agencies"]) + " " if y["agencies"] else ""
    unknown = f"; {y['unknown']} of unknown competition" if y["unknown"] else ""
    was = "was" if y["not_competed"] == 1 else "were"
    sentence = (
        f"Of {name}'s {plural(y['awards'], agency + 'award')} in FY{y['fiscal_year']}, "
        f"{y['not_competed']} {was} not competed ({money_short(y['not_competed_obligated'])} of "
        f"{money_short(y['obligated'])}){unknown}."
    )
    return sentence + _all_years(years) if len(years) > 1 else sentence


def _all_years(years: list[dict[str, Any]]) -> str:
    """The same measure over every year, so that one year's sentence is not read as the whole."""
    known = sum(y["competed"] + y["not_competed"] for y in years)
    not_competed = sum(y["not_competed"] for y in years)
    spent = sum((y["competed_obligated"] + y["not_competed_obligated"] for y in years), Decimal(0))
    spent_not = sum((y["not_competed_obligated"] for y in years), Decimal(0))
    unknown = sum(y["unknown"] for y in years)
    more = f", and {plural(unknown, 'more award')} of unknown competition" if unknown else ""
    return (
        f" That is the latest fiscal year with an award not competed; from "
        f"FY{years[0]['fiscal_year']} to FY{years[-1]['fiscal_year']}, {not_competed} of the "
        f"{plural(known, 'award')} of known competition {'was' if not_competed == 1 else 'were'} "
        f"not competed ({money_short(spent_not)} of {money_short(spent)}){more}."
    )


def competition_trend(name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The dossier's competition trend: per year, the sentence, and whether it is a trend."""
    years = by_year(rows)
    return {
        "years": [{k: plain(v) for k, v in y.items()} for y in years],
        "reading": reading(name, years),
        "trend": _trend(years) if years else None,
        "basis": "Awards by the fiscal year they were signed (the award record's base date, "
        "else the first loaded transaction); each award's obligations are its total by the best "
        "source at hand; competition from the latest transaction that carries it, else the "
        "award summary or detail record.",
    }
