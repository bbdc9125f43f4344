"""What the running site holds: the warehouse (read-only), the registry, and caches.

The warehouse does not change while the site serves it (loads need the write lock), so
finished dossiers and charts are cached for the life of the process.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from vendorwatch.analysis import connect
from vendorwatch.analysis.browse import Filters, Page, awards, facets, transaction_list
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.registry import Registry, shipped_registry
from vendorwatch.reports.render import dossier_charts


def _key(chosen: Filters) -> str:
    return json.dumps({k: sorted(map(str, v)) for k, v in chosen.items()}, sort_keys=True)


@dataclass
class SiteState:
    warehouse: Path
    registry: Registry = field(default_factory=shipped_registry)
    _con: Any = field(default=None, repr=False)
    _dossiers: dict[str, tuple[dict[str, Any], dict[str, str]]] = field(
        default_factory=dict, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)
    _recent: OrderedDict[str, Any] = field(default_factory=OrderedDict, repr=False)
    recent_limit: int = 256

    def con(self) -> Any:
        """The read-only warehouse connection.

        Handlers are ``async``, so all queries run on the event loop's one thread, one at a
        time; DuckDB parallelises each query itself. (A connection per worker thread made the
        process abort at exit when those threads died holding DuckDB state.)
        """
        with self._lock:
            if self._con is None:
                self._con = connect(self.warehouse)
            return self._con

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.disconnect()
                self._con = None

    def dossier(self, family_id: str) -> tuple[dict[str, Any], dict[str, str]]:
        """The family's dossier data and its chart SVGs, built once."""
        with self._lock:
            cached = self._dossiers.get(family_id)
        if cached is None:
            data = family_dossier(self.con(), self.registry, family_id)
            cached = (data, dossier_charts(data))
            with self._lock:
                self._dossiers[family_id] = cached
        return cached

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value computed once per process (the warehouse is fixed while serving)."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._lock:
            self._memo[key] = value
        return value

    def recent(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value kept among the last ``recent_limit`` asked for (a selection's facets, a page
        of awards): at 10M rows the unfiltered facets take seconds, and people come back."""
        with self._lock:
            if key in self._recent:
                self._recent.move_to_end(key)
                return self._recent[key]
        value = compute()
        with self._lock:
            self._recent[key] = value
            while len(self._recent) > self.recent_limit:
                self._recent.popitem(last=False)
        return value

    def facets(self, chosen: Filters) -> dict[str, list[dict[str, Any]]]:
        key = "facets:" + _key(chosen)
        found: dict[str, list[dict[str, Any]]] = self.recent(
            key, lambda: facets(self.con(), chosen)
        )
        return found

    def listing(
        self, view: str, chosen: Filters, *, sort: str, descending: bool, offset: int, limit: int
    ) -> Page:
        """A page of awards (or of transactions, ``view="transactions"``) of a selection."""
        lister = awards if view == "awards" else transaction_list
        key = json.dumps([view, _key(chosen), sort, descending, offset, limit])
        page: Page = self.recent(
            key,
            lambda: lister(
                self.con(), chosen, sort=sort, descending=descending, offset=offset, limit=limit
            ),
        )
        return page

    @cached_property
    def family_names(self) -> dict[str, str]:
        return {org_id: e.value.name for org_id, e in self.registry.organisations.items()}

    @cached_property
    def watched_families(self) -> set[str]:
        """Families with a curated 'what it sells' entry: the data and surveillance vendors."""
        return {
            self.registry.family(org_id)
            for org_id, entry in self.registry.organisations.items()
            if entry.value.sells
        }
