"""The warehouse: public contract data in normalised DuckDB tables, each row with provenance.

The public surface that the CLI and the web app both call.
"""

from vendorwatch.warehouse.dates import DateConvention
from vendorwatch.warehouse.loader import LoadResult, load_file, load_paths
from vendorwatch.warehouse.status import status
from vendorwatch.warehouse.store import open_warehouse

__all__ = ["DateConvention", "LoadResult", "load_file", "load_paths", "open_warehouse", "status"]
