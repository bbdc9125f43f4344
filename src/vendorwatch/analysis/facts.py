"""The ``facts`` table: every transaction once, with its family, class and competition.

Rollups, dossiers and the site group this one wide table. It is derived (rebuilt by
`build_facts` whenever a load or a resolution changed its inputs) so that each question is a
single GROUP BY, not a window, two joins and a regex pass. If it is missing or stale the same
expression is computed on the fly: slower, never wrong.
"""

from __future__ import annotations

from typing import Any

import duckdb

from vendorwatch.analysis.base import (
    fiscal_year,
    has_resolutions,
    is_duckdb,
    table_names,
    transactions,
    with_family,
)
from vendorwatch.analysis.classification import award_classes
from vendorwatch.analysis.competition import status_expr
from vendorwatch.analysis.inputs import (
    STATE,
    Inputs,
    code_fingerprint,
    current_inputs,
    fingerprint_of,
    record_inputs,
    recorded_inputs,
)
from vendorwatch.analysis.lazy import engine, ibis, ir
from vendorwatch.registry.load import registry_fingerprint

FACTS = "facts"


def enriched(con: Any) -> ir.Table:
    """Transactions (repeats dropped) with organisation, family, class, FY and competition."""
    t = with_family(con, transactions(con))
    classes = award_classes(con).select(
        _award="award_key",
        classification="category",
        classification_rule="rule",
        classification_evidence="evidence",
    )
    t = t.left_join(classes, t.contract_award_unique_key == classes._award).drop("_award")
    return t.mutate(
        fiscal_year=fiscal_year(t.action_date),
        competition=status_expr(t.extent_competed_code),
    )


def build_facts(raw: duckdb.DuckDBPyConnection) -> int:
    """Rebuild ``facts`` in one transaction; returns its row count."""
    con = engine.from_connection(raw)
    sql = ibis.to_sql(enriched(con), dialect="duckdb")
    inputs = current_inputs(raw, fresh=True)
    raw.execute("BEGIN TRANSACTION")
    try:
        # Stored in family order: DuckDB's per-row-group min/max then skips every row group
        # but the family's own when a dossier, a facet or a rollup filters on one family
        # (at 10M rows a family filter reads ~20k rows, not 10M; see docs/performance.md).
        raw.execute(
            f"CREATE OR REPLACE TABLE {FACTS} AS SELECT * FROM ({sql}) "
            "ORDER BY family NULLS LAST, action_date"
        )
        record_inputs(raw, inputs)
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    ((count,),) = raw.execute(f"SELECT count(*) FROM {FACTS}").fetchall()
    return int(count)


def facts_are_current(con: Any) -> bool:
    """Whether ``facts`` (and the resolutions it was built with) were derived from exactly the
    source files, registry and code in use now (`vendorwatch.analysis.inputs`)."""
    if FACTS not in table_names(con) or not has_resolutions(con):
        return False
    if not is_duckdb(con):
        return _dataset_inputs(con) == current_inputs_of(con)
    raw = con.con
    recorded = recorded_inputs(raw)
    return recorded is not None and recorded == current_inputs(raw)


def _dataset_inputs(con: Any) -> Inputs | None:
    """`recorded_inputs`, read through Ibis (the state travels with the Parquet dataset)."""
    if STATE not in table_names(con):
        return None
    found = engine.rows(con.table(STATE).select("sources", "registry", "code"))
    return Inputs(**found[0]) if len(found) == 1 else None


def current_inputs_of(con: Any) -> Inputs:
    """`current_inputs`, read through Ibis: the source files' hashes as the engine has them."""
    hashes = [str(h) for h in engine.values(con.table("source_files").sha256)]
    return Inputs(fingerprint_of(hashes), registry_fingerprint(), code_fingerprint())


def fact_table(con: Any) -> ir.Table:
    """The facts to group: the materialised table when current, else the live expression."""
    return con.table(FACTS) if facts_are_current(con) else enriched(con)


# What one award's rows share, by the name a per-award row gives it.
AWARD_FIELDS = {
    "piid": "award_id_piid",
    "recipient": "recipient_name",
    "organisation": "organisation",
    "family": "family",
    "sub_agency": "awarding_sub_agency_name",
    "description": "transaction_description",
    "classification": "classification",
    "rule": "classification_rule",
    "evidence": "classification_evidence",
    "competition": "competition",
}


def per_award(t: ir.Table, *fields: str, stable: bool = False) -> ir.Table:
    """One row per award of these facts: the named ``AWARD_FIELDS``, then obligations,
    transaction count and first and last action dates.

    A field that differs between an award's rows (a recipient renamed, a family changed by a
    merger) is any one of them; ``stable``: the largest, the same on every run and the one
    `vendorwatch.analysis.cube` gives from its grouped rows."""
    return t.group_by(award_key=t.contract_award_unique_key).aggregate(
        **{
            name: t[AWARD_FIELDS[name]].max() if stable else t[AWARD_FIELDS[name]].arbitrary()
            for name in fields
        },
        obligations=t.federal_action_obligation.sum(),
        transactions=t.count(),
        first_action=t.action_date.min(),
        last_action=t.action_date.max(),
    )
