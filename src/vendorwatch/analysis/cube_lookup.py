"""The browse cube's facets under at most two filters, worked out once per build.

Profiled at 1M SYNTHETIC rows, a ``family=…&fiscal_year=…`` page spent nearly all of its facet
time on one facet: the families under the fiscal year alone (~140,000 of the cube's rows grouped
per award, then per family, for every request). The facets a page asks under one or two filters
(besides the role, always one) are few enough to keep: for every role, pair of filter dimensions
and their values, and every other facet's value, the dollars, transactions and distinct awards
(counted per key when the table is built: distinct awards do not add up). At 1M rows that is
~270,000 values under ~150,000 keys. A facet under three filters or more, or under a filter of
several values, is still asked of the cube: such a selection is narrow (the cube is sorted by
role, family and year, so its zone maps skip most of it).

Each row's key is one number (role, the two filters' dimensions and value ids in `FACETS`
order, ``-1`` for none, and the facet), indexed: a page's keys are a few point lookups.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

TABLE = "facets_by_filter"
NONE = -1  # no filter in this place of the key (ids start at 1)
DEPTH = 2  # filters besides the role that the table covers
_ID = 2**32  # an id and NONE + 1 fit in 32 bits, a dimension's index + 1 in 4


def key(
    role: int | str, a: int | str, av: int | str, b: int | str, bv: int | str, *, f: int
) -> str:
    """A row's key, as SQL over these terms (ids, dimension indexes or columns): one HUGEINT."""
    return (
        f"((((CAST({role} AS HUGEINT) * 16 + ({a}) + 1) * {_ID} + ({av}) + 1) * 16 + ({b}) + 1)"
        f" * {_ID} + ({bv}) + 1) * 16 + {f}"
    )


def key_value(role: int, a: int, av: int, b: int, bv: int, *, f: int) -> int:
    """`key` in Python (the same arithmetic, on integers)."""
    return ((((role * 16 + a + 1) * _ID + av + 1) * 16 + b + 1) * _ID + bv + 1) * 16 + f


def build_statements(facets: Sequence[str]) -> list[str]:
    """The SQL that fills `TABLE` from the built ``cube`` (run by `vendorwatch.cubefile`): one
    group-by per (filters, facet), so that the builder holds one of them at a time."""
    out = [
        "CREATE TEMP TABLE _by_filter (k HUGEINT, f TINYINT, id INTEGER, "
        "obligations DECIMAL(38, 2), transactions BIGINT, awards BIGINT)"
    ]
    dims = [i for i, name in enumerate(facets) if name != "role"]
    for depth in range(DEPTH + 1):
        for chosen in itertools.combinations(dims, depth):
            a, b = (*chosen, NONE, NONE)[:2]
            av, bv = (f'"{facets[i]}"' if i != NONE else str(NONE) for i in (a, b))
            where = " AND ".join(f'"{facets[i]}" IS NOT NULL' for i in chosen) or "TRUE"
            for f, name in enumerate(facets):
                if f in chosen:
                    continue
                out.append(
                    f"INSERT INTO _by_filter SELECT {key('role', a, av, b, bv, f=f)}, {f}, "
                    f'"{name}", sum(obligations), sum(transactions), count(DISTINCT award) '
                    f"FROM cube WHERE {where} GROUP BY ALL"
                )
    # One row per key, its values in one text in the page's order (a line per value: id,
    # dollars as DuckDB writes a DECIMAL, as the cube's own facets are, transactions, awards),
    # found by a unique index: a page's keys are ~10 point lookups. One row per value read
    # ~1,400 rows by row id per page (~12 ms), lists ~7 ms; this text ~1 ms, ~1 ms to split.
    line = (
        "concat_ws(chr(9), coalesce(CAST(id AS VARCHAR), ''), CAST(obligations AS VARCHAR), "
        "transactions, awards)"
    )
    out.append(
        f"CREATE TABLE {TABLE} AS SELECT k, any_value(f) AS f, string_agg({line}, chr(10) "
        "ORDER BY obligations DESC, id ASC NULLS LAST) AS facet "  # the cube's facet order
        "FROM _by_filter GROUP BY k ORDER BY k"
    )
    out.append("DROP TABLE _by_filter")
    out.append(f"CREATE UNIQUE INDEX {TABLE}_by_key ON {TABLE} (k)")
    return out


def lookup_keys(
    facets: Sequence[str], name: str, chosen: Mapping[str, set[int]], roles: Sequence[int]
) -> list[int] | None:
    """The keys of facet ``name``'s rows in `TABLE` under the selection's other filters
    (``chosen``: each filtered dimension's value ids, the role apart; ``roles``: the chosen
    role's id, or for the role facet, which no role filters, every role's), or ``None`` when
    the table does not hold them (more than `DEPTH` other filters, or one of several values)."""
    others = sorted(facets.index(k) for k in chosen if k not in (name, "role"))
    if len(others) > DEPTH or any(len(chosen[facets[i]]) != 1 for i in others):
        return None
    a, b = (*others, NONE, NONE)[:2]
    av, bv = (min(chosen[facets[i]]) if i != NONE else NONE for i in (a, b))
    return [key_value(role, a, av, b, bv, f=facets.index(name)) for role in roles]


def rows(f: int, facet: str) -> list[tuple[int, int | None, str, int, int]]:
    """One key's rows, as the cube's facets give them: (f, id, dollars, transactions, awards)."""
    out: list[tuple[int, int | None, str, int, int]] = []
    for line in facet.split("\n"):
        value, obligations, transactions, awards = line.split("\t")
        out.append((f, int(value) if value else None, obligations, int(transactions), int(awards)))
    return out
