"""An Ibis connection to the sample warehouse, one per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis import connect


@pytest.fixture(scope="module")
def con(sample_warehouse: Path) -> Iterator[Any]:
    connection = connect(sample_warehouse)
    yield connection
    connection.disconnect()
