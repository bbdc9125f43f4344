"""Questions compiled once and run with bound parameters give the live Ibis answer, safely."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import pytest

from vendorwatch.analysis.facts import fact_table
from vendorwatch.analysis.prepared import Prepared, compile_prepared
from vendorwatch.analysis.rollups import rollup_expr, rollup_of
from vendorwatch.errors import VendorwatchError

FAMILIES = ("relx-plc", "thomson-reuters-corp", "palantir", "equifax")


def by_year(facts: ir.Table, family: ir.Scalar) -> ir.Table:
    return rollup_expr(facts.filter(facts.family == family), ["fiscal_year", "sub_agency"])


def test_the_sql_binds_the_family_instead_of_pasting_it(con: Any) -> None:
    sql = compile_prepared(fact_table(con), by_year, ("family",))
    assert "$family" in sql
    assert "relx" not in sql
    assert "__vendorwatch_parameter" not in sql


@pytest.mark.parametrize("family", FAMILIES)
def test_bound_answers_equal_the_live_ibis_answers(con: Any, family: str) -> None:
    facts = fact_table(con)
    live = rollup_of(facts.filter(facts.family == family), ["fiscal_year", "sub_agency"])
    bound = Prepared(con).rows("test:by-year", by_year, family=family)
    key = ("fiscal_year", "sub_agency")
    assert sorted(bound, key=lambda r: [str(r[k]) for k in key]) == sorted(
        live, key=lambda r: [str(r[k]) for k in key]
    )
    assert bound  # each of these families has awards in the sample


def test_each_question_is_compiled_once(con: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    real = ibis.to_sql

    def counting(*args: Any, **kwargs: Any) -> Any:
        compiled.append("x")
        return real(*args, **kwargs)

    monkeypatch.setattr(ibis, "to_sql", counting)
    for family in FAMILIES:
        Prepared(con).rows("test:compiled-once", by_year, family=family)
    assert compiled == ["x"]


def test_a_value_is_data_not_sql(con: Any) -> None:
    hostile = "relx-plc' OR 1=1 --"
    assert Prepared(con).rows("test:by-year", by_year, family=hostile) == []


def test_a_parameter_the_question_does_not_use_is_refused(con: Any) -> None:
    def ignores(facts: ir.Table, family: ir.Scalar) -> ir.Table:
        return facts.limit(1)

    with pytest.raises(VendorwatchError, match="not used"):
        Prepared(con).rows("test:ignores", ignores, family="relx-plc")
