"""Property-based fuzzing of the USAspending bulk CSV reader (`vendorwatch.warehouse.load_file`).

Files are generated from the real column lists (``usaspending-api/bulk_download_*_columns.csv``)
with random keys, names, amounts and dates, LF or CRLF endings, optionally gzipped, and then
damaged: random bytes or whole junk lines inserted anywhere. A load may end in only two ways:
a `VendorwatchError` (and nothing of the file in the warehouse), or a correct result: the rows
written and their total equal to an independent csv-module + Decimal reading of the bytes.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vendorwatch.errors import VendorwatchError
from vendorwatch.warehouse import load_file, open_warehouse


@dataclass(frozen=True)
class Shape:
    columns: list[str]
    table: str
    amount: str
    day: str


def _columns(raw: Path, name: str) -> list[str]:
    with (raw / "usaspending-api" / name).open(encoding="utf-8", newline="") as handle:
        return [row["column_name"] for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def shapes(raw_data: Path) -> list[Shape]:
    return [
        Shape(
            _columns(raw_data, "bulk_download_Contracts_PrimeTransactions_columns.csv"),
            "transactions",
            "federal_action_obligation",
            "action_date",
        ),
        Shape(
            _columns(raw_data, "bulk_download_Contracts_PrimeAwardSummaries_columns.csv"),
            "awards",
            "total_obligated_amount",
            "award_base_action_date",
        ),
    ]


@pytest.fixture(scope="module")
def fuzz_con() -> Iterator[duckdb.DuckDBPyConnection]:
    folder = Path(tempfile.mkdtemp(prefix="vw-fuzz-"))
    con = open_warehouse(folder / "fuzz.duckdb")
    yield con
    con.close()


piids = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=17)
names = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), max_size=40
)
amounts = st.one_of(
    st.just(""),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False).map(str),
)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)).map(str)
records = st.tuples(piids, names, amounts, days)
junk = st.one_of(
    st.binary(min_size=1, max_size=12),
    st.text(max_size=60).map(lambda t: (t + "\n").encode("utf-8", "surrogatepass")),
    st.sampled_from([b"\r", b"\n", b"\r\r\n", b'"', b",", b"\x00", b"\xef\xbb\xbf", b"\xe9"]),
)


def _file(shape: Shape, rows: list[tuple[str, str, str, str]], end: str) -> bytes:
    at = {name: i for i, name in enumerate(shape.columns)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=end)
    writer.writerow(shape.columns)
    for number, (piid, name, amount, day) in enumerate(rows):
        row = [""] * len(shape.columns)
        row[at["contract_award_unique_key"]] = f"CONT_AWD_{piid}_7012_-NONE-_-NONE-"
        row[at["award_id_piid"]] = piid
        row[at["recipient_name"]] = name
        row[at[shape.amount]] = amount
        row[at[shape.day]] = day
        if "contract_transaction_unique_key" in at:
            row[at["contract_transaction_unique_key"]] = f"7012_-NONE-_{piid}_{number}"
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def _reference(data: bytes, shape: Shape) -> tuple[int, Decimal]:
    """Rows and total read independently: the csv module, Decimal; raises if unreadable."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8").removeprefix("\ufeff")
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), strict=True) if r]
    header = [h.strip() for h in rows[0]]
    amount = header.index(shape.amount)
    total = Decimal(0)
    for r in rows[1:]:
        if r[amount].strip():
            total += Decimal(r[amount].strip())
    return len(rows) - 1, total


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    which=st.integers(0, 1),
    rows=st.lists(records, min_size=1, max_size=25),
    end=st.sampled_from(["\n", "\r\n"]),
    damage=st.lists(st.tuples(st.floats(0, 1), junk), max_size=3),
    zipped=st.booleans(),
)
def test_a_damaged_file_loads_correctly_or_is_refused(
    shapes: list[Shape],
    fuzz_con: duckdb.DuckDBPyConnection,
    which: int,
    rows: list[tuple[str, str, str, str]],
    end: str,
    damage: list[tuple[float, bytes]],
    zipped: bool,
) -> None:
    shape = shapes[which]
    data = _file(shape, rows, end)
    for where, piece in damage:
        cut = int(where * len(data))
        data = data[:cut] + piece + data[cut:]
    if zipped:
        data = gzip.compress(data)
    sha = hashlib.sha256(data).hexdigest()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.csv"
        path.write_bytes(data)
        try:
            result = load_file(fuzz_con, path)
        except VendorwatchError as exc:
            event(f"refused: {type(exc).__name__}")
            assert str(path) in str(exc)  # a clear error names the file
            written = fuzz_con.execute(
                f"SELECT count(*) FROM {shape.table} WHERE source_sha256 = ?", [sha]
            ).fetchone()
            assert written == (0,)
            return
    assert result.status in ("loaded", "already loaded")
    event(f"loaded ({'damaged' if damage else 'clean'})")
    try:
        expected_rows, expected_total = _reference(data, shape)
    except (UnicodeDecodeError, csv.Error, InvalidOperation, ValueError, IndexError) as exc:
        pytest.fail(f"loaded a file the csv module reads differently: {exc!r}")
    count, total = fuzz_con.execute(
        f"SELECT count(*), coalesce(sum({shape.amount}), 0) FROM {shape.table} "
        "WHERE source_sha256 = ?",
        [sha],
    ).fetchone() or (0, Decimal(0))
    assert count == expected_rows
    assert total == expected_total
