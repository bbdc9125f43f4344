"""Browse answered from a small per-snapshot aggregate, built once, instead of the wide facts.

Every uncached ``/browse`` page asks the same kind of question: the facets of a selection (each
dimension's values with dollars, transactions and distinct awards, under every *other* filter)
and the first page of its awards. Over ``facts`` (60 columns, strings everywhere, the fiscal
year cast per row) that is eight group-bys with ``count(DISTINCT award)`` per request. Here the
facts and the sub-awards are grouped once per published version into a *cube*: one row per
award and combination of the facet dimensions (plus the award's PIID and recipient, which the
listing shows), with its summed obligations, transaction count and first and last action. Every
string is replaced by an integer id (ids are given in string order, so ``max`` and ``ORDER
BY`` on ids are those on the strings), and the cube lives in its own in-memory DuckDB database,
so facets group small integers in memory with no casts.

The answers are those of `vendorwatch.analysis.browse` (a test checks them equal): a sum of
sums is the sum, distinct awards are counted over the cube's award ids, a chosen value is
matched by its id (a value not in the data matches nothing, as it matches nothing there).
A text search (``q``) reads the transactions' words, which the cube does not hold: `browse`
answers it.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import duckdb
import ibis

from vendorwatch.analysis import browse
from vendorwatch.analysis.base import plain, require_duckdb
from vendorwatch.analysis.browse import AWARD_SORTS, FACETS, Filters, Page
from vendorwatch.analysis.cube_lookup import TABLE as LOOKUP_TABLE
from vendorwatch.analysis.cube_lookup import build_statements, lookup_keys
from vendorwatch.analysis.cube_lookup import rows as looked_up_rows
from vendorwatch.analysis.facts import fact_table
from vendorwatch.analysis.subawards import ROLES, single_role, with_roles
from vendorwatch.errors import VendorwatchError
from vendorwatch.limits import check_page
from vendorwatch.warehouse.cursors import Cursors

log = logging.getLogger("vendorwatch.cube")
NAMES = ("award", "piid", "recipient")  # listed per award, never faceted
# The per-award columns of a listing row (browse.award_list's), by their cube column.
LISTED = {
    "award_key": "award",
    "piid": "piid",
    "recipient": "recipient",
    "family": "family",
    "sub_agency": "sub_agency",
    "classification": "classification",
    "competition": "competition",
}
_SORT = {
    "obligations": "obligations",
    "last_action": "last_action",
    "first_action": "first_action",
    "transactions": "transactions",
    "piid": "piid",
    "recipient": "recipient",
}


def _source(con: Any) -> tuple[str, str]:
    """The cube's rows and each award's description, as SQL over the snapshot (compiled once
    per build from the same expressions `browse` filters and groups)."""
    t = browse.with_place(con, with_roles(con, fact_table(con)))
    grouped = t.group_by(
        award=t.contract_award_unique_key,
        piid=t.award_id_piid,
        recipient=t.recipient_name,
        **{name: browse.DIMS[name](t).cast("string") for name in FACETS},
    ).aggregate(
        obligations=t.federal_action_obligation.sum(),
        transactions=t.count(),
        first_action=t.action_date.min(),
        last_action=t.action_date.max(),
    )
    f = fact_table(con)
    f = f.filter(f.transaction_description.notnull())
    described = f.group_by(award=f.contract_award_unique_key).aggregate(
        description=f.transaction_description.argmin(f.action_date)
    )
    return ibis.to_sql(grouped, dialect="duckdb"), ibis.to_sql(described, dialect="duckdb")


class CubeBuildError(VendorwatchError):
    """The cube could not be built (its child died or failed): the site answers from the
    facts instead (`browse`'s own queries, slower) and builds it again once the
    ``cube_retry_seconds`` setting has passed."""


def _build(file: Path, spec: dict[str, Any], say: Callable[[str], None] = log.info) -> Any:
    """`vendorwatch.cubefile` in a child process (DuckDB only: it imports nothing else),
    each step's end passed to ``say`` as it comes (at 10M rows the build takes minutes).
    Returns the child's resource usage (its CPU and peak memory: `os.wait4`)."""
    child = subprocess.Popen(  # noqa: S603 - this interpreter, our module, our own file name
        [sys.executable, "-m", "vendorwatch.cubefile", str(file)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdin is not None and child.stderr is not None  # both piped
    try:
        child.stdin.write(json.dumps(spec))
        child.stdin.close()
    except BrokenPipeError:  # the child died first: its status says how
        pass
    lines = []
    for line in child.stderr:
        lines.append(line.rstrip("\n"))
        if line.startswith("cube build: "):
            say(lines[-1])
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode < 0:  # killed (out of memory, an operator): say so, not "exit -9"
        name = signal.Signals(-child.returncode).name
        raise CubeBuildError(f"the browse aggregate's build was killed ({name}); try again")
    if child.returncode:
        last = lines[-1:] or [f"exit {child.returncode}"]
        raise CubeBuildError(f"could not build the browse aggregate: {last[0]}")
    return usage


def build_spec(con: Any, *, memory_limit: str, threads: int | None) -> dict[str, Any]:
    """What `vendorwatch.cubefile` builds from: the snapshot's file, the compiled SQL, the
    limits (the parent's, so the child holds no more than the site would)."""
    require_duckdb(con, "the browse cube (an in-memory DuckDB aggregate)")
    rows_sql, described_sql = _source(con)
    ((name, path),) = con.con.execute(
        "SELECT database_name, path FROM duckdb_databases() "
        "WHERE database_name = current_database()"
    ).fetchall()
    return {"name": str(name), "path": str(path), "rows_sql": rows_sql,
            "described_sql": described_sql, "memory_limit": memory_limit, "threads": threads,
            "names": list(NAMES), "facets": list(FACETS),
            "lookup_sql": build_statements(FACETS)}  # fmt: skip


class Cube:
    """The aggregate of one published version, in memory, with a cursor per thread."""

    def __init__(self, con: Any, *, memory_limit: str = "256MB", threads: int | None = None):
        spec = build_spec(con, memory_limit=memory_limit, threads=threads)
        # Built in a file of its own by a child process (`vendorwatch.cubefile`), then opened
        # read-only: building in this process kept the build's blocks (+~100 MB resident for
        # the sample's 11 MB of tables); a file's blocks are only those read, evictable.
        handle, name_of_file = tempfile.mkstemp(prefix="vendorwatch-cube-", suffix=".duckdb")
        os.close(handle)
        self.file = Path(name_of_file)
        self.file.unlink()  # DuckDB creates it
        try:
            _build(self.file, spec)
            self.db = duckdb.connect(str(self.file), read_only=True)
        finally:
            # Open files stay readable on POSIX once unlinked: nothing is left behind, even
            # if the process is killed.
            self.file.unlink(missing_ok=True)
            self.file.with_suffix(".duckdb.wal").unlink(missing_ok=True)
        self.db.execute("SET enable_progress_bar = false")
        self.db.execute("SET memory_limit = ?", [memory_limit])
        if threads:
            self.db.execute(f"SET threads = {int(threads)}")
        self.ids: dict[str, int] = dict(self.db.execute("SELECT value, id FROM dims").fetchall())
        self.values: dict[int | None, str] = {i: v for v, i in self.ids.items()}
        ((self.rows,),) = self.db.execute("SELECT count(*) FROM cube").fetchall()
        self._local = threading.local()
        self._cursors = Cursors()

    # ------------------------------------------------------------------ plumbing

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's own cursor on the cube."""
        found: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if found is None:
            found = self._cursors.open(self.db)
            self._local.cursor = found
        return found

    def _rows(self, sql: str) -> list[dict[str, Any]]:
        result = self.cursor().execute(sql)
        columns = [d[0] for d in result.description]
        return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]

    def interrupt(self) -> None:
        self._cursors.interrupt()

    def close(self) -> None:
        if self._cursors.close():
            self.db.close()

    def _where(self, filters: Filters, *, skip: str | None = None) -> str:
        """The filters as a WHERE clause over ids (integers of our own: nothing a visitor
        typed reaches the SQL). The role is always one: the chosen one, else prime."""
        role = single_role(list(filters.get("role", [])))
        chosen = {**{k: v for k, v in filters.items() if v}, "role": [role]}
        parts = []
        for name, values in chosen.items():
            if name == skip:
                continue
            ids = sorted({self.ids.get(str(v), -1) for v in values})
            parts.append(f'"{name}" IN ({", ".join(map(str, ids))})')
        return " AND ".join(parts) or "TRUE"

    # ------------------------------------------------------------------ the questions

    def facets(self, filters: Filters, *, size: int = 12) -> dict[str, list[dict[str, Any]]]:
        """`browse.facets`: each facet's values under every other filter, largest first (the
        role facet prime then sub), the ``size`` largest and every chosen one."""
        browse._check(filters)
        if "q" in filters:
            raise VendorwatchError("a text search is answered by browse, not the cube")
        grouped: dict[str, list[dict[str, Any]]] = {name: [] for name in FACETS}
        lookups, rest = self._plan(filters)
        answered = self._looked_up(lookups)
        if rest:
            try:
                answered += self.cursor().execute(self._facets_sql(filters, rest)).fetchall()
            except duckdb.OutOfMemoryException:
                # Stacking every facet holds ~nine times the selection's rows at once: past the
                # cube's memory limit (a large selection of several values at 1M+ rows), ask
                # one facet at a time instead; the same figures, in ~a ninth of the memory.
                for name in rest:
                    sql = self._facets_sql(filters, (name,))
                    answered += self.cursor().execute(sql).fetchall()
        for f, value_id, obligations, transactions, awards in answered:
            grouped[FACETS[f]].append(
                {"_value": self.values.get(value_id), "obligations": obligations,
                 "transactions": transactions, "awards": awards}
            )  # fmt: skip
        role = single_role(list(filters.get("role", [])))
        out: dict[str, list[dict[str, Any]]] = {}
        for name, found in grouped.items():
            if name == "role":
                rows = sorted(found, key=lambda r: ROLES.index(r["_value"]))
                chosen = {role} if "role" in filters else set()
            else:
                chosen = {str(v) for v in filters.get(name, [])}
                rows = [r for i, r in enumerate(found) if i < size or r["_value"] in chosen]
            out[name] = [
                {
                    "value": r["_value"],
                    "obligations": plain(r["obligations"]),
                    "transactions": int(r["transactions"]),
                    "awards": r["awards"],
                    "selected": r["_value"] in chosen,
                }
                for r in rows
            ]
        return out

    def _plan(self, filters: Filters) -> tuple[list[int], list[str]]:
        """The keys of the facets read from the precomputed table (`cube_lookup`: those under
        at most two filters besides the role), and the facets asked of the cube (the others,
        under narrow selections)."""
        picked = {
            name: {self.ids.get(str(v), -1) for v in values}
            for name, values in filters.items()
            if values and name != "role"
        }
        role = [self.ids.get(single_role(list(filters.get("role", []))), -1)]
        every_role = [self.ids[r] for r in ROLES if r in self.ids]  # the role facet's keys
        keyed = {
            name: lookup_keys(FACETS, name, picked, every_role if name == "role" else role)
            for name in FACETS
        }
        lookups = [k for keys in keyed.values() if keys is not None for k in keys]
        return lookups, [name for name, keys in keyed.items() if keys is None]

    def _looked_up(self, keys: list[int]) -> list[tuple[Any, ...]]:
        """The precomputed facets of these keys (`cube_lookup`), as `_facets_sql`'s rows."""
        if not keys:
            return []
        found = self.cursor().execute(  # integers of our own, as literals: the index answers
            f"SELECT f, facet FROM {LOOKUP_TABLE} "
            f"WHERE k IN ({', '.join(str(int(k)) for k in keys)})"
        )
        return [row for f, facet in found.fetchall() for row in looked_up_rows(f, facet)]

    def _facets_sql(self, filters: Filters, names: Iterable[str]) -> str:
        """One aggregation for these facets, not one per facet: each facet's rows (the cube
        under every other filter) are stacked, grouped per award first (so that an award
        counts once), then per value. Half the time of nine `count(DISTINCT award)`
        group-bys. ``f`` is the facet's index in `FACETS`."""
        stacked = " UNION ALL ".join(
            f'SELECT {FACETS.index(name)} AS f, "{name}" AS id, award, obligations, transactions'
            f" FROM cube WHERE {self._where(filters, skip=name)}"
            for name in names
        )
        # Dollars as DuckDB writes a DECIMAL(38,2) (two places, as `plain` writes a Decimal):
        # ~1,500 Decimals less to make per page.
        return (
            "SELECT f, id, CAST(sum(o) AS VARCHAR) AS obligations, CAST(sum(t) AS BIGINT) AS"
            " transactions, count(award) AS awards"
            " FROM (SELECT f, id, award, sum(obligations) AS o, sum(transactions) AS t"
            f" FROM ({stacked}) GROUP BY f, id, award) GROUP BY f, id"
            " ORDER BY f, sum(o) DESC, id ASC NULLS LAST"  # ids are in string order
        )

    def awards(
        self,
        filters: Filters,
        *,
        sort: str = "obligations",
        descending: bool = True,
        offset: int = 0,
        limit: int = 50,
    ) -> Page:
        """`browse.awards`: one page of the selection's awards, and its totals."""
        browse._check(filters)
        check_page(offset, limit)
        if sort not in AWARD_SORTS:
            raise VendorwatchError(f"cannot sort by {sort!r}; choose from {', '.join(AWARD_SORTS)}")
        where = self._where(filters)
        picked = ", ".join(f'max("{c}") AS "{c}"' for c in LISTED.values() if c != "award")
        order = f'"{_SORT[sort]}" {"DESC" if descending else "ASC"}'
        # The page and the selection's totals in one statement (counted over every award, not
        # only those on the page); an empty page (past the end) asks for the totals alone.
        rows = self._rows(
            f"SELECT award, {picked}, sum(obligations) AS obligations, sum(transactions) AS "
            "transactions, min(first_action) AS first_action, max(last_action) AS last_action, "
            "count(award) OVER () AS _total, sum(sum(obligations)) OVER () AS _obligations "
            f"FROM cube WHERE {where} GROUP BY award ORDER BY {order}, award ASC "
            f"LIMIT {int(limit)} OFFSET {int(offset)}"
        )
        if rows:
            total, obligations = rows[0]["_total"], rows[0]["_obligations"]
        else:
            ((total, obligations),) = (
                self.cursor()
                .execute(f"SELECT count(DISTINCT award), sum(obligations) FROM cube WHERE {where}")
                .fetchall()
            )
        names = self._names(r[c] for r in rows for c in LISTED.values())
        listed = [
            {
                **{key: names.get(r[column]) for key, column in LISTED.items()},
                "obligations": plain(r["obligations"]),
                "transactions": int(r["transactions"]),
                "first_action": plain(r["first_action"]),
                "last_action": plain(r["last_action"]),
            }
            for r in rows
        ]
        return Page(
            rows=listed,
            total=int(total),
            offset=offset,
            limit=limit,
            obligations=plain(obligations) or "0.00",
            descriptions=self._described([r["award"] for r in rows], names),
        )

    def _described(self, ids: list[int], names: dict[int | None, str]) -> dict[str, str]:
        """The page's descriptions by its awards' ids (the index on integers), keyed by
        award key."""
        if not ids:
            return {}
        found = self.cursor().execute(
            f"SELECT award, description FROM descriptions WHERE award IN "
            f"({', '.join('?' for _ in ids)})",
            ids,
        )
        return {names[award]: description for award, description in found.fetchall()}

    def _names(self, ids: Iterable[int | None]) -> dict[int | None, str]:
        wanted = sorted({i for i in ids if i is not None})
        if not wanted:
            return {}
        found = self.cursor().execute(
            "SELECT id, value FROM strings WHERE id IN (SELECT unnest(?))", [wanted]
        )
        return dict(found.fetchall())

    def descriptions(self, award_keys: list[str]) -> dict[str, str]:
        """`browse.award_descriptions`: each award's description as its first transaction
        gave it."""
        if not award_keys:
            return {}
        keys = list(dict.fromkeys(award_keys))
        found = self.cursor().execute(  # by key: a listed page has them already (`awards`)
            "SELECT s.value, d.description FROM descriptions d JOIN strings s ON s.id = d.award"
            f" WHERE s.value IN ({', '.join('?' for _ in keys)})",
            keys,
        )
        return dict(found.fetchall())
