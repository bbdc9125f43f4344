"""What a sync is asked to do, and the date window each of its scopes will ask for.

One *scope* per agency x award-type group (contracts, IDVs) x watched family name
(``recipient_search_text``; none means agency-wide). Each scope searches awards whose
``last_modified_date`` lies between its watermark (the end of its last successful window, kept
in ``sync_watermarks``; inclusive, so a record changed later that day is not missed) and
today. A scope never synced starts at ``--since``, else at the newest ``last_modified_date``
(or action date) the warehouse already holds for the agency, else at the API's first date
(2007-10-01).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import duckdb

from vendorwatch.errors import VendorwatchError
from vendorwatch.sources.usaspending import SEARCH_MIN_DATE, Agency, agency

Progress = Callable[[str, int, int | None], None]
"""Told the current step, how many of its units are done and, when known, how many in all."""


class SyncError(VendorwatchError):
    """A sync stopped; the warehouse is as it was before it."""


@dataclass(frozen=True)
class SyncOptions:
    agencies: tuple[str, ...] = ("ice", "cbp")
    families: tuple[str, ...] = ()  # recipient_search_text values; () = agency-wide
    groups: tuple[str, ...] = ("contracts", "idvs")
    since: date | None = None  # start of the window for scopes never synced (or all, if set)
    until: date | None = None  # end of the window; default today (UTC)
    page_size: int = 100

    def fingerprint(self, api_base: str) -> str:
        data = {**asdict(self), "api_base": api_base}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class Scope:
    agency: Agency
    group: str
    family: str | None

    @property
    def key(self) -> str:
        return f"{self.agency.key}:{self.group}:{self.family or '*'}"


@dataclass
class ScopeWindow:
    scope: str
    start: date
    end: date
    start_reason: str
    pages: int = 0
    awards: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "start": self.start.isoformat(), "end": self.end.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScopeWindow:
        """A window as `as_dict` wrote it into the journal's pending plan."""
        return cls(
            data["scope"],
            date.fromisoformat(data["start"]),
            date.fromisoformat(data["end"]),
            data["start_reason"],
        )


def scopes_for(options: SyncOptions) -> list[Scope]:
    agencies = [agency(key) for key in options.agencies]
    if not agencies:
        raise VendorwatchError("name at least one agency to sync")
    families: Sequence[str | None] = options.families or (None,)
    return [Scope(a, g, f) for a in agencies for g in options.groups for f in families]


def _newest_held(con: duckdb.DuckDBPyConnection, who: Agency) -> date | None:
    column = "awarding_sub_agency_name" if who.tier == "subtier" else "awarding_agency_name"
    row = con.execute(
        f"""
        SELECT max(d) FROM (
            SELECT coalesce(last_modified_date, award_latest_action_date) AS d
            FROM awards WHERE {column} = $name
            UNION ALL
            SELECT coalesce(last_modified_date, action_date) FROM transactions
            WHERE {column} = $name
        )
        """,
        {"name": who.name},
    ).fetchone()
    return row[0] if row else None


def plan_windows(
    con: duckdb.DuckDBPyConnection, options: SyncOptions, today: date
) -> list[ScopeWindow]:
    end = options.until or today
    marks = dict(con.execute("SELECT scope, synced_through FROM sync_watermarks").fetchall())
    windows: list[ScopeWindow] = []
    for scope in scopes_for(options):
        if options.since is not None:
            start, reason = options.since, "--since"
        elif scope.key in marks:
            start, reason = marks[scope.key], "end of the last successful sync"
        else:
            held = _newest_held(con, scope.agency)
            if held is not None:
                start, reason = held, "newest record already in the warehouse"
            else:
                start, reason = SEARCH_MIN_DATE, "first sync: the API's first date"
        if start > end:
            raise VendorwatchError(f"{scope.key}: the window starts {start}, after its end {end}")
        windows.append(ScopeWindow(scope.key, start, end, reason))
    return windows
