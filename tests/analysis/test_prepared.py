"""Questions compiled once and run with bound parameters give the live Ibis answer, safely."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pytest

from vendorwatch.analysis import (
    answer_cache,
    awards,
    connect,
    dossier,
    prepared,
    sql_cache,
    sql_trim,
)
from vendorwatch.analysis.facts import fact_table
from vendorwatch.analysis.prepared import Builder, Prepared, compile_prepared
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


# --- the compiled SQL without the columns nobody reads (vendorwatch.analysis.sql_trim) -------


def per_award_questions(con: Any) -> dict[str, tuple[Builder, tuple[str, ...]]]:
    """The three largest statements (35-38 KB as Ibis writes them), by name."""
    return {
        "award-values": (dossier._award_values(con), ("day", "family")),
        "competition-by-award": (dossier._competition_by_award(con), ("family",)),
        "award:best": (awards._best_of(con), ("key",)),
    }


def test_trimmed_sql_answers_as_ibis_wrote_it(con: Any) -> None:
    facts, columns = fact_table(con), sql_cache.columns_of(con)
    raw = con.con
    keys = [k for (k,) in raw.execute(
        "SELECT DISTINCT contract_award_unique_key FROM facts WHERE family IN (SELECT unnest($f))"
        " ORDER BY 1", {"f": list(FAMILIES)}).fetchall()]  # fmt: skip
    assert len(keys) > 20
    for name, (build, names) in per_award_questions(con).items():
        as_written = compile_prepared(facts, build, names)
        trimmed = compile_prepared(facts, build, names, columns)
        assert len(trimmed) < 0.6 * len(as_written), name
        if names == ("key",):
            values = [{"key": k} for k in keys]
        else:
            values = [{"family": f, **({"day": d} if "day" in names else {})}
                      for f in FAMILIES for d in ("2026-12-03", "2022-06-30")]  # fmt: skip
        answered = 0
        for v in values:  # none of the three orders its rows: the same rows, in any order
            expected = sorted(raw.execute(as_written, v).fetchall(), key=repr)
            assert sorted(raw.execute(trimmed, v).fetchall(), key=repr) == expected, (name, v)
            answered += bool(expected)
        assert answered, name  # not only empty answers


def test_sql_the_trimmer_cannot_read_or_shorten_is_left_as_written() -> None:
    assert sql_trim.trimmed("SELEKT nonsense FROM", []) == "SELEKT nonsense FROM"
    plain = 'SELECT "t0"."a" FROM "t" AS "t0"'
    assert sql_trim.trimmed(plain, [("t", "a", "INTEGER")]) == plain  # not shorter: as written
