"""Sub-awards as their own role: money a company got from a prime contractor, never added to
the money it got from the government.

A sub-award's dollars are part of its prime award's obligations already, so counting them
beside primes would count them twice. Every figure here therefore carries a ``role`` (``prime``
or ``sub``): rollups and facets group by it or filter on one, never sum across. A sub-award row
is shaped like a ``facts`` row so the same dimensions apply: its recipient is the sub-awardee
(with the family the registry gives it on the sub-award's date), its award is the prime award
(key and PIID), its agency the prime award's awarding agency, its amount the sub-award amount.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from vendorwatch.analysis.base import fiscal_year, plain, with_family
from vendorwatch.analysis.lazy import engine, ibis, ir
from vendorwatch.errors import VendorwatchError

ROLES = ("prime", "sub")

# The facts columns the dimensions, the award lists and the text search read; a sub-award row
# fills them from these sub-award columns (None: the sub-award file has no such field).
SUB_COLUMNS: dict[str, str | None] = {
    "contract_award_unique_key": "prime_award_unique_key",
    "award_id_piid": "prime_award_piid",
    "parent_award_id_piid": "prime_award_parent_piid",  # the prime's agreement
    "modification_number": "subaward_number",
    "action_date": "subaward_action_date",
    "federal_action_obligation": "subaward_amount",
    "recipient_name": "subawardee_name",
    "recipient_uei": "subawardee_uei",
    "recipient_duns": "subawardee_duns",
    "recipient_parent_uei": "subawardee_parent_uei",
    "awarding_agency_name": "prime_award_awarding_agency_name",
    "awarding_sub_agency_name": "prime_award_awarding_sub_agency_name",
    "awarding_office_name": "prime_award_awarding_office_name",
    "naics_code": "prime_award_naics_code",
    "naics_description": None,
    "product_or_service_code": None,
    "product_or_service_code_description": None,
    "primary_place_of_performance_state_code": "subaward_primary_place_of_performance_state_code",
    "transaction_description": "subaward_description",
    "prime_award_base_transaction_description": "prime_award_base_transaction_description",
    "competition": None,  # a sub-award's competition is not reported
    "classification": None,
    "classification_rule": None,
    "classification_evidence": None,
    "source_sha256": "source_sha256",
    "source_row": "source_row",
}


def sub_rows(con: Any, facts: ir.Table) -> ir.Table:
    """Every sub-award as a facts-shaped row (role ``sub``), typed like ``facts``."""
    s = con.table("subawards")
    schema = facts.schema()
    shaped = s.select(
        **{
            column: (s[source] if source else ibis.null()).cast(schema[column])
            for column, source in SUB_COLUMNS.items()
        },
        prime_awardee_name=s.prime_awardee_name,
        subaward_number=s.subaward_number,
    )
    shaped = with_family(con, shaped)
    return shaped.mutate(
        fiscal_year=fiscal_year(shaped.action_date).cast(schema["fiscal_year"]),
        role=ibis.literal("sub"),
    )


def role_rows(con: Any, facts: ir.Table, role: str) -> ir.Table:
    """The rows of one role: the facts themselves for ``prime``, sub-awards for ``sub``."""
    if role not in ROLES:
        raise VendorwatchError(f"unknown role {role!r}; choose prime or sub")
    if role == "prime":
        return facts.mutate(role=ibis.literal("prime"))
    return sub_rows(con, facts)


def with_roles(con: Any, facts: ir.Table) -> ir.Table:
    """Prime facts and sub-awards in one table, told apart by ``role`` (group or filter on it:
    a sum over both counts a sub-award's dollars twice)."""
    columns = [*SUB_COLUMNS, "organisation", "family", "fiscal_year", "role"]
    prime = role_rows(con, facts, "prime").select(*columns)
    return prime.union(sub_rows(con, facts).select(*columns))


def single_role(values: list[str] | tuple[str, ...] | None) -> str:
    """The one role a selection asks for (prime unless it says sub); both at once is refused."""
    chosen = list(dict.fromkeys(values or []))
    if len(chosen) > 1:
        raise VendorwatchError(
            "choose one role, prime or sub: a sub-award is part of its prime award's dollars, "
            "so the two are never added together"
        )
    role = chosen[0] if chosen else "prime"
    if role not in ROLES:
        raise VendorwatchError(f"unknown role {role!r}; choose prime or sub")
    return role


def _prime_family(con: Any) -> ir.Table:
    """Sub-awards with the family of their prime awardee (who gave them)."""
    s = con.table("subawards")
    given = s.mutate(
        recipient_name=s.prime_awardee_name,
        recipient_uei=s.prime_awardee_uei,
        recipient_duns=ibis.null("string"),
        recipient_parent_uei=s.prime_awardee_parent_uei,
    )
    return with_family(con, given, "subaward_action_date")


def _listing(t: ir.Table, who: str) -> list[dict[str, Any]]:
    rows = engine.rows(
        t.select(
            prime_award_key=t.prime_award_unique_key,
            prime_piid=t.prime_award_piid,
            prime_awardee=t.prime_awardee_name,
            subawardee=t.subawardee_name,
            agency=t.prime_award_awarding_sub_agency_name,
            department=t.prime_award_awarding_agency_name,
            subaward_number=t.subaward_number,
            action_date=t.subaward_action_date,
            amount=t.subaward_amount,
            description=t.subaward_description,
            organisation=t.organisation,
            source_sha256=t.source_sha256,
            source_row=t.source_row,
        ).order_by([ibis.desc("amount"), "prime_award_key", "subaward_number", "source_row"])
    )
    return [{k: plain(v) for k, v in r.items()} | {"role": who} for r in rows]


def _total(rows: list[dict[str, Any]]) -> str:
    return f"{sum((Decimal(r['amount']) for r in rows if r['amount']), Decimal(0)):.2f}"


def family_subawards(con: Any, family: str, orgs: list[str] | None = None) -> dict[str, Any]:
    """A family's sub-awards: received (it was the sub-awardee) and given (it was the prime),
    each with the prime award and its agency; totals per side, never added to primes."""
    s = con.table("subawards")
    received = with_family(
        con,
        s.mutate(
            recipient_name=s.subawardee_name,
            recipient_uei=s.subawardee_uei,
            recipient_duns=s.subawardee_duns,
            recipient_parent_uei=s.subawardee_parent_uei,
        ),
        "subaward_action_date",
    )
    given = _prime_family(con)

    def mine(t: ir.Table) -> ir.Table:
        t = t.filter(t.family == family)
        return t.filter(t.organisation.isin(orgs)) if orgs else t

    got = _listing(mine(received), "sub")
    gave = _listing(mine(given), "prime")
    return {
        "received": got,
        "received_total": _total(got),
        "given": gave,
        "given_total": _total(gave),
    }
