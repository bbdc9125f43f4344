"""What derived data (resolutions, ``facts``) was built from, so that it is never stale.

Three things make the derived tables what they are: the source files loaded (their content
hashes), the registry and the rules (a fingerprint of their content) and the code that derives
them (``DERIVATION_VERSION``, with the rule files shipped beside the code). The build records
all three in ``derivation_state``; a difference in any means the tables must be rebuilt, and
until they are, readers compute the same answers live from the rows (slower, never wrong).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import duckdb

from vendorwatch.registry.load import registry_fingerprint

# Bump when the resolver's or the facts table's logic changes what they produce.
DERIVATION_VERSION = 4  # 4: a key's latest version counts; deleted keys count nowhere
STATE = "derivation_state"
_CODE_RULES = (
    ("vendorwatch.analysis", "competition_rules.yaml"),
    ("vendorwatch.warehouse", "agency_abbreviations.yaml"),
)


@dataclass(frozen=True)
class Inputs:
    sources: str  # hash of the sorted source-file hashes
    registry: str  # registry_fingerprint of the registry in use
    code: str  # DERIVATION_VERSION and the rule files shipped with the code


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    digest = hashlib.sha256(f"derivation {DERIVATION_VERSION}".encode())
    for package, name in _CODE_RULES:
        digest.update(resources.files(package).joinpath(name).read_bytes())
    return digest.hexdigest()


def sources_fingerprint(raw: duckdb.DuckDBPyConnection) -> str:
    rows = raw.execute("SELECT sha256 FROM source_files ORDER BY sha256").fetchall()
    return fingerprint_of([sha for (sha,) in rows])


def fingerprint_of(hashes: list[str]) -> str:
    """`sources_fingerprint` of these source-file hashes (however they were read)."""
    return hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()


def current_inputs(raw: duckdb.DuckDBPyConnection, *, fresh: bool = False) -> Inputs:
    """What the derived tables would be built from now (``fresh``: re-read the registry's files
    even if they were looked at in the last second)."""
    return Inputs(sources_fingerprint(raw), registry_fingerprint(fresh=fresh), code_fingerprint())


def recorded_inputs(raw: duckdb.DuckDBPyConnection) -> Inputs | None:
    """What they were built from (None: never built, or by a vendorwatch that did not say)."""
    names = {n for (n,) in raw.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if STATE not in names:
        return None
    rows = raw.execute(f"SELECT sources, registry, code FROM {STATE}").fetchall()
    return Inputs(*rows[0]) if len(rows) == 1 else None


def record_inputs(raw: duckdb.DuckDBPyConnection, inputs: Inputs) -> None:
    """Inside the transaction that rebuilt the tables."""
    raw.execute(
        f"CREATE OR REPLACE TABLE {STATE} "
        "(sources VARCHAR, registry VARCHAR, code VARCHAR, built_at TIMESTAMP)"
    )
    raw.execute(
        f"INSERT INTO {STATE} VALUES (?, ?, ?, now()::TIMESTAMP)",
        [inputs.sources, inputs.registry, inputs.code],
    )


def stale_reasons(raw: duckdb.DuckDBPyConnection, *, fresh: bool = True) -> list[str]:
    """Why the derived tables are out of date, in words (empty: current)."""
    recorded = recorded_inputs(raw)
    if recorded is None:
        return ["families and facts have not been built for this warehouse"]
    now = current_inputs(raw, fresh=fresh)
    reasons = []
    if recorded.sources != now.sources:
        reasons.append("source files were loaded or removed since families were worked out")
    if recorded.registry != now.registry:
        reasons.append("the registry (companies, ownership, classification rules) changed")
    if recorded.code != now.code:
        reasons.append("this version of vendorwatch derives families and facts differently")
    return reasons
