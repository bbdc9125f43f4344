"""Map the API's award detail and transactions onto the warehouse's columns.

Synced rows carry the award's context (agency, recipient, PSC/NAICS, competition) as of its
latest transaction, which is what USAspending's award page shows; only bulk PrimeTransactions
files have each action's own values. See the mapping table in ``docs/sources.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vendorwatch.sources.models import AwardDetail, AwardTransaction

PERMALINK = "https://www.usaspending.gov/award/{}/"


def _award_context(detail: AwardDetail) -> dict[str, Any]:
    """Columns both tables share, from the award detail (as of its latest transaction)."""
    awarding = detail.awarding_agency
    funding = detail.funding_agency
    recipient = detail.recipient
    data = detail.latest_transaction_contract_data
    period = detail.period_of_performance
    place = detail.place_of_performance
    is_idv = (detail.type or "").startswith("IDV")
    return {
        "contract_award_unique_key": detail.generated_unique_award_id,
        "award_id_piid": detail.piid,
        "parent_award_id_piid": detail.parent_award.piid if detail.parent_award else None,
        "awarding_agency_code": awarding
        and awarding.toptier_agency
        and awarding.toptier_agency.code,
        "awarding_agency_name": awarding
        and awarding.toptier_agency
        and awarding.toptier_agency.name,
        "awarding_sub_agency_code": awarding
        and awarding.subtier_agency
        and awarding.subtier_agency.code,
        "awarding_sub_agency_name": awarding
        and awarding.subtier_agency
        and awarding.subtier_agency.name,
        "awarding_office_name": awarding and awarding.office_agency_name,
        "funding_agency_name": funding and funding.toptier_agency and funding.toptier_agency.name,
        "funding_sub_agency_name": funding
        and funding.subtier_agency
        and funding.subtier_agency.name,
        "recipient_uei": recipient and recipient.recipient_uei,
        "recipient_duns": recipient and recipient.recipient_unique_id,
        "recipient_name": recipient and recipient.recipient_name,
        "recipient_parent_uei": recipient and recipient.parent_recipient_uei,
        "recipient_parent_duns": recipient and recipient.parent_recipient_unique_id,
        "recipient_parent_name": recipient and recipient.parent_recipient_name,
        "award_type_code": None if is_idv else detail.type,
        "product_or_service_code": data and data.product_or_service_code,
        "product_or_service_code_description": data and data.product_or_service_description,
        "naics_code": data and data.naics,
        "naics_description": data and data.naics_description,
        "prime_award_base_transaction_description": detail.description,
        "extent_competed_code": data and data.extent_competed,
        "extent_competed": data and data.extent_competed_description,
        "solicitation_procedures_code": data and data.solicitation_procedures,
        "other_than_full_and_open_competition_code": data and data.other_than_full_and_open,
        "other_than_full_and_open_competition": data and data.other_than_full_and_open_description,
        "fair_opportunity_limited_sources_code": data and data.fair_opportunity_limited,
        "type_of_contract_pricing_code": data and data.type_of_contract_pricing,
        "type_of_set_aside_code": data and data.type_set_aside,
        "primary_place_of_performance_state_code": place and place.state_code,
        "primary_place_of_performance_country_code": place and place.location_country_code,
        "usaspending_permalink": PERMALINK.format(detail.generated_unique_award_id),
        "period_of_performance_start_date": period and period.start_date,
        "period_of_performance_current_end_date": period and period.end_date,
        "period_of_performance_potential_end_date": period and period.potential_end_date,
        "last_modified_date": period and period.last_modified_date,
        "number_of_offers_received": data and data.number_of_offers_received,
    }


def award_row(detail: AwardDetail, transactions: Sequence[AwardTransaction]) -> dict[str, Any]:
    """An ``awards`` row: the detail's award-level values."""
    is_idv = (detail.type or "").startswith("IDV")
    return {
        **_award_context(detail),
        "parent_award_agency_id": detail.parent_award.sub_agency_id
        if detail.parent_award
        else None,
        "total_obligated_amount": detail.total_obligation,
        "current_total_value_of_award": detail.base_exercised_options,
        "potential_total_value_of_award": detail.base_and_all_options,
        "award_base_action_date": detail.date_signed,
        "award_latest_action_date": max((t.action_date for t in transactions), default=None),
        "number_of_actions": len(transactions),
        # IDV_B_A and the like are kinds of IDC ("B"), which is all the bulk column says
        "idv_type_code": (detail.type or "").removeprefix("IDV_")[:1] if is_idv else None,
    }


def transaction_row(detail: AwardDetail, record: AwardTransaction) -> dict[str, Any]:
    """A ``transactions`` row: the action's own values plus the award's context."""
    context = _award_context(detail)
    return {
        **context,
        # The API's id is "CONT_TX_" + the bulk files' contract_transaction_unique_key.
        "contract_transaction_unique_key": record.id.removeprefix("CONT_TX_"),
        "modification_number": record.modification_number,
        "action_type_code": record.action_type,
        "transaction_description": record.description,
        "action_date": record.action_date,
        "federal_action_obligation": record.federal_action_obligation,
        "correction_delete_ind": None,  # as listed: an original or corrected record
    }
