"""The warehouse's normalised tables.

Column names follow USAspending's bulk-download names wherever one exists, so a reader of the
data dictionary recognises them and the bulk layouts map onto them one-to-one. Every row keeps
its provenance: ``source_sha256`` (the file's content hash, a key into ``source_files``, which
holds its path, layout and load time) and ``source_row`` (1-based record number in that file).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import duckdb

from vendorwatch.warehouse.file_columns import FILE_COLUMNS_SQL

# 2: derivation_state records what the derived tables were built from (replaces facts_state).
# 3: source_file_columns records per file which columns were mapped, derived or missing;
#    place of performance county and city are kept.
# 4: transactions.correction_delete_ind (FPDS/USAspending C = corrected, D = deleted) so a key
#    seen again is a new version of it (vendorwatch.warehouse.versions); sync_award_versions.
SCHEMA_VERSION = 4


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # exact: DECIMAL(18,2), never a float
    DATE = "date"
    INT = "int"


SQL_TYPES = {
    Kind.TEXT: "VARCHAR",
    Kind.MONEY: "DECIMAL(18,2)",
    Kind.DATE: "DATE",
    Kind.INT: "BIGINT",
}


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, Kind]
    date_column: str  # the date that places a row in time (status date ranges)
    amount_column: str  # the money that a total over the table sums
    agency_column: str


def _cols(kind: Kind, names: str) -> dict[str, Kind]:
    return {name: kind for name in names.split()}


_AGENCY = """awarding_agency_code awarding_agency_name awarding_sub_agency_code
 awarding_sub_agency_name awarding_office_code awarding_office_name funding_agency_name
 funding_sub_agency_name"""
_RECIPIENT = """recipient_uei recipient_duns recipient_name recipient_name_raw
 recipient_parent_uei recipient_parent_duns recipient_parent_name cage_code"""
_WHAT = """award_type_code product_or_service_code product_or_service_code_description naics_code
 naics_description prime_award_base_transaction_description extent_competed_code extent_competed
 solicitation_procedures_code other_than_full_and_open_competition_code
 other_than_full_and_open_competition fair_opportunity_limited_sources_code
 type_of_contract_pricing_code type_of_set_aside_code primary_place_of_performance_state_code
 primary_place_of_performance_county_name primary_place_of_performance_city_name
 primary_place_of_performance_country_code usaspending_permalink"""
_PERIOD = """period_of_performance_start_date period_of_performance_current_end_date
 period_of_performance_potential_end_date last_modified_date"""

TRANSACTIONS = Table(
    name="transactions",
    columns={
        **_cols(
            Kind.TEXT,
            """contract_transaction_unique_key contract_award_unique_key award_id_piid
            modification_number parent_award_id_piid action_type_code transaction_description
            correction_delete_ind""",
        ),
        **_cols(Kind.INT, "transaction_number number_of_offers_received"),
        **_cols(Kind.DATE, "action_date"),
        **_cols(
            Kind.MONEY,
            """federal_action_obligation total_dollars_obligated current_total_value_of_award
            potential_total_value_of_award""",
        ),
        **_cols(Kind.TEXT, _AGENCY),
        **_cols(Kind.TEXT, _RECIPIENT),
        **_cols(Kind.TEXT, _WHAT),
        **_cols(Kind.DATE, _PERIOD),
    },
    date_column="action_date",
    amount_column="federal_action_obligation",
    agency_column="awarding_sub_agency_name",
)

AWARDS = Table(
    name="awards",
    columns={
        **_cols(
            Kind.TEXT,
            "contract_award_unique_key award_id_piid parent_award_id_piid parent_award_agency_id",
        ),
        **_cols(
            Kind.MONEY,
            """total_obligated_amount total_outlayed_amount current_total_value_of_award
            potential_total_value_of_award""",
        ),
        **_cols(
            Kind.DATE,
            "award_base_action_date award_latest_action_date ordering_period_end_date "
            "solicitation_date",
        ),
        **_cols(Kind.INT, "number_of_actions number_of_offers_received"),
        **_cols(Kind.TEXT, "idv_type_code"),
        **_cols(Kind.TEXT, _AGENCY),
        **_cols(Kind.TEXT, _RECIPIENT),
        **_cols(Kind.TEXT, _WHAT),
        **_cols(Kind.DATE, _PERIOD),
    },
    date_column="award_base_action_date",
    amount_column="total_obligated_amount",
    agency_column="awarding_sub_agency_name",
)

SUBAWARDS = Table(
    name="subawards",
    columns={
        **_cols(
            Kind.TEXT,
            """prime_award_unique_key prime_award_piid prime_award_parent_piid
            prime_award_awarding_agency_name prime_award_awarding_sub_agency_code
            prime_award_awarding_sub_agency_name prime_award_awarding_office_name
            prime_awardee_uei prime_awardee_name prime_awardee_parent_uei prime_awardee_parent_name
            prime_award_naics_code prime_award_base_transaction_description subaward_type
            subaward_fsrs_report_id subaward_number subawardee_uei subawardee_duns subawardee_name
            subawardee_dba_name subawardee_parent_uei subawardee_parent_name
            subaward_primary_place_of_performance_state_code subaward_description
            usaspending_permalink""",
        ),
        **_cols(Kind.MONEY, "prime_award_amount subaward_amount"),
        **_cols(
            Kind.DATE,
            """prime_award_base_action_date prime_award_period_of_performance_start_date
            prime_award_period_of_performance_current_end_date subaward_action_date
            subaward_fsrs_report_last_modified_date""",
        ),
    },
    date_column="subaward_action_date",
    amount_column="subaward_amount",
    agency_column="prime_award_awarding_sub_agency_name",
)

TABLES: dict[str, Table] = {t.name: t for t in (TRANSACTIONS, AWARDS, SUBAWARDS)}

PROVENANCE_COLUMNS = ("source_sha256", "source_row")

# What `vendorwatch sync` records (vendorwatch.sources.sync): each successful run, how far each
# scope (agency x award-type group x watched name) is synced, and what each run found changed.
SYNC_TABLES_SQL = (
    """
    CREATE TABLE IF NOT EXISTS sync_runs (
        run_id VARCHAR PRIMARY KEY,
        started_at TIMESTAMP NOT NULL,  -- UTC
        finished_at TIMESTAMP NOT NULL,  -- UTC
        api_base VARCHAR NOT NULL,
        window_start DATE NOT NULL,
        window_end DATE NOT NULL,
        scopes VARCHAR[] NOT NULL,
        requests BIGINT NOT NULL,
        awards_seen BIGINT NOT NULL,
        awards_inserted BIGINT NOT NULL,
        transactions_inserted BIGINT NOT NULL,
        changes BIGINT NOT NULL,
        awards_sha256 VARCHAR,  -- the run's source_files rows (NULL when it found nothing)
        transactions_sha256 VARCHAR
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS sync_watermarks (
        scope VARCHAR PRIMARY KEY,  -- e.g. "ice:contracts:*" or "cbp:idvs:RELX"
        synced_through DATE NOT NULL,  -- last_modified_date covered, inclusive
        run_id VARCHAR NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS sync_changes (
        change_id VARCHAR PRIMARY KEY,  -- stable: the same change is recorded once
        run_id VARCHAR NOT NULL,
        detected_at TIMESTAMP NOT NULL,  -- UTC
        kind VARCHAR NOT NULL,  -- new_award | new_modification | end_date_changed
        contract_award_unique_key VARCHAR NOT NULL,
        award_id_piid VARCHAR,
        contract_transaction_unique_key VARCHAR,
        modification_number VARCHAR,
        action_date DATE,
        amount DECIMAL(18,2),
        obligation_change VARCHAR NOT NULL,  -- obligation | deobligation | none
        old_value VARCHAR,
        new_value VARCHAR,
        awarding_sub_agency_name VARCHAR,
        recipient_name VARCHAR,
        recipient_uei VARCHAR,
        recipient_parent_uei VARCHAR,
        scopes VARCHAR[] NOT NULL,
        source_sha256 VARCHAR NOT NULL,
        source_row BIGINT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS sync_award_versions (
        contract_award_unique_key VARCHAR PRIMARY KEY,
        last_modified VARCHAR NOT NULL,  -- the search's "Last Modified Date", as it said it
        run_id VARCHAR NOT NULL  -- the sync that fetched the award at that version
    )
    """,
)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables if absent; safe to call on every open."""
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS source_files (
            sha256 VARCHAR PRIMARY KEY,
            path VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL,
            layout VARCHAR NOT NULL,
            target_table VARCHAR NOT NULL,
            rows BIGINT NOT NULL,
            columns_in_file INTEGER NOT NULL,
            missing_columns VARCHAR[] NOT NULL,
            date_convention VARCHAR NOT NULL,
            compression VARCHAR NOT NULL,
            loaded_at TIMESTAMP NOT NULL  -- UTC
        )
        """
    )
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    if con.execute("SELECT count(*) FROM schema_version").fetchall() == [(0,)]:
        con.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION])
    for table in TABLES.values():
        columns = ",\n".join(f"{name} {SQL_TYPES[kind]}" for name, kind in table.columns.items())
        con.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {table.name} (
                {columns},
                source_sha256 VARCHAR NOT NULL,
                source_row BIGINT NOT NULL
            )
            """
        )
    for statement in SYNC_TABLES_SQL:
        con.execute(statement)
    con.execute(FILE_COLUMNS_SQL)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The layout version the file was written with (0: not a vendorwatch warehouse yet)."""
    names = {n for (n,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "schema_version" not in names:
        return 0
    rows = con.execute("SELECT max(version) FROM schema_version").fetchall()
    return int(rows[0][0] or 0)


def check_schema_version(con: duckdb.DuckDBPyConnection, where: object) -> int:
    """The file's version, or an error if a newer vendorwatch wrote it (its tables may mean
    something this one does not know)."""
    version = schema_version(con)
    if version > SCHEMA_VERSION:
        from vendorwatch.errors import VendorwatchError  # noqa: PLC0415 - only on this path

        raise VendorwatchError(
            f"the warehouse {where} was written by a newer vendorwatch (layout version "
            f"{version}; this one reads up to {SCHEMA_VERSION}): upgrade vendorwatch to read it"
        )
    return version


def migrate(con: duckdb.DuckDBPyConnection) -> bool:
    """Bring an older layout up to this version in place (on a new snapshot, never the published
    one). Returns whether anything changed. 1 -> 2: tables added (create_schema), the old
    facts_state dropped; the derived tables are rebuilt because no derivation_state exists.
    2 -> 3: source_file_columns added (create_schema; files loaded before have no rows there,
    their missing columns stay in source_files) and place of performance county and city added
    (NULL for files loaded before; load them again to fill them). 3 -> 4:
    transactions.correction_delete_ind added (NULL: every row loaded before is an original
    record) and sync_award_versions (empty: the next sync asks for every award it finds once)."""
    version = schema_version(con)
    create_schema(con)
    if version and version < SCHEMA_VERSION:
        if version < 2:
            con.execute("DROP TABLE IF EXISTS facts_state")
        _add_missing_columns(con)
        con.execute("UPDATE schema_version SET version = ?", [SCHEMA_VERSION])
        return True
    return False


def _add_missing_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Columns this version's tables have and the file's lack, added empty (NULL)."""
    for table in TABLES.values():
        have = {
            name
            for (name,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table.name]
            ).fetchall()
        }
        for name, kind in table.columns.items():
            if name not in have:
                con.execute(f"ALTER TABLE {table.name} ADD COLUMN {name} {SQL_TYPES[kind]}")
