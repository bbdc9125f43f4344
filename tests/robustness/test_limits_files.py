"""Files that unpack into far more than they are: refused by the library before reading.

The same checks serve the site and ``vendorwatch audit``. Memory is measured in a child
process (its peak resident size, VmHWM), with a generous bound: before the checks, the 300 MB shared
string alone cost gigabytes, the 12M-line gzip 1.3 GB and 19 s, the blank-line one 108 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import vendorwatch.audit.limits
from tests.robustness import hostile_files
from tests.robustness.runcli import cli
from vendorwatch.audit import Limits, read_holdings
from vendorwatch.limits import LimitError
from vendorwatch.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}

_MEASURE = """
import json, sys
from tests.robustness import hostile_files
from tests.robustness.runcli import cli
from vendorwatch.audit import read_holdings
from vendorwatch.errors import VendorwatchError
name, maker, *args = sys.argv[1:]
data = getattr(hostile_files, maker)(*map(int, args))
try:
    read_holdings(data, name)
    said = "accepted"
except VendorwatchError as exc:
    said = str(exc)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent (pytest).
status = open("/proc/self/status").read().split("VmHWM:")[1]
peak = int(status.split()[0]) / 1024
print(json.dumps({"said": said, "peak_mb": peak, "bytes": len(data)}))
"""


def _measure(name: str, maker: str, *args: int) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, name, maker, *map(str, args)],
        capture_output=True, text=True, env=ENV, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout)
    return found


@pytest.mark.parametrize(
    ("name", "maker", "args", "said"),
    [
        ("strings.xlsx", "one_huge_text", (),
         "strings.xlsx: unpacked, the workbook is 300 MB (xl/sharedStrings.xml alone 300 MB); "
         "the limit is 100 MB per file"),
        ("texts.xlsx", "many_texts", (),
         "texts.xlsx: the workbook holds 1,500,000 distinct texts (shared strings); the limit "
         "is 1,000,000"),
        ("rows.xlsx", "many_rows", (),
         "rows.xlsx: sheet1 has 3,000,001 rows; the limit is 500,000 rows per file"),
        ("zeros.csv.gz", "gzip_bomb", (2048 * hostile_files.MB,),
         "zeros.csv.gz: unpacked, the file is larger than the 100.0 MB limit per file"),
        ("lines.csv.gz", "gzip_of_lines", (12_000_000,),
         "lines.csv has 12,000,001 lines; the limit is 500,000 rows per file"),
    ],
)  # fmt: skip
def test_a_bomb_is_refused_with_its_name_and_the_limit_in_little_memory(
    name: str, maker: str, args: tuple[int, ...], said: str
) -> None:
    found = _measure(name, maker, *args)
    assert found["said"] == said
    assert int(found["bytes"]) < 5 * hostile_files.MB  # type: ignore[call-overload]
    assert float(found["peak_mb"]) < 400  # type: ignore[arg-type]


def test_the_command_line_refuses_a_bomb_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the CLI's own entry point, in this process (a child's start costs seconds of
    imports; the real-process exit statuses are test_load_faults')."""
    bomb = tmp_path / "holdings.xlsx"
    bomb.write_bytes(hostile_files.one_huge_text())
    monkeypatch.setattr(get_settings(), "warehouse", tmp_path / "none.duckdb")  # none yet
    done = cli("audit", str(bomb))
    said = " ".join(done.err.split())
    assert done.status == 1, done
    assert "Traceback" not in done.out + done.err
    assert "holdings.xlsx: unpacked, the workbook is 300 MB" in said
    assert "the limit is 100 MB per file" in said


def test_reading_has_a_time_budget() -> None:
    rows = b"name,vendor\n" + b"".join(b"Database %d,Vendor\n" % i for i in range(5000))
    with pytest.raises(LimitError, match=r"list.csv: reading it took longer than the 1e-06 s"):
        read_holdings(rows, "list.csv", limits=Limits(max_seconds=1e-6))
    assert read_holdings(rows, "list.csv").rows == 5000  # within the default budget


def test_the_audit_limits_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    tighter = get_settings().model_copy(
        update={"audit_max_rows": 10, "audit_max_unpacked_bytes": 100_000,
                "audit_max_shared_strings": 1}
    )  # fmt: skip
    monkeypatch.setattr(vendorwatch.audit.limits, "get_settings", lambda: tighter)
    assert Limits().max_rows == 10
    many = b"name\n" + b"x\n" * 200
    with pytest.raises(LimitError, match="has 201 lines; the limit is 10 rows per file"):
        read_holdings(many, "many.csv")
    with pytest.raises(LimitError, match=r"distinct texts \(shared strings\); the limit is 1$"):
        read_holdings(hostile_files.small_list(), "list.xlsx")
    sheet = r"the workbook is \d+ KB \(xl/worksheets/sheet1.xml alone \d+ KB\)"
    with pytest.raises(LimitError, match=sheet + "; the limit is 98 KB per file"):
        read_holdings(hostile_files.many_rows(10_000), "rows.xlsx")
