"""The exports' tests read the real sample warehouse (tests/conftest.py), read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vendorwatch.analysis import connect


@pytest.fixture(scope="module")
def con(sample_warehouse: Path) -> Any:
    connection = connect(sample_warehouse)
    yield connection
    connection.disconnect()
