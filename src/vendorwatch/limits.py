"""Limits on what a visitor controls, checked before the work starts, stated in the error.

One short URL must not freeze the site: a query of 3,000 words became 3,000 text filters (and
a search of ~950 words an expression too deep to compile), and a page number of a billion a
scan to nowhere. Each limit is a setting (`vendorwatch.settings`, docs/settings.md); the error
says what the limit is and what was asked ("a search may have at most 20 words; this one has
3,000"). The site answers a `LimitError` with a 4xx page or JSON (``status``), never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from vendorwatch.errors import VendorwatchError
from vendorwatch.settings import get_settings

MB = 1024 * 1024
# The finest split any query reader uses (`analysis.search`): counting these words bounds
# the filters every reader builds from the query.
_SPLIT = re.compile(r"[^\w&.-]+")


class LimitError(VendorwatchError):
    """A request or file past one of the limits; ``status`` is the HTTP status to answer."""

    status = 400


class TooLarge(LimitError):
    """A request body or an upload larger than its limit (HTTP 413)."""

    status = 413


def size(n: int) -> str:
    """A byte count as people read it: 50 MB, 820 KB, 312 bytes."""
    if n >= MB:
        return f"{n / MB:,.0f} MB" if n % MB == 0 or n >= 10 * MB else f"{n / MB:,.1f} MB"
    if n >= 1024:
        return f"{n / 1024:,.0f} KB"
    return f"{n:,} bytes"


def query_words(query: str) -> int:
    return sum(1 for w in _SPLIT.split(query) if w)


def check_query(query: str, what: str = "a search") -> None:
    """Refuse a query with too many characters or words (before it is even split)."""
    settings = get_settings()
    if len(query) > settings.query_max_chars:
        raise LimitError(
            f"{what} may have at most {settings.query_max_chars:,} characters; "
            f"this one has {len(query):,}"
        )
    words = query_words(query)
    if words > settings.query_max_words:
        raise LimitError(
            f"{what} may have at most {settings.query_max_words:,} words; this one has {words:,}"
        )


def check_filters(filters: Mapping[str, Sequence[str]]) -> None:
    """A browse selection: its text (``q``) and how many facet values it chooses."""
    chosen = 0
    for name, values in filters.items():
        if name == "q":
            check_query(" ".join(values), "a text filter (q)")
        else:
            chosen += len(values)
    limit = get_settings().facet_max_values
    if chosen > limit:
        raise LimitError(
            f"a selection may choose at most {limit:,} facet values; this one chooses {chosen:,}"
        )


def check_page(offset: int, limit: int) -> None:
    """A page of a listing: its size and how far in it starts."""
    settings = get_settings()
    if not 1 <= limit <= settings.page_max_size:
        raise LimitError(
            f"a page may have 1 to {settings.page_max_size:,} rows; this one asks for {limit:,}"
        )
    if not 0 <= offset <= settings.page_max_offset:
        raise LimitError(
            f"a page may start at most {settings.page_max_offset:,} rows in; this one starts at "
            f"{offset:,} (narrow the selection, or download it whole as CSV)"
        )
