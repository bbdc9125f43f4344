"""The real KBART and COUNTER samples (../shared/data/raw), read as bytes like an upload."""

from __future__ import annotations

from pathlib import Path

import pytest

SCIENCEDIRECT = (
    "ScienceDirectStandard_Global_EBook-AgriculturalAndBiologicalSciencesPre-2007_2016-05-23.txt"
)
CAMBRIDGE = "journals.cambridge.org_AllTitles_2015-07-14.txt"


@pytest.fixture(scope="session")
def kbart_dir(raw_data: Path) -> Path:
    return raw_data / "kbart"


@pytest.fixture(scope="session")
def counter_dir(raw_data: Path) -> Path:
    return raw_data / "counter"


@pytest.fixture(scope="session")
def sciencedirect(kbart_dir: Path) -> bytes:
    return (kbart_dir / SCIENCEDIRECT).read_bytes()


@pytest.fixture(scope="session")
def cambridge(kbart_dir: Path) -> bytes:
    return (kbart_dir / CAMBRIDGE).read_bytes()
