"""Date conventions of files that passed through spreadsheets.

USAspending writes ISO dates; a spreadsheet re-save turns them into ``m/d/yy`` (US locale) or
``d/m/yy`` (most other locales). One file uses one convention, so it is decided per file from
the values: a first number above 12 proves day-first, a second above 12 proves month-first.
When no value decides, the loader stops and asks rather than guess.

Two-digit years follow POSIX ``strptime``: 69-99 are 1969-1999, 00-68 are 2000-2068.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import duckdb

ISO_PATTERN = r"^\d{4}-\d{1,2}-\d{1,2}([ T].*)?$"
SLASH_PATTERN = r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})( +\d{1,2}:\d{2}(:\d{2})?( ?[AaPp][Mm])?)?$"
ISO_DATE_PART = r"^(\d{4}-\d{1,2}-\d{1,2})"
PIVOT = 69


class DateConvention(StrEnum):
    ISO = "iso"
    MONTH_FIRST = "mdy"
    DAY_FIRST = "dmy"


@dataclass(frozen=True)
class DateEvidence:
    iso: int
    slash: int
    first_over_12: int  # only day-first can explain these
    second_over_12: int  # only month-first can explain these
    example_day_first: str | None
    example_month_first: str | None
    example_ambiguous: str | None


def gather_evidence(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> DateEvidence:
    """Count what the file's date values can and cannot be, over all its date columns."""
    if not columns:
        return DateEvidence(0, 0, 0, 0, None, None, None)
    union = " UNION ALL ".join(f"SELECT {c} AS v FROM {table}" for c in columns)
    parts = f"regexp_extract(v, '{SLASH_PATTERN}', ['a', 'b', 'y'])"
    row = con.execute(
        f"""
        WITH vals AS (SELECT trim(v) AS v FROM ({union}) WHERE v IS NOT NULL AND trim(v) <> ''),
        slashed AS (
            SELECT v, try_cast({parts}.a AS INTEGER) AS a, try_cast({parts}.b AS INTEGER) AS b
            FROM vals WHERE regexp_matches(v, '{SLASH_PATTERN}')
        )
        SELECT
            (SELECT count(*) FROM vals WHERE regexp_matches(v, '{ISO_PATTERN}')),
            (SELECT count(*) FROM slashed),
            (SELECT count(*) FROM slashed WHERE a > 12),
            (SELECT count(*) FROM slashed WHERE b > 12),
            (SELECT min(v) FROM slashed WHERE a > 12),
            (SELECT min(v) FROM slashed WHERE b > 12),
            (SELECT min(v) FROM slashed WHERE a <> b)
        """
    ).fetchone()
    assert row is not None
    return DateEvidence(*row)


class ConventionProblem(Exception):
    """The evidence does not settle one convention; the message says why."""


def decide(evidence: DateEvidence, override: DateConvention | None) -> DateConvention:
    if override is not None:
        return override
    if evidence.slash == 0:
        return DateConvention.ISO
    if evidence.first_over_12 and evidence.second_over_12:
        raise ConventionProblem(
            f"dates mix day-first ({evidence.example_day_first}) and month-first "
            f"({evidence.example_month_first}) forms; one file must use one"
        )
    if evidence.first_over_12:
        return DateConvention.DAY_FIRST
    if evidence.second_over_12:
        return DateConvention.MONTH_FIRST
    example = evidence.example_ambiguous or "every date"
    raise ConventionProblem(
        f"cannot tell whether dates such as {example} are month-first (m/d/yy) or day-first "
        f"(d/m/yy): no day in the file's {evidence.slash} slashed dates is above 12. "
        "Load it again with --dates mdy or --dates dmy"
    )


def parse_sql(column: str, convention: DateConvention) -> str:
    """A SQL DATE expression for a VARCHAR column; NULL where the value is not a valid date."""
    parts = f"regexp_extract(trim({column}), '{SLASH_PATTERN}', ['a', 'b', 'y'])"
    month, day = ("a", "b") if convention is not DateConvention.DAY_FIRST else ("b", "a")
    year = f"CAST({parts}.y AS INTEGER)"
    full_year = (
        f"CASE WHEN length({parts}.y) = 4 THEN {year} "
        f"WHEN {year} < {PIVOT} THEN 2000 + {year} ELSE 1900 + {year} END"
    )
    return (
        f"CASE WHEN regexp_matches(trim({column}), '{ISO_PATTERN}') "
        f"THEN try_cast(regexp_extract(trim({column}), '{ISO_DATE_PART}', 1) AS DATE) "
        f"WHEN regexp_matches(trim({column}), '{SLASH_PATTERN}') "
        f"THEN try(make_date({full_year}, CAST({parts}.{month} AS INTEGER), "
        f"CAST({parts}.{day} AS INTEGER))) END"
    )
