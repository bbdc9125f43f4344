"""The shapes of the USAspending responses vendorwatch reads, as pydantic models.

Written from the API contracts (``usaspending_api/api_contracts/contracts/v2/``) and the views
that build the responses. Only the keys vendorwatch uses are declared, and they are declared
strictly enough that a renamed or retyped key fails validation; keys the API adds are kept
(``extra="allow"``) so a new field never breaks a sync. Money arrives as JSON numbers or
strings and is read as `Decimal` (bodies are parsed with ``parse_float=Decimal``), never float.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _date_part(value: Any) -> Any:
    """``2019-10-27 20:06:44`` and ``2016-06-27 00:00:00`` are dates with a time: keep the date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and len(value) > 10 and value[4] == "-" and value[10] in " T":
        return value[:10]
    return value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


LooseDate = Annotated[date, BeforeValidator(_date_part)]
Money = Annotated[Decimal, BeforeValidator(_blank_to_none)]
Count = Annotated[int, BeforeValidator(_blank_to_none)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


# --- search/spending_by_award/ -------------------------------------------------------------


class AwardPageMetadata(_Body):
    """``page_metadata`` of spending_by_award: page numbers plus the search-after cursor."""

    page: int
    hasNext: bool
    last_record_unique_id: int | None = None
    last_record_sort_value: str | None = None


class AwardSearchResult(_Body):
    internal_id: int
    generated_internal_id: str | None = None
    # As the search says it (a date, or a date and time): compared with what a sync held.
    last_modified: str | None = Field(default=None, alias="Last Modified Date")


class AwardSearchPage(_Body):
    limit: int
    results: list[AwardSearchResult]
    page_metadata: AwardPageMetadata
    messages: list[Any] = Field(default_factory=list)


# --- search/spending_by_transaction/ and transactions/ --------------------------------------


class SimplePageMetadata(_Body):
    """``get_simple_pagination_metadata``: page, next, previous, hasNext, hasPrevious."""

    page: int
    hasNext: bool
    hasPrevious: bool | None = None
    next: int | None = None
    previous: int | None = None


class TransactionSearchResult(_Body):
    internal_id: int | str
    generated_internal_id: str


class TransactionSearchPage(_Body):
    limit: int
    results: list[TransactionSearchResult]
    page_metadata: SimplePageMetadata
    messages: list[Any] = Field(default_factory=list)


class TransactionCounts(_Body):
    """``search/spending_by_transaction_count/``: counts per award-type group."""

    results: dict[str, int]


class AwardTransaction(_Body):
    """One row of ``POST transactions/`` (the transaction history of one award)."""

    id: str
    type: str | None = None
    type_description: str | None = None
    action_date: LooseDate
    action_type: str | None = None
    action_type_description: str | None = None
    modification_number: str | None = None
    description: str | None = None
    federal_action_obligation: Money | None = None


class AwardTransactionsPage(_Body):
    page_metadata: SimplePageMetadata
    results: list[AwardTransaction]


# --- awards/<id>/ ---------------------------------------------------------------------------


class ParentAward(_Body):
    piid: str | None = None
    generated_unique_award_id: str | None = None
    sub_agency_id: str | None = None


class ContractData(_Body):
    """``latest_transaction_contract_data``: competition, pricing and classification codes."""

    extent_competed: str | None = None
    extent_competed_description: str | None = None
    solicitation_procedures: str | None = None
    number_of_offers_received: Count | None = None
    other_than_full_and_open: str | None = None
    other_than_full_and_open_description: str | None = None
    fair_opportunity_limited: str | None = None
    type_of_contract_pricing: str | None = None
    type_set_aside: str | None = None
    product_or_service_code: str | None = None
    product_or_service_description: str | None = None
    naics: str | None = None
    naics_description: str | None = None


class ToptierAgency(_Body):
    name: str | None = None
    code: str | None = None
    abbreviation: str | None = None


class SubtierAgency(_Body):
    name: str | None = None
    code: str | None = None
    abbreviation: str | None = None


class AgencyBlock(_Body):
    toptier_agency: ToptierAgency | None = None
    subtier_agency: SubtierAgency | None = None
    office_agency_name: str | None = None


class PeriodOfPerformance(_Body):
    start_date: LooseDate | None = None
    end_date: LooseDate | None = None
    last_modified_date: LooseDate | None = None
    potential_end_date: LooseDate | None = None


class Recipient(_Body):
    recipient_name: str | None = None
    recipient_uei: str | None = None
    recipient_unique_id: str | None = None
    parent_recipient_name: str | None = None
    parent_recipient_uei: str | None = None
    parent_recipient_unique_id: str | None = None


class Place(_Body):
    location_country_code: str | None = None
    state_code: str | None = None


class AwardDetail(_Body):
    """``GET awards/<generated id>/`` for a contract or IDV."""

    id: int
    generated_unique_award_id: str
    piid: str | None = None
    category: str | None = None
    type: str | None = None
    type_description: str | None = None
    description: str | None = None
    total_obligation: Money | None = None
    base_exercised_options: Money | None = None
    base_and_all_options: Money | None = None
    date_signed: LooseDate | None = None
    parent_award: ParentAward | None = None
    latest_transaction_contract_data: ContractData | None = None
    awarding_agency: AgencyBlock | None = None
    funding_agency: AgencyBlock | None = None
    period_of_performance: PeriodOfPerformance | None = None
    recipient: Recipient | None = None
    place_of_performance: Place | None = None


# --- downloads ------------------------------------------------------------------------------


class DownloadRequested(_Body):
    """What ``bulk_download/awards/`` and ``download/awards|transactions/`` answer."""

    status_url: str
    file_name: str
    file_url: str
    download_request: dict[str, Any] = Field(default_factory=dict)


class DownloadStatus(_Body):
    status: Literal["ready", "running", "finished", "failed"]
    message: str | None = None
    file_name: str
    file_url: str | None = None
    total_size: float | None = None
    total_columns: int | None = None
    total_rows: int | None = None
    seconds_elapsed: str | None = None
