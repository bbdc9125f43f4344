"""The file layouts vendorwatch reads, recognised by their header row, never by file name.

A layout says which normalised table its rows go to and where each table column comes from:
a source header (``fields``) or a SQL expression over the staged source columns
(``derived``, with ``{Header Name}`` placeholders). Columns a layout does not provide stay
NULL, so older or trimmed downloads still load; what was missing is recorded per file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from pydantic import BaseModel

from vendorwatch.warehouse import legacy
from vendorwatch.warehouse.schema import AWARDS, SUBAWARDS, TRANSACTIONS, Table
from vendorwatch.yamlload import safe_load


class AgencyAbbreviation(BaseModel):
    abbreviation: str
    sub_agency_code: str
    sub_agency_name: str
    agency_code: str
    agency_name: str
    source: str


@cache
def agency_abbreviations() -> tuple[AgencyAbbreviation, ...]:
    text = resources.files(__package__).joinpath("agency_abbreviations.yaml").read_text("utf-8")
    return tuple(AgencyAbbreviation.model_validate(item) for item in safe_load(text))


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    short: str  # what a narrow table calls it
    table: Table
    signature: frozenset[str]  # headers that must all be present
    excludes: frozenset[str] = frozenset()  # headers whose presence rules it out
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column -> header names
    derived: dict[str, str] = field(default_factory=dict)
    standard_columns: int | None = None  # column count of the current official layout
    # More derived SQL, worked out from the file's own headers (keys a file lacks).
    derive: Callable[[list[str]], dict[str, str]] | None = None

    def matches(self, headers: set[str]) -> bool:
        return self.signature <= headers and not (self.excludes & headers)


def _identity(table: Table, *, delta: bool = False) -> dict[str, tuple[str, ...]]:
    """Bulk layouts use the table's own column names (``correction_delete_ind`` only in delta
    files)."""
    return {name: (name,) for name in table.columns if delta or name != "correction_delete_ind"}


PRIME_TRANSACTIONS = Layout(
    name="usaspending_prime_transactions",
    title="USAspending bulk download: Contracts PrimeTransactions",
    short="PrimeTransactions",
    table=TRANSACTIONS,
    signature=frozenset(
        {
            "contract_transaction_unique_key",
            "contract_award_unique_key",
            "federal_action_obligation",
            "action_date",
        }
    ),
    fields=_identity(TRANSACTIONS),
    standard_columns=297,
)

# USAspending's monthly delta files (populate_monthly_delta_files): correction_delete_ind and
# agency_id before today's PrimeTransactions columns; blank or C = a new or replacing version
# of the key, D = the key deleted (only the key's parts and last_modified_date filled).
PRIME_TRANSACTIONS_DELTA = Layout(
    name="usaspending_prime_transactions_delta",
    title="USAspending delta file: Contracts PrimeTransactions with correction_delete_ind",
    short="PrimeTransactions delta",
    table=TRANSACTIONS,
    signature=frozenset({"correction_delete_ind", "contract_transaction_unique_key"}),
    fields=_identity(TRANSACTIONS, delta=True),
    standard_columns=299,
)

PRIME_AWARD_SUMMARIES = Layout(
    name="usaspending_prime_award_summaries",
    title="USAspending bulk download: Contracts PrimeAwardSummaries",
    short="PrimeAwardSummaries",
    table=AWARDS,
    signature=frozenset(
        {"contract_award_unique_key", "total_obligated_amount", "award_base_action_date"}
    ),
    excludes=frozenset({"contract_transaction_unique_key"}),
    fields=_identity(AWARDS),
    standard_columns=286,
)

SUBAWARDS_LAYOUT = Layout(
    name="usaspending_subawards",
    title="USAspending bulk download: Contracts Subawards",
    short="Subawards",
    table=SUBAWARDS,
    signature=frozenset({"prime_award_unique_key", "subaward_number", "subaward_amount"}),
    fields=_identity(SUBAWARDS),
    standard_columns=118,
)


def _agency_case(attribute: str) -> str:
    """SQL mapping the export's agency abbreviation to the bulk files' name or code."""
    arms = " ".join(
        f"WHEN '{a.abbreviation}' THEN '{getattr(a, attribute)}'" for a in agency_abbreviations()
    )
    return f"CASE upper(trim({{Agency}})) {arms} END"


# A generated award id is CONT_AWD_<piid>_<agency>_<parent piid or -NONE->_<parent agency>;
# the parent piid is its second-last part (split, not a backtracking regex: 10x faster).
_PARENT_PIID = "nullif(string_split({Generated Award ID}, '_')[-2], '-NONE-')"

API_TRANSACTION_EXPORT = Layout(
    name="usaspending_api_transaction_search",
    title="USAspending API spending_by_transaction export",
    short="API export",
    table=TRANSACTIONS,
    signature=frozenset({"Award ID", "Action Date", "Recipient Name", "Generated Award ID"}),
    fields={
        "award_id_piid": ("Award ID",),
        "contract_award_unique_key": ("Generated Award ID",),
        "modification_number": ("Modification", "Mod"),
        "federal_action_obligation": ("Federal Action Obligation", "Transaction Amount"),
        "action_date": ("Action Date",),
        "recipient_name": ("Recipient Name",),
        "product_or_service_code_description": (
            "Product/Service Description",
            "product_or_service_description",
        ),
        "naics_description": ("NAICS Description", "naics_description"),
        "transaction_description": ("Transaction Description",),
    },
    derived={
        "awarding_sub_agency_name": _agency_case("sub_agency_name"),
        "awarding_sub_agency_code": _agency_case("sub_agency_code"),
        "awarding_agency_name": _agency_case("agency_name"),
        "awarding_agency_code": _agency_case("agency_code"),
        "parent_award_id_piid": _PARENT_PIID,
    },
    standard_columns=10,
)

# The 2017-2019 bulk downloads: today's names, no unique keys (derived), no UEI (DUNS kept),
# sometimes an extra fiscal_year (ignored); about 259 columns (vendorwatch.warehouse.legacy).
PRIME_TRANSACTIONS_2017 = Layout(
    name="usaspending_prime_transactions_2017",
    title="USAspending bulk download, 2017-2019 layout: Contracts PrimeTransactions (no keys)",
    short="PrimeTransactions 2017-19",
    table=TRANSACTIONS,
    signature=frozenset(
        {"award_id_piid", "modification_number", "federal_action_obligation", "action_date"}
    ),
    excludes=frozenset({"contract_transaction_unique_key"}),
    fields=_identity(TRANSACTIONS),
    derive=legacy.derive_bulk_2017,
)

# Older contract files with the names the crosswalk lists as legacy (piid, dollarsobligated).
LEGACY_CONTRACTS = Layout(
    name="usaspending_legacy_contracts",
    title="USAspending contracts file with legacy column names (crosswalk legacy_award_element)",
    short="legacy names",
    table=TRANSACTIONS,
    signature=frozenset({"piid", "modnumber", "dollarsobligated", "signeddate"}),
    excludes=frozenset({"award_id_piid"}),
    fields=legacy.legacy_fields(),
    derive=legacy.derive_legacy,
)

LAYOUTS: tuple[Layout, ...] = (
    PRIME_TRANSACTIONS_DELTA,
    PRIME_TRANSACTIONS,
    PRIME_AWARD_SUMMARIES,
    SUBAWARDS_LAYOUT,
    API_TRANSACTION_EXPORT,
    PRIME_TRANSACTIONS_2017,
    LEGACY_CONTRACTS,
)

# Not files `load` reads: the JSON-lines batches `vendorwatch sync` writes and records in
# source_files (vendorwatch.sources.sync); listed so that status can name them.
API_SYNC_LAYOUTS: tuple[Layout, ...] = (
    Layout(
        name="usaspending_api_sync_awards",
        title="USAspending API sync: award details (awards/<id>/)",
        short="API sync awards",
        table=AWARDS,
        signature=frozenset(),
    ),
    Layout(
        name="usaspending_api_sync_transactions",
        title="USAspending API sync: award transactions (transactions/)",
        short="API sync transactions",
        table=TRANSACTIONS,
        signature=frozenset(),
    ),
)

# FPDS ATOM feeds are told by their XML root, not a header (vendorwatch.warehouse.fpds_atom
# holds the path of every column); listed so that status and coverage can name them.
FPDS_ATOM = Layout(
    name="fpds_atom",
    title="FPDS ATOM feed (XML, prefixed or default namespaces)",
    short="FPDS ATOM",
    table=TRANSACTIONS,
    signature=frozenset(),
)

LAYOUTS_BY_NAME = {layout.name: layout for layout in (*LAYOUTS, *API_SYNC_LAYOUTS, FPDS_ATOM)}


def detect_layout(headers: list[str]) -> Layout | None:
    present = set(headers)
    for layout in LAYOUTS:
        if layout.matches(present):
            return layout
    return None


def closest_layout(headers: list[str]) -> tuple[Layout, list[str], list[str]]:
    """The known layout a header comes nearest to: (layout, identifying columns it lacks,
    columns it has that rule the layout out); most identifying columns present wins."""
    present = set(headers)

    def score(layout: Layout) -> tuple[float, int]:
        have = len(layout.signature & present) / len(layout.signature)
        named = {h for names in layout.fields.values() for h in names}
        return have - len(layout.excludes & present), len(named & present)

    best = max(LAYOUTS, key=score)
    return best, sorted(best.signature - present), sorted(best.excludes & present)


def describe_layouts() -> str:
    """What a user is told a file should look like when it matches nothing."""
    return "; ".join(
        f"{layout.title} (header with {', '.join(sorted(layout.signature))})" for layout in LAYOUTS
    )
