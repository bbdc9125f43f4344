"""``vendorwatch timeline``: the same timeline as the library, a clear line for a wrong id."""

from __future__ import annotations

import json
from pathlib import Path

from .test_app import vendorwatch


def test_timeline_json_and_table(sample_warehouse: Path) -> None:
    shown = vendorwatch("timeline", "thomson-reuters-corp", "--json", warehouse=sample_warehouse)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    ids = {e["id"] for e in data["events"]}
    assert {"bcgeu-proposal-2020-agm", "nctue-ends-utility-data-sale-2021-12"} <= ids
    table = vendorwatch("timeline", "relx-plc", "--no-records", warehouse=sample_warehouse)
    assert table.returncode == 0, table.stderr
    assert "27 July 2022" in table.stdout and "Cook County" in table.stdout
    wrong = vendorwatch("timeline", "relx", warehouse=sample_warehouse)
    assert wrong.returncode == 1
    assert "Traceback" not in wrong.stderr and len(wrong.stderr.strip().splitlines()) <= 2
