"""The engine seam: DuckDB's cursor gives the same Python values as Ibis's own execution.

Ibis's execution (through Arrow) is the reference here, and the one other engines (Spark) use;
the figures themselves are pinned from the raw files by the other analysis tests.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ibis

from vendorwatch.analysis import engine
from vendorwatch.analysis.facts import fact_table


def test_rows_equal_ibis_own_execution(con: Any) -> None:
    t = fact_table(con)
    expressions = [
        t.group_by("family", "fiscal_year")
        .aggregate(
            obligations=t.federal_action_obligation.sum(),
            transactions=t.count(),
            awards=t.contract_award_unique_key.nunique(),
            first=t.action_date.min(),
        )
        .order_by([ibis.desc("obligations"), "family", "fiscal_year"]),
        t.filter(t.family == "relx-plc")
        .select("contract_award_unique_key", "action_date", "federal_action_obligation")
        .order_by(["action_date", "contract_award_unique_key", "federal_action_obligation"]),
        con.table("source_files").select("file_name", "rows", "loaded_at").order_by("file_name"),
    ]
    for expr in expressions:
        mine = engine.rows(expr)
        assert mine, expr
        assert mine == expr.to_pyarrow().to_pylist()
    first = engine.rows(expressions[0])[0]
    assert isinstance(first["obligations"], Decimal)
    assert type(first["first"]).__name__ == "date"


def test_scalar_and_values(con: Any) -> None:
    t = fact_table(con)
    ((total, n),) = con.con.execute(
        "SELECT sum(federal_action_obligation), count(*) FROM facts"
    ).fetchall()
    assert engine.scalar(t.federal_action_obligation.sum()) == total
    assert engine.scalar(t.count()) == n
    families = engine.values(t.select("family").distinct().order_by("family"))
    assert "relx-plc" in families
    nobody = t.filter(t.family == "no-such-family")
    assert engine.scalar(nobody.federal_action_obligation.sum()) is None
