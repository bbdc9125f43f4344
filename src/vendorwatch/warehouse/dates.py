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
class Example:
    """A date value and where it sits: staged column and 0-based record index."""

    value: str
    column: str
    record: int


@dataclass(frozen=True)
class DateEvidence:
    slash: int
    day_first: int  # first number above 12, second not: only d/m/y explains it
    month_first: int  # second number above 12, first not: only m/d/y explains it
    example_day_first: Example | None
    example_month_first: Example | None
    example_undecided: Example | None


def gather_evidence(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> DateEvidence:
    """Count what the file's date values can and cannot be, over all its date columns."""
    if not columns:
        return DateEvidence(0, 0, 0, None, None, None)
    union = " UNION ALL ".join(
        f"SELECT '{c}' AS col, rowid AS record, trim({c}) AS v FROM {table} "
        f"WHERE regexp_matches(trim({c}), '{SLASH_PATTERN}')"
        for c in columns
    )
    parts = f"regexp_extract(v, '{SLASH_PATTERN}', ['a', 'b'])"
    row = con.execute(
        f"""
        WITH slashed AS (
            SELECT col, record, v, CAST({parts}.a AS INTEGER) AS a, CAST({parts}.b AS INTEGER) AS b
            FROM ({union})
        ), kinds AS (
            SELECT *, CASE WHEN a > 12 AND b <= 12 THEN 'dmy'
                           WHEN b > 12 AND a <= 12 THEN 'mdy'
                           WHEN a <> b AND a <= 12 AND b <= 12 THEN 'undecided' END AS kind
            FROM slashed
        )
        SELECT
            count(*),
            count(*) FILTER (WHERE kind = 'dmy'),
            count(*) FILTER (WHERE kind = 'mdy'),
            arg_min([v, col, CAST(record AS VARCHAR)], record) FILTER (WHERE kind = 'dmy'),
            arg_min([v, col, CAST(record AS VARCHAR)], record) FILTER (WHERE kind = 'mdy'),
            arg_min([v, col, CAST(record AS VARCHAR)], record) FILTER (WHERE kind = 'undecided')
        FROM kinds
        """
    ).fetchone()
    assert row is not None

    def example(found: list[str] | None) -> Example | None:
        return Example(found[0], found[1], int(found[2])) if found else None

    return DateEvidence(row[0], row[1], row[2], example(row[3]), example(row[4]), example(row[5]))


class ConventionProblem(Exception):
    """The evidence does not settle one convention; the message says why, the example where."""

    def __init__(self, message: str, example: Example | None) -> None:
        super().__init__(message)
        self.example = example


def decide(evidence: DateEvidence, override: DateConvention | None) -> DateConvention:
    if override is not None:
        return override
    if evidence.slash == 0:
        return DateConvention.ISO
    first, second = evidence.example_day_first, evidence.example_month_first
    if first and second:
        odd, usual = (
            (first, second) if evidence.day_first <= evidence.month_first else (second, first)
        )
        raise ConventionProblem(
            f"dates mix day-first and month-first forms: {odd.value!r} here, but {usual.value!r} "
            f"and {max(evidence.day_first, evidence.month_first) - 1} others read the other way; "
            "one file must use one",
            odd,
        )
    if first:
        return DateConvention.DAY_FIRST
    if second:
        return DateConvention.MONTH_FIRST
    example = evidence.example_undecided
    shown = repr(example.value) if example else "every date"
    raise ConventionProblem(
        f"cannot tell whether dates such as {shown} are month-first (m/d/yy) or day-first "
        f"(d/m/yy): none of the file's {evidence.slash} slashed dates has a number above 12. "
        "Load it again with --dates mdy or --dates dmy",
        example,  # the first such date, so the message names its line and column
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
