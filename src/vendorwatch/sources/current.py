"""Which awards a sync need not ask for: the warehouse holds them at the version found.

The award search names each award's ``Last Modified Date``; an award whose date has not moved
since the warehouse got it costs no detail or transactions request. Held means either

- a sync fetched it at exactly that value (``sync_award_versions``) after the day it names
  had ended (a search that gives only the day cannot tell two changes on one day apart, so an
  award fetched on the day it changed is asked for again; a day's margin for time zones), or
- a loaded file (a bulk award summary or transaction file, `sync --bulk`) holds a version of
  it modified on a later day than the search names, or on that day if the file was loaded
  after the day had ended (the same margin).
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def held_current(con: duckdb.DuckDBPyConnection, modified: dict[str, str | None]) -> set[str]:
    """The award ids in ``modified`` (id -> the search's Last Modified Date) held as found."""
    keys = [k for k, v in modified.items() if _day(v) is not None]
    if not keys:
        return set()
    marks: dict[str, tuple[str, datetime]] = {
        key: (mark, started)
        for key, mark, started in con.execute(
            """
            SELECT v.contract_award_unique_key, v.last_modified, r.started_at
            FROM sync_award_versions v JOIN sync_runs r USING (run_id)
            WHERE v.contract_award_unique_key IN (SELECT unnest($keys::VARCHAR[]))
            """,
            {"keys": keys},
        ).fetchall()
    }
    files: dict[str, tuple[date, datetime]] = {
        key: (day, loaded)
        for key, day, loaded in con.execute(
            """
            WITH held AS (
                SELECT a.contract_award_unique_key AS k, a.last_modified_date AS d,
                       f.loaded_at AS l
                FROM awards a JOIN source_files f ON f.sha256 = a.source_sha256
                WHERE a.contract_award_unique_key IN (SELECT unnest($keys::VARCHAR[]))
                  AND a.last_modified_date IS NOT NULL
                UNION ALL
                SELECT t.contract_award_unique_key, t.last_modified_date, f.loaded_at
                FROM transactions t JOIN source_files f ON f.sha256 = t.source_sha256
                WHERE t.contract_award_unique_key IN (SELECT unnest($keys::VARCHAR[]))
                  AND t.last_modified_date IS NOT NULL
            )
            SELECT k, max(d), arg_max(l, [epoch(d), epoch(l)]) FROM held GROUP BY k
            """,
            {"keys": keys},
        ).fetchall()
    }
    current: set[str] = set()
    for key in keys:
        value = modified[key] or ""
        day = _day(value)
        assert day is not None
        if key in marks:
            mark, started = marks[key]
            if mark == value and (started.date() - day).days > 1:
                current.add(key)
                continue
        if key in files:
            held_day, loaded = files[key]
            if held_day > day or (held_day == day and (loaded.date() - day).days > 1):
                current.add(key)
    return current


def record_versions(
    con: duckdb.DuckDBPyConnection, modified: dict[str, str | None], run_id: str
) -> None:
    """Inside the sync's transaction: the version each fetched award was fetched at."""
    rows = [(k, v) for k, v in modified.items() if v]
    if not rows:
        return
    con.execute(
        """
        INSERT INTO sync_award_versions
        SELECT k, v, $run FROM (SELECT unnest($keys::VARCHAR[]) AS k,
                                       unnest($values::VARCHAR[]) AS v)
        ON CONFLICT (contract_award_unique_key) DO UPDATE
            SET last_modified = excluded.last_modified, run_id = excluded.run_id
        """,
        {"keys": [k for k, _ in rows], "values": [v for _, v in rows], "run": run_id},
    )
