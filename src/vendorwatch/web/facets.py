"""The browse page's facets as a reader sees them: the largest values with a "show all" link,
every value (searchable) when asked, years in year order, one-value facets left out."""

from __future__ import annotations

from typing import Any

FACET_SHOWN = 12  # values a facet lists before its "show all" link
ORDERED = {"fiscal_year"}  # listed in their own order (years), not by dollars
# A facet's heading where its name would mislead: both state facets are where the work is done.
TITLES = {
    "place_state": "place of performance (state)",
    "state": "place of performance (state, transactions only)",
}


def title_of(name: str) -> str:
    """A facet's heading: its name in words."""
    return TITLES.get(name, name.replace("_", " "))


def facet_view(
    found: dict[str, list[dict[str, Any]]],
    names: dict[str, str],
    labels: dict[str, str],
    show_all: str | None,
    search: str,
) -> list[dict[str, Any]]:
    """Each facet as the page lists it: the largest values (every value for ``show_all``,
    those whose name contains ``search``), years in year order, and whether it is hidden
    because every award shares its one value."""
    out = []
    for name, cached in found.items():
        values = [
            {**v, "label": names.get(v["value"] or "", labels.get(v["value"] or "", v["value"]))}
            for v in cached
        ]
        every = sorted(values, key=lambda v: str(v["value"])) if name in ORDERED else values
        expanded = name == show_all
        shown = every
        if expanded and search:
            shown = [v for v in every if search.casefold() in str(v["label"] or "").casefold()]
        elif not expanded and name not in ORDERED:
            shown = [v for i, v in enumerate(every) if i < FACET_SHOWN or v["selected"]]
        out.append(
            {
                "name": name,
                "title": title_of(name),
                "shown": shown,
                "count": len(every),
                "hidden": len(every) - len(shown) if not expanded else 0,
                "expanded": expanded,
                "single": len(every) == 1 and not every[0]["selected"],
            }
        )
    return out
