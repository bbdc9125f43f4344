"""``DIMENSION=VALUE`` filters, as people write them, to the values the facts store.

One syntax for every command that filters (``rollup --where``, ``export … --where``): a
dimension of `rollups.DIMENSIONS`, ``=``, and a value given as stored (``family=relx-plc``),
by name in any case (``family="RELX PLC"``), or for agencies by the registry's id
(``sub_agency=ICE``). A value matching nothing is an error naming the nearest ones, never a
silently empty result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from vendorwatch.analysis.facts import fact_table
from vendorwatch.analysis.lazy import engine
from vendorwatch.analysis.rollups import DIMENSIONS
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry, shipped_registry
from vendorwatch.registry.lookup import suggestions

SYNTAX = 'DIMENSION=VALUE, e.g. family=relx-plc, family="RELX PLC" or sub_agency=ICE'


@dataclass(frozen=True)
class Filter:
    """One ``DIMENSION=VALUE`` as written, and the option it came from (for messages)."""

    dimension: str
    value: str
    option: str = "--where"


def parse_filters(
    items: Sequence[str], *, option: str = "--where", allowed: Sequence[str] | None = None
) -> list[Filter]:
    """Each ``DIMENSION=VALUE`` item, checked for shape and for a known dimension."""
    names = list(allowed if allowed is not None else DIMENSIONS)
    found = []
    for item in items:
        name, sep, value = (part.strip() for part in item.partition("="))
        if not sep or not name or not value:
            raise VendorwatchError(f"{option} {item!r}: write {SYNTAX}")
        if name not in names:
            raise VendorwatchError(
                f"{option} {item!r}: unknown dimension {name!r}; choose from {', '.join(names)}"
            )
        found.append(Filter(name, value.strip("\"'"), option))
    return found


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def stored_values(con: Any, dimension: str) -> list[str]:
    """The distinct values of ``dimension`` in the facts, as the filters compare them."""
    t = fact_table(con)
    column = DIMENSIONS[dimension](t).cast("string").name("value")
    values = engine.values(t.select(column).filter(column.notnull()).distinct())
    return sorted(str(v) for v in values)


class _Matcher:
    """Turns one asked value into the stored value, or explains why it cannot."""

    def __init__(self, con: Any, registry: Callable[[], Registry]) -> None:
        self.con = con
        self._registry = registry
        self._stored: dict[str, list[str]] = {}

    def stored(self, dimension: str) -> list[str]:
        if dimension not in self._stored:
            self._stored[dimension] = stored_values(self.con, dimension)
        return self._stored[dimension]

    def match(self, f: Filter) -> str:
        stored = self.stored(f.dimension)
        if f.value in stored:
            return f.value
        by_plain = {_plain(v): v for v in stored}
        if (hit := by_plain.get(_plain(f.value))) is not None:
            return hit
        if f.dimension in ("family", "organisation"):
            return self.organisation(f, set(stored))
        if f.dimension in ("agency", "sub_agency") and (name := self.agency_name(f.value)):
            return by_plain.get(_plain(name), name)
        if f.dimension == "fiscal_year" and (year := re.fullmatch(r"(?i)fy\s*(\d{4})", f.value)):
            return year.group(1)
        raise VendorwatchError(self.unknown(f, stored))

    def organisation(self, f: Filter, stored: set[str]) -> str:
        """A registry organisation by id (any case), name or alias; for ``family``, it must be
        the top of its family (a company is pointed to ``organisation=``)."""
        registry = self._registry()
        wanted = _plain(f.value)
        org_id = next(
            (
                org_id
                for org_id, entry in registry.organisations.items()
                if wanted
                in (_plain(org_id), _plain(entry.value.name),
                    *(_plain(a.name) for a in entry.value.aliases))
            ),
            None,
        )  # fmt: skip
        if org_id is None:
            raise VendorwatchError(self.unknown(f, sorted(stored)))
        if f.dimension == "family" and org_id not in stored:
            family = registry.family(org_id)
            if family != org_id:
                name = registry.organisation(org_id).name
                raise VendorwatchError(
                    f"{f.option} family={f.value}: {org_id} ({name}) is a company in the "
                    f"{family} ({registry.organisation(family).name}) family; "
                    f"use family={family} or organisation={org_id}"
                )
        return org_id

    def agency_name(self, asked: str) -> str | None:
        """An agency's name from its registry id or name (``ICE``, ``cbp``)."""
        registry = self._registry()
        wanted = _plain(asked)
        for org_id, entry in registry.organisations.items():
            org = entry.value
            if org.kind == "agency" and wanted in (
                _plain(org_id),
                _plain(org.name),
                *(_plain(a.name) for a in org.aliases),
            ):
                return org.name
        return None

    def unknown(self, f: Filter, stored: Sequence[str]) -> str:
        said = f"no {f.dimension} {f.value!r}"
        hints = self.hints(f, stored)
        if hints:
            return f"{said}; did you mean {', '.join(hints)}?"
        return f"{said} in the data (`vendorwatch rollup --by {f.dimension}` lists them)"

    def hints(self, f: Filter, stored: Sequence[str]) -> list[str]:
        if f.dimension in ("family", "organisation"):
            registry = self._registry()
            out: dict[str, str] = {}
            for s in suggestions(registry, f.value, limit=8):
                org_id, name = (
                    (s.family, s.family_name) if f.dimension == "family" else (s.id, s.name)
                )
                out.setdefault(org_id, f"{org_id} ({name})")
            return list(out.values())[:3]
        found = process.extract(f.value, list(stored), scorer=fuzz.WRatio, limit=3,
                                score_cutoff=70)  # fmt: skip
        return [repr(text) for text, _, _ in found]


def resolve_filters(
    con: Any, filters: Sequence[Filter], *, registry: Callable[[], Registry] | None = None
) -> dict[str, list[str]]:
    """The stored values the filters name, by dimension (a dimension given twice keeps
    either value). ``registry`` is called only if a value needs a name looked up."""
    matcher = _Matcher(con, registry or shipped_registry)
    out: dict[str, list[str]] = {}
    for f in filters:
        value = matcher.match(f)
        if value not in out.setdefault(f.dimension, []):
            out[f.dimension].append(value)
    return out


def single_values(filters: dict[str, list[str]], option: str = "--where") -> dict[str, str]:
    """For a rollup, which keeps one value per dimension."""
    twice = [name for name, values in filters.items() if len(values) > 1]
    if twice:
        raise VendorwatchError(f"{option} {twice[0]} is given twice; a rollup keeps one value")
    return {name: values[0] for name, values in filters.items()}
