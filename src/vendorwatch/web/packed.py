"""A selection's facets packed by column while the recent-selections cache keeps them.

As the pages take them, facets are a list of dicts per facet: ~300 bytes a value (a dict of
five keys, a string of dollars, two integers), and the cache holds up to
`SiteState.recent_values` of them (~15 MB on the sample once it is full). Packed, each facet
keeps each column of integers in one array of machine integers and each column of strings in
one joined string: ~50 bytes a value. A page unpacks its selection into fresh dicts equal to
those packed, keys in the same order (~0.5 ms for the ~2,000 values of the unfiltered
selection, against ~8 ms to ask the cube again).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, TypeAlias

Facets = dict[str, list[dict[str, Any]]]
Column: TypeAlias = "array[int] | str | tuple[Any, ...]"  # array is generic from 3.12

_SEP = "\x1f"  # the unit separator; a column of strings holding it stays a tuple
# A facet value as every facet is written (`cube.facets`, `selections.facets`,
# `browse.role_facet`): unpacked by a dict display, the fast way to make ~2,000 dicts.
VALUE_KEYS = ("value", "obligations", "transactions", "awards", "selected")


def _pack_column(column: list[Any]) -> Column:
    types = set(map(type, column))
    if types == {int}:
        try:
            return array("q", column)
        except OverflowError:  # a HUGEINT beyond 64 bits
            return tuple(column)
    if types == {str}:
        joined = _SEP.join(column)
        if joined.count(_SEP) == len(column) - 1:
            return joined
    return tuple(column)


def _unpack_column(packed: Column) -> Any:
    return packed.split(_SEP) if isinstance(packed, str) else packed


@dataclass(frozen=True, slots=True)
class _Facet:
    keys: tuple[str, ...]
    columns: tuple[Column, ...]

    def rows(self) -> list[dict[str, Any]]:
        columns = map(_unpack_column, self.columns)
        if self.keys == VALUE_KEYS:
            return [
                {"value": v, "obligations": o, "transactions": t, "awards": a, "selected": s}
                for v, o, t, a, s in zip(*columns, strict=True)
            ]
        return [dict(zip(self.keys, values, strict=True)) for values in zip(*columns, strict=True)]


@dataclass(frozen=True, slots=True)
class PackedFacets:
    """Facets as the cache keeps them; ``values``: how many facet values in all (its weight
    against ``recent_values``)."""

    facets: tuple[tuple[str, _Facet | list[dict[str, Any]]], ...]
    values: int

    def unpack(self) -> Facets:
        return {
            name: facet.rows() if isinstance(facet, _Facet) else facet
            for name, facet in self.facets
        }


def pack(facets: Facets) -> PackedFacets:
    """Packed by column, each facet's values in its first value's key order (every facet is
    written by one dict display); a facet whose values have other keys is kept as it is."""
    packed: list[tuple[str, _Facet | list[dict[str, Any]]]] = []
    for name, rows in facets.items():
        keys = tuple(rows[0]) if rows else ()
        try:
            if rows and set(map(len, rows)) != {len(keys)}:
                raise KeyError(name)
            columns = tuple(_pack_column(list(map(itemgetter(k), rows))) for k in keys)
        except KeyError:
            packed.append((name, rows))
            continue
        packed.append((name, _Facet(keys, columns)))
    return PackedFacets(tuple(packed), sum(map(len, facets.values())))
