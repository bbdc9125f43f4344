"""A generic list of databases, titles or vendors (an A-Z list, an ERM export, a spreadsheet).

The header row is found among the first rows (exports often start with a title line), and
each column's role is guessed from its name: ``name`` (database or title), ``vendor``
(publisher, provider), ``platform``, ``url`` and ``identifier`` (ISSN/ISBN). Every guess can
be overridden with ``{role: header}``; the mapping used is reported with the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from vendorwatch.audit.checks import repeated_columns
from vendorwatch.audit.models import Holding, HoldingKind, ReadResult, RowFields
from vendorwatch.audit.text import clip, where
from vendorwatch.errors import BadInputError

Row = tuple[int, Sequence[str]]

ROLES = ("name", "vendor", "platform", "url", "identifier")

# Normalised header → role. A header's normalised form is lower case, words split on anything
# that is not a letter or a digit.
SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        [
            "name", "database", "database name", "databases", "resource", "resource name",
            "e resource", "title", "publication title", "journal", "journal title",
            "package", "package name", "collection", "collection name", "product",
            "product name", "az name", "a z name", "resource title", "db name",
        ],
        "name",
    ),
    **dict.fromkeys(
        [
            "vendor", "vendor name", "az vendor name", "publisher", "publisher name",
            "provider", "provider name", "content provider", "supplier", "company",
            "owner", "licensor", "imprint",
        ],
        "vendor",
    ),
    **dict.fromkeys(
        ["platform", "platform name", "interface", "host platform", "service"], "platform"
    ),
    **dict.fromkeys(
        [
            "url", "link", "title url", "access url", "friendly url", "permalink",
            "proxy url", "resource url", "homepage", "web address",
        ],
        "url",
    ),
    **dict.fromkeys(
        [
            "issn", "eissn", "e issn", "isbn", "eisbn", "e isbn", "print issn",
            "online issn", "print identifier", "online identifier", "issn isbn",
            "isbn issn", "doi", "identifier",
        ],
        "identifier",
    ),
}  # fmt: skip
TITLE_WORDS = {"title", "publication title", "journal", "journal title", "resource title"}

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normal(header: str) -> str:
    return _NON_WORD.sub(" ", header.lower()).strip()


def guess_roles(headers: Sequence[str]) -> dict[str, list[int]]:
    """Columns for each role guessed from the header names (identifiers may be several)."""
    roles: dict[str, list[int]] = {}
    for i, h in enumerate(headers):
        role = SYNONYMS.get(normal(h))
        if role is None:
            continue
        if role == "identifier" or role not in roles:
            roles.setdefault(role, []).append(i)
    return roles


def _find_header(rows: list[Row]) -> tuple[int, Sequence[str]] | None:
    for position, (_, cells) in enumerate(rows[:15]):
        roles = guess_roles(cells)
        if "name" in roles or "vendor" in roles or "platform" in roles:
            return position, cells
    return None


def expected_message(found_line: int, cells: Sequence[str]) -> str:
    shown = ", ".join(repr(clip(c, 30)) for c in list(cells)[:6] if c.strip()) or "nothing"
    return (
        "expected a KBART title list (tab-separated, header starting publication_title), a "
        "COUNTER 5/5.1 report (first cell Report_Name, or JSON with Report_Header), or a "
        "list of databases with a header row naming a column such as Name, Database, Title, "
        f"Vendor, Publisher or Platform; found on line {found_line}: {shown}"
    )


def read_table(
    name: str,
    rows: Iterable[Row],
    container: str,
    *,
    columns: Mapping[str, str] | None = None,
    max_rows: int,
) -> ReadResult:
    """A list of databases or titles from rows of cells (CSV/TSV text, or a worksheet)."""
    iterator = iter(rows)
    head: list[Row] = []
    for row in iterator:
        head.append(row)
        if len(head) >= 15:
            break
    if not head:
        raise BadInputError("the file is empty", where(name, 1))
    found = _header_with(head, columns, name) if columns else _find_header(head)
    if found is None:
        line, cells = next(((n, c) for n, c in head if any(x.strip() for x in c)), head[0])
        raise BadInputError(expected_message(line, cells), where(name, line))
    position, header_cells = found
    headers = [h.strip() for h in header_cells]
    header_line = head[position][0]
    _refuse_repeated(headers, columns or {}, name, header_line)
    roles = guess_roles(headers)
    if columns:
        for role, column in columns.items():
            roles[role] = [headers.index(column)]
    mapping = {role: ", ".join(headers[i] for i in roles[role]) for role in ROLES if role in roles}
    kind: HoldingKind = "database"
    if "name" in roles and normal(headers[roles["name"][0]]) in TITLE_WORDS:
        kind = "title"
    elif "name" not in roles and "platform" in roles:
        kind = "platform"
    result = ReadResult(
        name=name,
        kind="table",
        format=f"{container} list of {'titles' if kind == 'title' else 'databases'}",
        columns=headers,
        mapping=mapping,
    )
    names = tuple(headers)

    def first(cells: Sequence[str], role: str) -> str:
        for i in roles.get(role, ()):
            if i < len(cells) and cells[i].strip():
                return cells[i].strip()
        return ""

    body = [*head[position + 1 :]]
    empty_name = 0
    for number, cells in _chain(body, iterator):
        if not any(c.strip() for c in cells):
            continue
        title = first(cells, "name")
        vendor = first(cells, "vendor")
        platform = first(cells, "platform")
        if not (title or vendor or platform):
            empty_name += 1
        result.holdings.append(
            Holding(
                file=name,
                line=number,
                kind=kind,
                title=title or platform or vendor,
                publisher=vendor,
                platform=platform,
                url=first(cells, "url"),
                identifiers=tuple(
                    v
                    for i in roles.get("identifier", ())
                    if i < len(cells) and (v := cells[i].strip())
                ),
                extra=RowFields(names, tuple(cells)),
            )
        )
        if len(result.holdings) > max_rows:
            raise BadInputError(f"more than {max_rows:,} rows; split the list", where(name, number))
    if not result.holdings:
        raise BadInputError("a header row but no rows under it", where(name, header_line + 1))
    if empty_name:
        result.warnings.append(f"{empty_name} row(s) have no name, vendor or platform")
    return result


def _refuse_repeated(
    headers: Sequence[str], columns: Mapping[str, str], name: str, line: int
) -> None:
    """Two columns with the same header for one role (two ``Name`` columns): the list cannot
    say which holds the names, so neither is guessed."""
    for role in ROLES[:-1]:  # identifiers may be several
        if role in columns:
            same = [i for i, h in enumerate(headers) if h == columns[role]]
        else:
            same = [i for i, h in enumerate(headers) if SYNONYMS.get(normal(h)) == role]
        pair = repeated_columns(headers, same)
        if pair is not None:
            first, second = pair
            raise BadInputError(
                f"column {first + 1} and column {second + 1} are both headed "
                f"{headers[first]!r}, so which holds the {role} is unclear; rename one of them",
                where(name, line, second + 1, headers[second]),
            )


def _chain(first: list[Row], rest: Iterable[Row]) -> Iterable[Row]:
    yield from first
    yield from rest


def _header_with(
    head: list[Row], columns: Mapping[str, str], name: str
) -> tuple[int, Sequence[str]] | None:
    unknown = [r for r in columns if r not in ROLES]
    if unknown:
        raise BadInputError(
            f"unknown column role {unknown[0]!r}; the roles are {', '.join(ROLES)}", where(name)
        )
    wanted = set(columns.values())
    for position, (_, cells) in enumerate(head):
        if wanted <= {c.strip() for c in cells}:
            return position, cells
    line, cells = head[0]
    shown = ", ".join(repr(c.strip()) for c in cells if c.strip())
    missing = ", ".join(repr(c) for c in sorted(wanted))
    raise BadInputError(
        f"no header row has the column(s) {missing}; line {line} has {shown or 'nothing'}",
        where(name, line),
    )
