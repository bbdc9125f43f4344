"""Column values written portably for backups: exact, the same from SQLite and PostgreSQL.

Decimals as strings (never floats), dates and times as ISO 8601 with times in UTC (the app
stores only UTC; SQLite keeps them without a zone, so a naive time in a zoned column is UTC),
JSON columns as JSON, binary (released records' bytes) as base64, the rest as JSON scalars.
Reading checks each value against its column and names the place of the first that does not
fit.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
)

from vendorwatch.errors import VendorwatchError


def encode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, DateTime):
        if kind.timezone:
            aware = value if value.tzinfo else value.replace(tzinfo=UTC)
            return aware.astimezone(UTC).isoformat()
        return value.isoformat()
    if isinstance(kind, Date):
        return value.isoformat()
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return str(Decimal(value))
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, LargeBinary):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(kind, (Integer, String, JSON, Float)):
        return value
    raise VendorwatchError(f"backup: column {column} has a type it cannot write ({kind})")


def decode(column: Column[Any], value: Any, where: str) -> Any:
    """The Python value for ``column`` from the file, or a one-line error naming the place."""
    if value is None:
        if not column.nullable:
            raise VendorwatchError(f"{where}: column {column.name} may not be empty")
        return None
    kind = column.type

    def expect(ok: bool, what: str) -> None:
        if not ok:
            raise VendorwatchError(f"{where}: column {column.name}: {value!r} is not {what}")

    try:
        if isinstance(kind, DateTime):
            expect(isinstance(value, str), "a date and time")
            moment = datetime.fromisoformat(value)
            if kind.timezone:
                aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
                return aware.astimezone(UTC)
            return moment
        if isinstance(kind, Date):
            expect(isinstance(value, str) and len(value) == 10, "a date (YYYY-MM-DD)")
            return date.fromisoformat(value)
        if isinstance(kind, Numeric) and not isinstance(kind, Float):
            expect(isinstance(value, str), "a decimal written as a string")
            amount = Decimal(value)
            expect(amount.is_finite(), "a finite decimal")
            return amount
        if isinstance(kind, LargeBinary):
            expect(isinstance(value, str), "base64 text")
            return base64.b64decode(value, validate=True)
    except (ValueError, InvalidOperation, binascii.Error):
        expect(False, "readable")
    if isinstance(kind, Boolean):
        expect(isinstance(value, bool), "true or false")
    elif isinstance(kind, Integer):
        expect(isinstance(value, int) and not isinstance(value, bool), "a whole number")
    elif isinstance(kind, String):
        expect(isinstance(value, str), "text")
    return value
