"""When an award's life began, for the period a FOIA request asks for.

A request drafted from an award must reach back to the base award and the justification
behind it, not to the first transaction a loaded file happens to hold: the bundled API export
starts in FY2021, so an FY2018 order would lose its first three years. The start date comes,
best first, from the award summary's base action date, the base transaction (modification 0)
among the loaded ones, the fiscal year encoded in the PIID, or, failing all three, the
earliest loaded action — and the letter says which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from vendorwatch.analysis import AwardHistory
from vendorwatch.analysis.base import fiscal_year_of

# FAR 4.1603(a): a uniform PIID is 13 to 17 letters and digits; positions 1-6 are the issuing
# office's Activity Address Code, 7-8 the last two digits of the fiscal year it was assigned,
# 9 the instrument type (a letter), 10-17 a serial. https://www.acquisition.gov/far/4.1603
# DHS's older PIIDs (HSCEMD17F00008) have the same shape.
_UNIFORM = re.compile(r"[A-Z0-9]{6}(?P<fy>\d{2})[A-Z][A-Z0-9]{4,8}")
# Older DHS PIIDs ("HS..."), unlike the uniform "70..." ones, were sometimes numbered for the
# year after their award: in the bundled ICE award summaries 24 of 977 are one fiscal year
# ahead of their base action date (every one of the 186 "70..." PIIDs matches it exactly).
_LEGACY_PREFIX = "HS"


@dataclass(frozen=True)
class Start:
    """The first day a request asks records from, and where that day came from (in words)."""

    on: date
    source: str
    kind: str  # award-summary | base-transaction | piid | first-loaded-action


def piid_fiscal_year(piid: str, *, today: date | None = None) -> int | None:
    """The fiscal year encoded in a uniform PIID (70B04C18F00000031 → 2018), or None."""
    match = _UNIFORM.fullmatch(piid.strip().upper())
    if match is None:
        return None
    year = 2000 + int(match["fy"])
    if year > fiscal_year_of(today or date.today()) + 1:
        year -= 100  # "98" is 1998
    return year


def award_start(history: AwardHistory, *, today: date | None = None) -> Start | None:
    """When the award named by ``history`` began, best source first (see the module)."""
    summary = history.summary or {}
    base = summary.get("award_base_action_date")
    if isinstance(base, date):
        return Start(base, "the base award date in USAspending's award summary", "award-summary")
    first = next(
        (a for a in history.transactions if (a.modification_number or "").strip() == "0"), None
    )
    if first is not None:
        return Start(
            first.action_date,
            "the date of its base award transaction (modification 0) in USAspending",
            "base-transaction",
        )
    earliest = history.transactions[0].action_date if history.transactions else None
    year = piid_fiscal_year(history.piid, today=today)
    if year is not None and (earliest is None or year <= fiscal_year_of(earliest)):
        rule = "characters 7 and 8, after the 6-character office code: FAR 4.1603(a)"
        if history.piid.upper().startswith(_LEGACY_PREFIX):
            return Start(
                date(year - 2, 10, 1),
                f"the start of FY{year - 1}, a year before the FY{year} encoded in its PIID "
                f"({rule}), because older DHS PIIDs were sometimes numbered for the year after "
                "the award",
                "piid",
            )
        return Start(
            date(year - 1, 10, 1),
            f"the start of FY{year}, the fiscal year encoded in its PIID ({rule})",
            "piid",
        )
    if earliest is not None:
        return Start(
            earliest,
            "the earliest action I have seen; the base award may be older",
            "first-loaded-action",
        )
    return None
