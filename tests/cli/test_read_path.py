"""What `family` and `award` no longer pay for: the loader's imports, the sections the summary
does not show, and SQL compiled again because another checkout's run deleted the cache file.

No timings (benchmarks/cli_startup.py measures them); these check the causes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from vendorwatch.analysis import connect, sql_cache
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.registry import shipped_registry

# The loader and its readers (the layouts' constants are the analysis's too).
LOADER = ("vendorwatch.warehouse.loader", "vendorwatch.warehouse.fpds_atom",
          "vendorwatch.warehouse.validate", "lxml", "vendorwatch.resolve.warehouse")  # fmt: skip


def python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False,
        env=dict(os.environ),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_reading_the_warehouse_imports_no_loader() -> None:
    out = python(
        "import sys\n"
        "import vendorwatch.analysis, vendorwatch.analysis.dossier, vendorwatch.cli.analysis\n"
        "import vendorwatch.build, vendorwatch.cli.options  # ensure_current, before each command\n"
        f"print([m for m in {LOADER!r} if m in sys.modules])\n"
    )
    assert out.strip() == "[]"


def test_the_warehouse_names_still_import() -> None:
    """Lazily, and ``status`` the function even after its submodule was imported first."""
    out = python(
        "import inspect, vendorwatch.warehouse.status\n"
        "from vendorwatch.warehouse import (DateConvention, LoadResult, load_file, load_paths,\n"
        "    open_warehouse, status)\n"
        "print(inspect.isfunction(status), inspect.isfunction(load_paths), LoadResult.__name__)\n"
    )
    assert out.split() == ["True", "True", "LoadResult"]


def test_other_checkouts_keep_their_compiled_sql(tmp_path: Path) -> None:
    folder = tmp_path / "sql"
    mine, theirs = folder / "a.json", folder / "b.json"
    sql_cache.write(mine, {"q": "SELECT 1"})
    sql_cache.write(theirs, {"q": "SELECT 2"})
    assert sql_cache.read(mine) == {"q": "SELECT 1"}  # not deleted by the other's write
    os.utime(mine, ns=(1, 1))  # the oldest from here on
    for n in range(12):
        sql_cache.write(folder / f"other-{n}.json", {"q": f"SELECT {n}"})
    left = sorted(p.name for p in folder.glob("*.json"))
    assert len(left) == sql_cache.KEEP_FILES
    assert "a.json" not in left and "other-11.json" in left


def test_the_summary_leaves_out_only_what_it_does_not_show(sample_warehouse: Path) -> None:
    con = connect(sample_warehouse)
    registry = shipped_registry()
    full = family_dossier(con, registry, "relx-plc")
    summary = family_dossier(con, registry, "relx-plc", claims=False, extras=False)
    assert summary["subawards"] is None and summary["sanctuary"] == []
    assert summary["timeline"] == [] and summary["claims"] == []
    assert full["timeline"] and full["sanctuary"] is not None
    shown = ("totals", "by_organisation", "by_year_and_agency", "competition",
             "classification", "top_awards", "limits", "coverage", "award_summaries")  # fmt: skip
    for key in shown:
        assert json.dumps(summary[key], default=str) == json.dumps(full[key], default=str), key
    assert Decimal(summary["totals"]["obligations"]) > 0
