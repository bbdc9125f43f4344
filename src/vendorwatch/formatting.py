"""Numbers and dates as people read them: $1.2B, 23,461, 1 December 2026.

Pages, documents and letters show these; JSON, CSV and Parquet keep the exact machine forms
(decimal strings, ISO dates). Money is rounded from the exact decimal, never through a float.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from vendorwatch.warehouse.layouts import LAYOUTS_BY_NAME

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip

_SCALES = ((Decimal(10) ** 12, "T"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"))


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def money(value: Any) -> str:
    """``$1,234.56`` from an exact decimal (or its string); ``—`` for none."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def money_short(value: Any) -> str:
    """``$1.2B``, ``$36.3M``, ``$786,245``: a headline figure, rounded half up from the exact
    decimal (one decimal place from a million up; whole dollars below)."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    size = abs(amount)
    for scale, letter in _SCALES:
        if size >= scale:
            shown = (size / scale).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            return f"{sign}${shown}{letter}"
    return f"{sign}${size.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def money_headline(value: Any) -> str:
    """``$2.5M ($2,472,966.87)``: the rounded figure to read, the exact one to quote."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    if abs(amount) < Decimal(10) ** 6:
        return money(amount)
    return f"{money_short(amount)} ({money(amount)})"


def count(value: Any) -> str:
    """``23,461``; ``—`` for none."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}"


def plural(n: Any, word: str, words: str | None = None) -> str:
    """``1 award``, ``23,461 awards``."""
    return f"{count(n)} {word if int(n) == 1 else (words or word + 's')}"


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    try:
        return (
            datetime.fromisoformat(text).date()
            if "T" in text or " " in text
            else (date.fromisoformat(text))
        )
    except ValueError:
        return None


def day(value: Any) -> str:
    """``1 December 2026`` from a date, a datetime or ISO text; other text is shown as is."""
    found = _as_date(value)
    if found is None:
        return "—" if value is None or value == "" else str(value)
    return f"{found.day} {MONTHS[found.month - 1]} {found.year}"


def moment(value: Any) -> str:
    """``1 December 2026 at 22:34 UTC`` from a UTC timestamp (or its ISO text)."""
    if value is None or value == "":
        return "—"
    stamp = value if isinstance(value, datetime) else None
    if stamp is None:
        try:
            stamp = datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
    return f"{day(stamp)} at {stamp:%H:%M} UTC"


def fiscal_year_text(year: Any) -> str:
    """``FY2026``."""
    return f"FY{int(year)}"


def layout_title(name: Any) -> str:
    """A source layout's name for people (``USAspending API spending_by_transaction export``)."""
    layout = LAYOUTS_BY_NAME.get(str(name))
    return layout.title if layout else str(name)


_ISO_DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def days_in(text: Any) -> str:
    """Text with each ISO date in it written as ``1 January 2023``."""
    return _ISO_DAY.sub(lambda m: day(m.group(1)), "" if text is None else str(text))


_WORDS = {"licence": "license", "dmv": "DMV"}  # ids keep their spelling; readers get US English


def words(slug: Any) -> str:
    """A category id as words: ``licence-plates`` → ``license plates``, ``public_records`` →
    ``public records``."""
    return " ".join(_WORDS.get(w, w) for w in str(slug).replace("_", "-").split("-"))


FILTERS = {
    "money": money,
    "money_short": money_short,
    "money_headline": money_headline,
    "count": count,
    "day": day,
    "moment": moment,
    "fy": fiscal_year_text,
    "layout_title": layout_title,
    "words": words,
    "days_in": days_in,
}
"""The Jinja filters the site and the documents share (registered in both environments)."""
