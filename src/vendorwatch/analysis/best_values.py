"""An award's values and competition from the best source at hand, each figure with its source.

The transaction exports people hold often lack an award's current and potential value, its
period of performance and whether it was competed (the API export carries none of them); the
award summary (bulk PrimeAwardSummaries) and the award-detail record (`vendorwatch sync`) do.
So each figure is taken from the latest loaded transaction that carries it, else from the
award's latest summary or detail record, and the figure says which it was. An award known only
from its summary counts too: it has no transactions to be found by.
"""

from __future__ import annotations

from typing import Any

from vendorwatch.analysis.base import fiscal_year, with_family
from vendorwatch.analysis.competition import status_expr
from vendorwatch.analysis.facts import fact_table
from vendorwatch.analysis.lazy import ibis, ir

# The figures an award record can lend the transactions, by their warehouse column.
VALUE_FIELDS = (
    "current_total_value_of_award",
    "potential_total_value_of_award",
    "period_of_performance_start_date",
    "period_of_performance_current_end_date",
    "period_of_performance_potential_end_date",
    "extent_competed_code",
    "other_than_full_and_open_competition",
    "number_of_offers_received",
    "solicitation_procedures_code",
)

# What identifies and places an award, under the transactions' own names (so the rollup
# dimensions apply): from its latest transaction, else its award record.
IDENTITY = (
    "award_id_piid",
    "parent_award_id_piid",
    "recipient_name",
    "recipient_uei",
    "awarding_agency_name",
    "awarding_sub_agency_name",
    "awarding_office_name",
    "product_or_service_code",
    "product_or_service_code_description",
    "naics_code",
    "naics_description",
    "primary_place_of_performance_state_code",
    "prime_award_base_transaction_description",
)

TRANSACTIONS = "transactions"
SUMMARY = "award summary"
DETAIL = "award detail"
LOADED_SUM = "sum of loaded transactions"

# Which kind of award record each awards-table layout is (vendorwatch.warehouse.layouts).
_RECORD_KINDS = {
    "usaspending_prime_award_summaries": SUMMARY,
    "usaspending_api_sync_awards": DETAIL,
}


# The award-record columns `best_awards` reads (with those `with_family` joins on). Named at the
# start, so the compiled question does not carry the awards table's ~56 columns through every
# one of its subqueries: DuckDB binds and plans the SQL afresh in every process (~45 KB of it).
_RECORD_COLUMNS = (
    "contract_award_unique_key",
    *IDENTITY,
    *VALUE_FIELDS,
    "total_obligated_amount",
    "award_base_action_date",
    "award_latest_action_date",
    "last_modified_date",
    "source_sha256",
    "source_row",
    "recipient_duns",
    "recipient_parent_uei",
)


def latest_award_records(
    con: Any, key: ir.Scalar | None = None, columns: tuple[str, ...] | None = None
) -> ir.Table:
    """Each award's latest summary or detail record (by last modification), with its kind,
    file and row: what it says is as of that modification (``key``: of that award only;
    ``columns``: only these of the awards table, which must include the ordering's)."""
    a = con.table("awards")
    if columns is not None:
        a = a.select(*dict.fromkeys(columns))
    if key is not None:
        a = a.filter(a.contract_award_unique_key == key)
    files = con.table("source_files").select(_sha="sha256", _file="file_name", _layout="layout")
    a = a.join(files, a.source_sha256 == files._sha).drop("_sha")
    latest = ibis.window(
        group_by=a.contract_award_unique_key,
        order_by=[a.last_modified_date.desc(), a.source_sha256, a.source_row],
    )
    a = a.mutate(_n=ibis.row_number().over(latest)).filter(lambda r: r._n == 0).drop("_n")
    kind = a._layout.substitute(_RECORD_KINDS, else_=SUMMARY)
    return a.mutate(record_kind=kind, record_file=a._file).drop("_file", "_layout")


def _per_award_transactions(facts: ir.Table) -> ir.Table:
    """One row per award of the transactions: the latest value of each figure that one
    carries, obligations, family and organisation as of the latest action."""
    t = facts
    latest = {
        f"_t_{name}": t[name].argmax(t.action_date, where=t[name].notnull())
        for name in (*VALUE_FIELDS, "total_dollars_obligated")
    }
    ident = {
        f"_t_{name}": t[name].argmax(t.action_date, where=t[name].notnull()) for name in IDENTITY
    }
    return t.group_by(_tkey=t.contract_award_unique_key).aggregate(
        _t_family=t.family.argmax(t.action_date, where=t.family.notnull()),
        _t_organisation=t.organisation.argmax(t.action_date, where=t.organisation.notnull()),
        _t_sum=t.federal_action_obligation.sum(),
        _t_first=t.action_date.min(),
        _t_last=t.action_date.max(),
        _t_count=t.count(),
        **ident,
        **latest,
    )


def best_awards(con: Any, facts: ir.Table | None = None, key: ir.Scalar | None = None) -> ir.Table:
    """One row per award in the transactions or the award records: identity (``award_key``,
    ``family``, ``organisation`` and the ``IDENTITY`` columns), each
    ``VALUE_FIELDS`` figure with ``<figure>_source``, ``obligated`` with ``obligated_source``,
    ``signed`` (the base action date where a record has it, else the first loaded action),
    its ``fiscal_year`` and ``competition``. ``key``: one award's row only."""
    facts = fact_table(con) if facts is None else facts
    if key is not None:
        facts = facts.filter(facts.contract_award_unique_key == key)
    tx = _per_award_transactions(facts)

    rec = latest_award_records(con, key, _RECORD_COLUMNS)
    rec = rec.mutate(_on=ibis.coalesce(rec.award_latest_action_date, rec.award_base_action_date))
    rec = with_family(con, rec, "_on").drop("_on")
    r = rec.select(
        _rkey=rec.contract_award_unique_key,
        _r_family=rec.family,
        _r_organisation=rec.organisation,
        **{f"_r_{name}": rec[name] for name in IDENTITY},
        _r_obligated=rec.total_obligated_amount,
        _r_base=rec.award_base_action_date,
        _r_modified=rec.last_modified_date,
        _r_kind=rec.record_kind,
        _r_file=rec.record_file,
        _r_sha=rec.source_sha256,
        _r_row=rec.source_row,
        **{f"_r_{name}": rec[name] for name in VALUE_FIELDS},
    )
    j = tx.outer_join(r, tx._tkey == r._rkey)
    none = ibis.null("string")
    figures: dict[str, ir.Value] = {}
    for name in VALUE_FIELDS:
        mine, theirs = j[f"_t_{name}"], j[f"_r_{name}"]
        figures[name] = ibis.coalesce(mine, theirs)
        figures[f"{name}_source"] = ibis.cases(
            (mine.notnull(), ibis.literal(TRANSACTIONS)), (theirs.notnull(), j._r_kind), else_=none
        )
    obligated_source = ibis.cases(
        (j._t_total_dollars_obligated.notnull(), ibis.literal(TRANSACTIONS)),
        (j._r_obligated.notnull(), j._r_kind),
        (j._t_count.notnull(), ibis.literal(LOADED_SUM)),
        else_=none,
    )
    signed = ibis.coalesce(j._r_base, j._t_first)
    best = j.select(
        award_key=ibis.coalesce(j._tkey, j._rkey),
        family=ibis.coalesce(j._t_family, j._r_family),
        organisation=ibis.coalesce(j._t_organisation, j._r_organisation),
        **{name: ibis.coalesce(j[f"_t_{name}"], j[f"_r_{name}"]) for name in IDENTITY},
        obligated=ibis.coalesce(j._t_total_dollars_obligated, j._r_obligated, j._t_sum),
        obligated_source=obligated_source,
        loaded_obligations=j._t_sum,
        transactions=j._t_count.fill_null(0),
        first_action=j._t_first,
        last_action=j._t_last,
        signed=signed,
        signed_source=ibis.cases(
            (j._r_base.notnull(), j._r_kind),
            (j._t_first.notnull(), ibis.literal("first loaded transaction")),
            else_=none,
        ),
        record_kind=j._r_kind,
        record_file=j._r_file,
        record_sha256=j._r_sha,
        record_row=j._r_row,
        record_modified=j._r_modified,
        **figures,
    )
    return best.mutate(
        contract_award_unique_key=best.award_key,
        total_obligated_amount=best.obligated,
        fiscal_year=fiscal_year(best.signed),
        competition=status_expr(best.extent_competed_code),
    )
