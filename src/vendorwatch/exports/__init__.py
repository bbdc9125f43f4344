"""Exports: rollups and award lists as CSV or Parquet, and awards as OCDS 1.1 release packages.

One module per format; `tables` turns the analysis results into typed tables (`typed`; money
as exact ``DECIMAL(38,2)``) that the CSV and Parquet writers share. See ``docs/exports.md``.
"""

from vendorwatch.exports.csv import write_csv
from vendorwatch.exports.ocds import DEFAULT_OCID_PREFIX, release_package, write_ocds
from vendorwatch.exports.parquet import write_parquet
from vendorwatch.exports.tables import award_table, rollup_table

__all__ = [
    "DEFAULT_OCID_PREFIX",
    "award_table",
    "release_package",
    "rollup_table",
    "write_csv",
    "write_ocds",
    "write_parquet",
]
