"""Amounts as people write them ("8.3M", "$16.8 million", "22,100,000") and their rounding.

A stated figure is as precise as its last digit: "$8.3 million" means 8,250,000 to 8,350,000,
so a check against the data allows half a unit of that digit either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from vendorwatch.errors import VendorwatchError

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


def day_text(day: date) -> str:
    """A date as a reader writes it: 15 July 2022."""
    return f"{day.day} {day:%B %Y}"
