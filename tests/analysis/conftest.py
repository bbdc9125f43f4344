"""Ibis connections to the sample warehouse: DuckDB, and Spark for the modules that ask.

A module that sets ``pytestmark = pytest.mark.engines`` has every test that uses ``con`` run
twice, on DuckDB (over the version file) and on Spark in local mode (over the version's
Parquet dataset), with the same expected figures (issue 15). A test that only DuckDB can
answer (raw DuckDB SQL, the cube, prepared statements) says so with
``@pytest.mark.duckdb_only("why")`` and runs once. Every other module keeps DuckDB only.

Spark is skipped where there is no Java or no pyspark, unless VENDORWATCH_REQUIRE_SPARK=1 (CI
sets it in .ci/run), which makes a missing Spark a failure instead. One SparkSession (one
core) serves the whole test session; under xdist every Spark test is sent to the same worker
(``--dist loadgroup`` with the ``xdist_group("spark")`` mark), so only one JVM is started.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis import connect
from vendorwatch.analysis.spark import open_analysis, session

ENGINES = ("duckdb", "spark")
MASTER = "local[1]"  # one core: the machine running the tests is shared


def _spark_missing() -> str | None:
    if shutil.which("java") is None:
        return "no java on PATH"
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed"
    return None


@pytest.fixture(scope="session")
def spark_available() -> None:
    """Skip without Java or pyspark, or fail when the run says Spark is required."""
    missing = _spark_missing()
    if missing is None:
        return
    if os.environ.get("VENDORWATCH_REQUIRE_SPARK") == "1":
        pytest.fail(f"VENDORWATCH_REQUIRE_SPARK=1 but {missing}")
    pytest.skip(missing)


@pytest.fixture(scope="session")
def spark_con(spark_available: None, sample_warehouse: Path) -> Iterator[Any]:
    """Spark over the sample warehouse's dataset (built on first use, beside its file), one
    session for the whole test run."""
    yield open_analysis("spark", master=MASTER, warehouse=sample_warehouse)
    session(MASTER).stop()
    session.cache_clear()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``con`` over both engines in a module marked ``engines`` (DuckDB only where a test is
    marked ``duckdb_only``); the Spark tests grouped onto one xdist worker."""
    definition = metafunc.definition
    if "con" not in metafunc.fixturenames or definition.get_closest_marker("engines") is None:
        return
    params = [pytest.param("duckdb", id="duckdb")]
    only = definition.get_closest_marker("duckdb_only")
    if only is None:
        params.append(pytest.param("spark", id="spark", marks=pytest.mark.xdist_group("spark")))
    elif not (only.args or only.kwargs.get("reason")):
        raise pytest.UsageError(f"{definition.nodeid}: duckdb_only needs a reason")
    metafunc.parametrize("con", params, indirect=True, scope="module")


@pytest.fixture(scope="module")
def con(request: pytest.FixtureRequest, sample_warehouse: Path) -> Iterator[Any]:
    """The analysis connection: DuckDB, or the session's Spark when parametrised so."""
    if getattr(request, "param", "duckdb") == "spark":
        yield request.getfixturevalue("spark_con")
        return
    connection = connect(sample_warehouse)
    yield connection
    connection.disconnect()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the Spark run of a case marked ``duckdb_only`` through its parameters (a mark
    on the whole test is seen earlier, in `pytest_generate_tests`), then group the rest."""
    spark_only_duck = [
        i for i in items if _engine(i) == "spark" and i.get_closest_marker("duckdb_only")
    ]
    if spark_only_duck:
        config.hook.pytest_deselected(items=spark_only_duck)
        items[:] = [i for i in items if i not in spark_only_duck]
    if getattr(config.option, "loadgroup", False):
        _group_in_ids(items)


def _engine(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return None if callspec is None else callspec.params.get("con")


def _group_in_ids(items: list[pytest.Item]) -> None:
    """Put the xdist group in the test's id, as xdist's own hook means to: xdist 3.8 writes
    ``item._nodeid``, which pytest 9.2 no longer reads (ids are structured, in ``item._id``),
    so ``--dist loadgroup`` would spread the Spark tests over every worker, a JVM on each
    (pytest-dev/pytest-xdist#1386; the fix, #1388, is not released). Nothing is done where
    the suffix is already there."""
    from _pytest.nodeid import NodeId  # only pytest >= 9.2 has it

    for item in items:
        mark = item.get_closest_marker("xdist_group")
        nodeid = item.nodeid
        if mark is None or nodeid.rfind("@") > nodeid.rfind("]") or not hasattr(item, "_id"):
            continue
        group = mark.args[0] if mark.args else mark.kwargs.get("name", "default")
        item._id = NodeId.parse(f"{nodeid}@{group}")
