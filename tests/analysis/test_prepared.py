"""Questions compiled once and run with bound parameters give the live Ibis answer, safely."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pytest

from vendorwatch.analysis import answer_cache, connect, prepared
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


# --- whole-warehouse answers kept between processes (vendorwatch.analysis.answer_cache) ------


def count_rows(facts: ir.Table) -> ir.Table:
    return facts.aggregate(rows=facts.count(), obligations=facts.federal_action_obligation.sum())


def bare_counts(path: Path) -> dict[str, Any]:
    """The same figures by hand-written SQL on DuckDB's own connection."""
    with duckdb.connect(str(path), read_only=True) as raw:
        rows, obligations = raw.execute(
            "SELECT count(*), sum(federal_action_obligation) FROM facts"
        ).fetchall()[0]
    return {"rows": rows, "obligations": obligations}


def asked_in_a_new_process(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The question's rows as a new process gets them, and whether DuckDB was asked."""
    prepared._ANSWERS.clear()  # what a new process has read: nothing
    con = connect(path)
    questions = Prepared(con)
    ran: list[str] = []
    real = questions._run

    def run(sql: str, values: dict[str, str]) -> Any:
        ran.append(sql)
        return real(sql, values)

    questions._run = run  # type: ignore[method-assign]
    try:
        return questions.records("test:count-rows", count_rows), ran
    finally:
        con.con.close()


def test_a_whole_warehouse_answer_is_kept_until_the_file_changes(
    sample_warehouse: Path, tmp_path: Path
) -> None:
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(sample_warehouse, path)
    expected = bare_counts(path)
    assert expected["rows"] > 1000

    first, ran = asked_in_a_new_process(path)
    assert first == [expected] and len(ran) == 1
    again, ran = asked_in_a_new_process(path)
    assert again == [expected] and ran == []  # read from the cache file, not DuckDB

    with duckdb.connect(str(path)) as writer:  # the data changes: one family's rows go
        writer.execute("DELETE FROM facts WHERE family = 'relx-plc'")
    changed = bare_counts(path)
    assert changed["rows"] < expected["rows"]
    after, ran = asked_in_a_new_process(path)
    assert after == [changed] and len(ran) == 1  # never the stale answer


def test_a_question_with_values_or_the_clock_is_not_kept() -> None:
    assert answer_cache.keepable('SELECT "period_of_performance_current_end_date" FROM facts')
    assert answer_cache.keepable('SELECT "current_total_value_of_award" FROM facts')
    for sql in ("SELECT current_date", "SELECT CURRENT_TIMESTAMP", "SELECT now()",
                "SELECT today()", "SELECT random ()", "SELECT gen_random_uuid()"):  # fmt: skip
        assert not answer_cache.keepable(sql), sql


def test_an_unreadable_answer_file_means_asking_duckdb(tmp_path: Path) -> None:
    broken = tmp_path / "answers" / "x.pickle"
    broken.parent.mkdir()
    broken.write_bytes(b"not a pickle")
    assert answer_cache.read(broken) == {}
