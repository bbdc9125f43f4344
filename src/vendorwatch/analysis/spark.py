"""The analysis on Spark (issue 15): a Parquet dataset per warehouse version, and a session.

A version file never changes once published (`vendorwatch.warehouse.snapshots`), so its
dataset is built once, beside it (``v000003.parquet/``), the first time Spark is asked, and
records what it was built from (the version file's name, size and modification time): a
dataset that does not match its version is rebuilt, never read. Every table of the version is
written with DuckDB's COPY (money keeps its exact DECIMAL type); ``facts`` is partitioned by fiscal
year, the one column every question filters or groups on.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from vendorwatch.warehouse.snapshots import dataset_folder, reader_path

MARK = "_built_from.json"
PARTITIONED = {"facts": "fiscal_year"}


def dataset_path(version: Path) -> Path:
    """Where a version file's Parquet dataset lives."""
    return dataset_folder(version)


def _fingerprint(version: Path) -> dict[str, Any]:
    stat = version.stat()
    return {"version": version.name, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def ensure_dataset(warehouse: Path) -> Path:
    """The published version's dataset, built now if missing or built from something else."""
    version = reader_path(warehouse)
    target = dataset_path(version)
    wanted = _fingerprint(version)
    mark = target / MARK
    if mark.exists() and json.loads(mark.read_text()) == wanted:
        return target
    building = target.with_name(f"{target.name}.{os.getpid()}.building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    con = duckdb.connect(str(version), read_only=True)
    try:
        names = [n for (n,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        for name in names:
            by = PARTITIONED.get(name)
            if by:  # a folder of fiscal_year=NNNN/ folders
                where, options = building / name, f", PARTITION_BY ({by})"
            else:  # a folder of one file, so that every table is a folder
                (building / name).mkdir()
                where, options = building / name / "0.parquet", ""
            con.execute(f"COPY \"{name}\" TO '{where}' (FORMAT parquet{options})")
    finally:
        con.close()
    (building / MARK).write_text(json.dumps(wanted))
    shutil.rmtree(target, ignore_errors=True)
    try:
        os.replace(building, target)
    except OSError:  # another process published its build first: the same data, keep theirs
        shutil.rmtree(building, ignore_errors=True)
        if not (mark.exists() and json.loads(mark.read_text()) == wanted):
            raise
    return target


# Per session (each connection has its own): small shuffles, times in UTC.
SESSION_SQL_CONF = {"spark.sql.shuffle.partitions": "4", "spark.sql.session.timeZone": "UTC"}


@cache
def session(master: str = "local[2]") -> Any:
    """One SparkSession per process: small shuffles, no UI, quiet logs. The analysis makes
    only temporary views, never managed tables: Spark's warehouse folder goes to the temporary
    folder, not ``spark-warehouse/`` in whatever folder the command was run from."""
    from pyspark.sql import SparkSession  # noqa: PLC0415 - the spark extra, asked for

    builder = SparkSession.builder.master(master)
    for name, value in SESSION_SQL_CONF.items():
        builder = builder.config(name, value)
    spark = (
        builder.appName("vendorwatch")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", str(Path(tempfile.gettempdir()) / "vendorwatch-spark"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def open_analysis(
    engine: str = "duckdb",
    *,
    master: str = "local[2]",
    warehouse: Path | None = None,
    dataset: Path | None = None,
) -> Any:
    """An Ibis connection for the analysis: DuckDB over the version file, or Spark with every
    table of the dataset (``dataset``, else the warehouse's, built if need be) as a view of
    the name the DuckDB analysis uses."""
    if engine == "duckdb":
        if warehouse is None:
            raise ValueError("the duckdb engine reads a warehouse file")
        from vendorwatch.analysis.readcon import connect  # noqa: PLC0415

        return connect(warehouse)
    if engine != "spark":
        raise ValueError(f"unknown engine {engine!r}")
    import ibis  # noqa: PLC0415

    if dataset is None:
        if warehouse is None:
            raise ValueError("the spark engine reads a dataset or a warehouse")
        dataset = ensure_dataset(warehouse)
    # A session of its own over the shared context: two connections (two warehouses, or an
    # old and a new version) each see their own tables, not whichever registered last.
    spark = session(master).newSession()
    for name, value in SESSION_SQL_CONF.items():
        spark.conf.set(name, value)
    for table in sorted(p for p in dataset.iterdir() if p.is_dir()):
        spark.read.parquet(str(table)).createOrReplaceTempView(table.name)
    return ibis.pyspark.connect(spark)


def open_engine(settings: Any, warehouse: Path) -> Any:
    """`open_analysis` of ``warehouse`` for the Settings object's engine and master."""
    return open_analysis(settings.engine, master=settings.spark_master, warehouse=warehouse)
