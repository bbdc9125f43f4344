"""Every audit reader honours the row limit and the time budget, in one line naming the file.

Before, KBART and COUNTER JSON read without a time budget (only the CSV/TSV and XLSX rows
were timed), and a COUNTER JSON item nesting thousands of items was counted against the row
limit only after all of them were made. Each reader here gets a file it writes itself; the
limits come from the settings (``audit_max_rows``, ``audit_max_seconds``), tightened so that
the files stay small and the budget is spent before the first check (no timing asserted).
The line each row-limit message names is worked out here from the file as written.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable

import openpyxl  # type: ignore[import-untyped]
import pytest

import vendorwatch.audit.limits
from vendorwatch.audit import read_holdings
from vendorwatch.errors import VendorwatchError
from vendorwatch.settings import get_settings

LIMIT = 100  # rows, in the row-limit tests
COUNTER_HEAD = [
    ["Report_Name", "Database Master Report"],
    ["Report_ID", "DR"],
    ["Release", "5"],
    ["Institution_Name", "Example College"],
    [],
]
COUNTER_COLUMNS = ["Database", "Publisher", "Platform", "Metric_Type", "Reporting_Period_Total"]
KBART_COLUMNS = ["publication_title", "print_identifier", "title_url", "publisher_name"]


def _text(rows: list[list[str]], sep: str) -> bytes:
    return "".join(sep.join(r) + "\n" for r in rows).encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row or [None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _list(n: int) -> list[list[str]]:
    return [["database", "publisher"], *([f"Database {i}", "Vendor"] for i in range(n))]


def _kbart(n: int) -> list[list[str]]:
    rows = ([f"Journal {i}", f"{i:04d}-000X", f"https://e.org/{i}", "Press"] for i in range(n))
    return [KBART_COLUMNS, *rows]


def _counter(n: int) -> list[list[str]]:
    rows = ([f"Database {i}", "Vendor", "Platform", "Searches_Regular", "3"] for i in range(n))
    return [*COUNTER_HEAD, COUNTER_COLUMNS, *rows]


def _json(n: int, nested: bool = False) -> bytes:
    def item(i: int) -> dict[str, object]:
        return {"Database": f"Database {i}", "Publisher": "Vendor", "Platform": "Platform",
                "Performance": {"Searches_Regular": {"2024-01": 1}}}  # fmt: skip

    items = [item(i) for i in range(n)]
    if nested:  # one item nesting every other (R5.1 item reports nest items)
        items = [{**items[0], "Items": items[1:]}]
    header = {"Report_ID": "DR", "Release": "5.1", "Report_Name": "Database Master Report"}
    return json.dumps({"Report_Header": header, "Report_Items": items}).encode()


# name → (the file of n rows, the 1-based line of the first row under the header)
READERS: dict[str, tuple[Callable[[int], bytes], int]] = {
    "list.csv": (lambda n: _text(_list(n), ","), 2),
    "list.tsv": (lambda n: _text(_list(n), "\t"), 2),
    "list.xlsx": (lambda n: _xlsx(_list(n)), 2),
    "titles.txt": (lambda n: _text(_kbart(n), "\t"), 2),
    "dr.tsv": (lambda n: _text(_counter(n), "\t"), len(COUNTER_HEAD) + 2),
    "dr.csv": (lambda n: _text(_counter(n), ","), len(COUNTER_HEAD) + 2),
    "dr.xlsx": (lambda n: _xlsx(_counter(n)), len(COUNTER_HEAD) + 2),
    "dr.json": (_json, 1),
}


@pytest.fixture
def tighten(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    def apply(**update: object) -> None:
        tighter = get_settings().model_copy(update={f"audit_{k}": v for k, v in update.items()})
        monkeypatch.setattr(vendorwatch.audit.limits, "get_settings", lambda: tighter)

    return apply


def _refusal(data: bytes, name: str) -> str:
    with pytest.raises(VendorwatchError) as caught:
        read_holdings(data, name)
    said = str(caught.value)
    assert "\n" not in said  # one line
    assert said.startswith(name)  # naming the file
    return said


@pytest.mark.parametrize("name", list(READERS))
def test_each_reader_reads_its_file_within_the_limits(name: str) -> None:
    make, _ = READERS[name]
    result = read_holdings(make(LIMIT), name)
    assert len(result.usage or result.holdings) == LIMIT


@pytest.mark.parametrize("name", list(READERS))
def test_each_reader_stops_at_the_row_limit(name: str, tighten: Callable[..., None]) -> None:
    make, first_row = READERS[name]
    tighten(max_rows=LIMIT)
    said = _refusal(make(LIMIT + 50), name)
    if name.endswith(".xlsx"):  # measured from the workbook's XML before it is opened
        rows = LIMIT + 50 + first_row - 1
        assert said == f"{name}: sheet1 has {rows} rows; the limit is {LIMIT} rows per file"
    elif name.endswith(".json"):  # JSON has no lines: the item is named
        assert said == (
            f"{name}: more than {LIMIT} usage rows (at Report_Items entry {LIMIT + 1}); "
            "split the report"
        )
    else:  # the line of the row past the limit
        assert said.startswith(f"{name}, line {first_row + LIMIT}: more than {LIMIT} ")


def test_a_json_item_nesting_too_many_is_stopped_inside_it(tighten: Callable[..., None]) -> None:
    tighten(max_rows=LIMIT)
    said = _refusal(_json(LIMIT * 20, nested=True), "nested.json")
    assert said == (
        f"nested.json: more than {LIMIT} usage rows (at Report_Items entry 1); split the report"
    )


@pytest.mark.parametrize("name", list(READERS))
def test_each_reader_keeps_to_the_time_budget(name: str, tighten: Callable[..., None]) -> None:
    make, _ = READERS[name]
    tighten(max_seconds=1e-9)  # spent before the first check: no timing involved
    said = _refusal(make(3_000), name)
    unit = "item" if name.endswith(".json") else "line"
    assert re.fullmatch(
        rf"{re.escape(name)}: reading it took longer than the 1e-09 s allowed per file "
        rf"\(stopped at {unit} [\d,]+\); split it into smaller files",
        said,
    ), said
