"""`serve` imports only what it serves: libraries that few pages use wait for their use.

Each check runs in a fresh interpreter: this test process has imported everything already.
What is deferred, and what it weighs in `serve`'s memory (docs/performance.md, "Serve memory,
fifth pass"): Alembic and python-docx; `holidays` (~10 MB, every country's module) until a
FOIA clock is computed; `vendorwatch.alerts` (httpx, feedgen, lxml, the sources' sync;
~13 MB) until a watchlist's feed is asked for; icalendar until a tracker's calendar is; and of
Ibis's SQL compilers, with the sqlglot dialects they import (~9 MB), all but DuckDB's. And the
recent selections' facets are kept packed by column (~15 MB of dicts at the cache's budget on
the sample, ~3 MB packed; "Serve memory, sixth pass").
"""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from vendorwatch.analysis import selections
from vendorwatch.web import create_app
from vendorwatch.web.packed import PackedFacets, pack

# The sqlglot dialect modules a DuckDB-only process needs: the base class and DuckDB's.
DUCKDB_ONLY = ["sqlglot.dialects.dialect", "sqlglot.dialects.duckdb"]
REPORT = """
import json, sys
tops = {m.split('.')[0] for m in sys.modules}
print(json.dumps({
    'tops': sorted(tops),
    'dialects': sorted(m for m in sys.modules if m.startswith('sqlglot.dialects.')),
    'modules': sorted(m for m in sys.modules if m.startswith('vendorwatch.')),
}))
"""


def _python(code: str) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", code + REPORT], capture_output=True, text=True, check=True
    )
    found: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_the_site_imports_neither_alembic_nor_python_docx() -> None:
    found = subprocess.run(
        [sys.executable, "-c", "import sys, vendorwatch.web; "
         "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'docx'}))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert found.stdout.strip() == "[]"


def test_the_site_imports_no_holidays_alerts_calendar_or_other_dialects() -> None:
    found = _python("import vendorwatch.web")
    deferred = {"holidays", "icalendar", "httpx", "feedgen", "lxml", "tenacity", "filelock"}
    assert set(found["tops"]) & deferred == set()
    assert [m for m in found["modules"] if m.startswith("vendorwatch.alerts")] == []
    assert found["dialects"] == DUCKDB_ONLY


def test_serving_pages_imports_neither_holidays_nor_other_dialects(
    sample_warehouse: Path,
) -> None:
    """The home page and a browse page of the real sample compile and run their Ibis
    expressions (the backend's compile and ``ibis.to_sql(dialect="duckdb")``) with DuckDB's
    compiler alone, and compute no FOIA clock."""
    found = _python(
        "from pathlib import Path\n"
        "from fastapi.testclient import TestClient\n"
        "from vendorwatch.web import create_app\n"
        f"with TestClient(create_app(Path({str(sample_warehouse)!r}))) as c:\n"
        "    for url in ('/', '/browse', '/browse?fiscal_year=2024'):\n"
        "        c.get(url).raise_for_status()\n"
    )
    assert "vendorwatch.analysis.cube" in found["modules"]  # the browse pages did run
    assert found["dialects"] == DUCKDB_ONLY
    assert {"holidays", "icalendar", "feedgen"} & set(found["tops"]) == set()


def test_other_dialects_compile_as_with_ibis_alone() -> None:
    """Any other compiler is still there on first use, with the same SQL as when Ibis imports
    them all (the eager interpreter imports no vendorwatch)."""
    compile_all = (
        "import ibis\n"
        "t = ibis.table({'a': 'int64', 'b': 'string'}, name='t')\n"
        "e = t.filter(t.a > 1).group_by('b').agg(n=t.a.sum())\n"
        "for d in ('duckdb', 'sqlite', 'postgres', 'mysql', 'pyspark'):\n"
        "    print(ibis.to_sql(e, dialect=d))\n"
        "from ibis.backends.sql.compilers import PySparkCompiler, SQLiteCompiler\n"
        "print(PySparkCompiler.__name__, SQLiteCompiler.__name__)\n"
    )

    def run(code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    eager = run(compile_all)
    lazy = run("import vendorwatch.analysis.engine\n" + compile_all)
    assert "PySparkCompiler SQLiteCompiler" in eager
    assert lazy == eager


def test_the_federal_calendar_imports_holidays_on_first_use() -> None:
    # 4 July 2026 is a Saturday: observed on Friday 3 July (5 U.S.C. 6103(b)(1)).
    assert date(2026, 7, 4).weekday() == 5
    found = _python(
        "import sys\n"
        "from datetime import date\n"
        "from vendorwatch.foia.clock import DEFAULT_CALENDAR\n"
        "assert 'holidays' not in sys.modules, 'imported with the clock'\n"
        "assert DEFAULT_CALENDAR.holiday(date(2026, 7, 3)) == 'Independence Day, observed'\n"
        "assert DEFAULT_CALENDAR.add_working_days(date(2026, 7, 2), 1) == date(2026, 7, 6)\n"
    )
    assert "holidays" in found["tops"]


def _allocated(make: Any) -> tuple[Any, int]:
    """What ``make()`` returns, and the bytes it allocated that are still held."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        made = make()
        return made, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_recent_facets_are_kept_packed_and_served_as_computed(sample_warehouse: Path) -> None:
    """On a repeat visit a selection's facets are those the cube (or, for a text search, the
    facts) answers, key for key and in order, while the cache holds them in a quarter of the
    memory or less."""
    app = create_app(sample_warehouse, time_limit=300)
    state = app.state.site
    chosen: list[dict[str, list[str]]] = [
        {},
        {"family": ["relx-plc"]},
        {"family": ["palantir"], "fiscal_year": ["2024"]},
        {"q": ["license plate"]},
    ]
    with TestClient(app) as client:
        for selection in chosen:
            snap = state.snapshot()
            if "q" in selection:
                answer = selections.facets(snap.backend(), selection, snap.prepared, size=10**6)
            else:
                answer = state.cube().facets(selection, size=10**6)
            assert sum(map(len, answer.values())) > 0
            missed = state.facets(selection, size=None)
            hit = state.facets(selection, size=None)
            for served in (missed, hit):
                assert json.dumps(served) == json.dumps(answer)
            params = [(k, v) for k, values in selection.items() for v in values]
            api = [client.get("/api/facets", params=params).text for _ in range(2)]
            assert api[0] == api[1]
        kept = [value for value, _ in state._recent.values() if isinstance(value, PackedFacets)]
        assert len(kept) == len(chosen)
        unfiltered = state.cube().facets({}, size=10**6)
    packed, packed_bytes = _allocated(lambda: pack(unfiltered))
    unpacked, unpacked_bytes = _allocated(packed.unpack)
    assert unpacked == unfiltered
    assert packed_bytes * 4 < unpacked_bytes  # ~44 bytes a value against ~250
