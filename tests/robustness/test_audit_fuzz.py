"""Property-based fuzzing of the audit's readers (issue 16, part 6).

Files are generated from the real samples' rows (KBART, COUNTER DR as TSV/CSV/XLSX, COUNTER
PR JSON, CSV/XLSX lists of databases), then corrupted at random: bytes inserted, dropped or
replaced, the file cut short, lines repeated, delimiters swapped, NUL bytes, encodings and
line endings changed, JSON values replaced. The reader may only end in a clear
`VendorwatchError` (one line, naming the file) or a result; an uncorrupted file must read to
exactly what the csv/json modules find in it.
"""

from __future__ import annotations

import csv
import io
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.robustness.audit_cases import (
    DATABASES,
    RAW_CAMBRIDGE,
    RAW_DR,
    RAW_KBART,
    RAW_PR_JSON,
    kbart_rows,
    to_csv,
    xlsx,
)
from vendorwatch.audit import read_holdings
from vendorwatch.audit.models import ReadResult
from vendorwatch.errors import BadInputError, VendorwatchError
from vendorwatch.settings import find_sample_data

RAW = find_sample_data() or Path("/nonexistent")
# VENDORWATCH_FUZZ_EXAMPLES=500 for a longer hunt; the suite keeps to 25 (under a minute).
FUZZ = settings(
    max_examples=int(os.environ.get("VENDORWATCH_FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _kbart() -> list[list[str]]:
    rows: list[list[str]] = []
    for name in (RAW_KBART, RAW_CAMBRIDGE):
        data = (RAW / name).read_bytes() if RAW.exists() else b"publication_title\n"
        found = kbart_rows(data)
        rows += found[1:] if rows else found
    return [r for r in rows if any(c.strip() for c in r)]


def _counter() -> list[list[str]]:
    if not RAW.exists():
        return []
    text = (RAW / RAW_DR).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))


KBART = _kbart()
COUNTER = _counter()
PR_JSON: dict[str, Any] = (
    json.loads((RAW / RAW_PR_JSON).read_text(encoding="utf-8")) if RAW.exists() else {}
)


@lru_cache(maxsize=4096)
def workbook(rows: tuple[tuple[str, ...], ...]) -> bytes:
    """The same bytes for the same rows (a saved workbook holds the time it was saved, and
    hypothesis replays examples)."""
    return xlsx([list(r) for r in rows])


# --- corruption ---------------------------------------------------------------------------


@st.composite
def corrupt(draw: st.DrawFn, data: bytes) -> tuple[bytes, bool]:
    """``data`` with 0-3 random corruptions; True when it was left as it was."""
    steps = draw(st.lists(st.integers(0, 9), max_size=3))
    for step in steps:
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if step == 0:
            data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
        elif step == 1:
            data = data[:at] + data[at + draw(st.integers(1, 200)) :]
        elif step == 2 and data:
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif step == 3:
            data = data[:at]  # cut short
        elif step == 4:
            lines = data.split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            data = b"\n".join(lines)
        elif step == 5:
            old, new = draw(st.sampled_from([(b"\t", b","), (b",", b";"), (b"\t", b"|")]))
            data = data.replace(old, new, draw(st.integers(1, 50)))
        elif step == 6:
            data = data[:at] + b"\x00" + data[at:]
        elif step == 7:
            data = data.replace(b"\n", draw(st.sampled_from([b"\r\n", b"\r", b"\r\r\n"])))
        elif step == 8:
            encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "latin-1", "cp1252"]))
            data = data.decode("utf-8", errors="replace").encode(encoding, errors="replace")
        else:
            data = draw(st.sampled_from([b"\xef\xbb\xbf", b"\x1f\x8b", b"PK\x03\x04"])) + data
    return data, not steps


def read_or_refuse(data: bytes, name: str, **options: Any) -> ReadResult | None:
    """The property: a result, or one clear line naming the file. Anything else fails."""
    try:
        return read_holdings(data, name, **options)
    except VendorwatchError as exc:
        line = str(exc)
        assert "\n" not in line.strip(), line
        assert name in line, line
        assert "Traceback" not in line
        return None


def titles(rows: list[list[str]]) -> list[str]:
    at = KBART[0].index("publication_title")
    return [r[at].strip() for r in rows]


# --- KBART ----------------------------------------------------------------------------------


@FUZZ
@given(st.data())
def test_kbart(data: st.DataObject) -> None:
    picked = data.draw(st.lists(st.sampled_from(KBART[1:]), min_size=1, max_size=30))
    text = "".join("\t".join(r) + "\n" for r in [KBART[0], *picked]).encode("utf-8")
    blob, intact = data.draw(corrupt(text))
    result = read_or_refuse(blob, "titles.txt")
    if intact:
        assert result is not None
        assert [h.title for h in result.holdings] == titles(picked)
    elif result is not None:
        assert all(h.line >= 2 for h in result.holdings)


# --- COUNTER ---------------------------------------------------------------------------------


def counter_totals(rows: list[list[str]]) -> list[int]:
    """Reporting_Period_Total of every table row, by the csv module's cells."""
    blank = next(i for i, r in enumerate(rows) if not any(c.strip() for c in r))
    header = rows[blank + 1]
    at = header.index("Reporting_Period_Total")
    return [int(r[at]) for r in rows[blank + 2 :] if any(c.strip() for c in r)]


@FUZZ
@given(st.data(), st.sampled_from(["tsv", "csv", "xlsx"]))
def test_counter_tabular(data: st.DataObject, container: str) -> None:
    blank = next(i for i, r in enumerate(COUNTER) if not any(c.strip() for c in r))
    body = data.draw(
        st.lists(st.sampled_from(COUNTER[blank + 2 :]), min_size=1, max_size=20, unique_by=tuple)
    )
    rows = [*COUNTER[: blank + 2], *body]
    if container == "xlsx":
        raw: bytes = workbook(tuple(tuple(r) for r in rows))
    elif container == "csv":
        raw = to_csv(rows)
    else:
        raw = "".join("\t".join(r) + "\n" for r in rows).encode("utf-8")
    blob, intact = data.draw(corrupt(raw))
    result = read_or_refuse(blob, f"report.{container}")
    if intact:
        assert result is not None
        assert [u.total for u in result.usage] == counter_totals(rows)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            found += _paths(v, (*prefix, i))
    return found


def json_totals(doc: dict[str, Any]) -> list[int]:
    return [
        sum(months.values())
        for item in doc["Report_Items"]
        for attr in item["Attribute_Performance"]
        for months in attr["Performance"].values()
    ]


@FUZZ
@given(st.data())
def test_counter_json(data: st.DataObject) -> None:
    doc = json.loads(json.dumps(PR_JSON))
    paths = _paths(doc)[1:]
    months = [p for p in paths if len(p) == 7 and p[-3] == "Performance"]  # the counts
    changes = data.draw(st.lists(st.sampled_from(months) | st.sampled_from(paths), max_size=3))
    for path in changes:
        target = doc
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = data.draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    text = json.dumps(doc).encode("utf-8")
    blob, intact = data.draw(corrupt(text)) if data.draw(st.booleans()) else (text, True)
    result = read_or_refuse(blob, "report.json")
    if intact and not changes:
        assert result is not None
        assert [u.total for u in result.usage] == json_totals(doc)


@pytest.mark.parametrize(
    "count", [7, 7.0, "7", 1.5, True, float("inf"), float("nan"), "abc", None, [7], {"n": 7}]
)
def test_counter_json_counts(count: Any) -> None:
    """A month's count must be a whole number: 7, 7.0 and "7" read as 7; anything else is one
    clear error (1.5 was rounded to 1, Infinity was a traceback)."""
    doc = json.loads(json.dumps(PR_JSON))
    months = doc["Report_Items"][0]["Attribute_Performance"][0]["Performance"]
    metric = next(iter(months))
    first = next(iter(months[metric]))
    expected = json_totals(doc)
    expected[0] += 7 - months[metric][first]
    months[metric][first] = count
    text = json.dumps(doc, allow_nan=True).encode()
    if count in (7, "7") and count is not True:
        result = read_holdings(text, "report.json")
        assert [u.total for u in result.usage] == expected
        return
    with pytest.raises(BadInputError, match=r"^report\.json: Report_Items entry 1 "):
        read_holdings(text, "report.json")


@FUZZ
@given(
    st.one_of(
        st.integers(), st.floats(), st.booleans(), st.none(), st.text(max_size=6),
        st.integers().map(str), st.lists(st.integers(), max_size=2),
    ),
    st.integers(0, 24),
)  # fmt: skip
def test_counter_json_any_count(count: Any, attribute: int) -> None:
    """Any value for one month's count: read only when it is a whole number, and then every
    total is exact; otherwise one clear error."""
    doc = json.loads(json.dumps(PR_JSON))
    attributes = doc["Report_Items"][0]["Attribute_Performance"]
    months = attributes[attribute % len(attributes)]["Performance"]
    metric = next(iter(months))
    first = next(iter(months[metric]))
    before = months[metric][first]
    months[metric][first] = count
    text = json.dumps(doc, allow_nan=True).encode()
    result = read_or_refuse(text, "report.json")
    if result is None:
        return
    whole = int(str(count).strip()) if isinstance(count, str) else count
    assert not isinstance(count, bool)
    assert isinstance(whole, int | float)
    assert whole == int(whole)
    months[metric][first] = before
    expected = json_totals(doc)
    position = sum(len(a["Performance"]) for a in attributes[: attribute % len(attributes)])
    expected[position] += int(whole) - before
    assert [u.total for u in result.usage] == expected


def test_counter_json_nested_too_deep() -> None:
    deep = b'{"Report_Header": {"Report_ID": "PR"}, "Report_Items": ' + b"[" * 50_000
    with pytest.raises(BadInputError, match="nested too deeply"):
        read_holdings(deep + b"]" * 50_000 + b"}", "deep.json")


# --- CSV and XLSX lists ----------------------------------------------------------------------

names = st.sampled_from([r[0] for r in KBART[1:200]] + [r[0] for r in DATABASES[1:]])


@FUZZ
@given(st.data(), st.sampled_from(["csv", "xlsx"]))
def test_lists(data: st.DataObject, container: str) -> None:
    body = data.draw(
        st.lists(
            st.tuples(names, st.sampled_from(["Elsevier", "Thomson Reuters", "ITHAKA", ""])),
            min_size=1,
            max_size=20,
        )
    )
    body = [(n, v) for n, v in body if n.strip()] or [("JSTOR", "ITHAKA")]
    rows = [["Name", "Vendor"], *[list(r) for r in body]]
    raw = workbook(tuple(tuple(r) for r in rows)) if container == "xlsx" else to_csv(rows)
    blob, intact = data.draw(corrupt(raw))
    result = read_or_refuse(blob, f"databases.{container}")
    if intact:
        assert result is not None
        assert [h.title for h in result.holdings] == [n.strip() for n, _ in body]
