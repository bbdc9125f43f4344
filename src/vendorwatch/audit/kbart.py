"""KBART title lists (NISO RP-9-2010 Phase I, RP-9-2014 Phase II), as publishers really write them.

Tab-separated, one header row. Tolerated, because real files do it: a byte-order mark, LF,
CRLF or bare-CR line endings, trailing tabs (the Cambridge file has 26 fields under a
25-column header), header names that drift from the spec (Elsevier's
``parent_publication_id``, Phase I's ``coverage_notes``), case and spaces in header names,
and extra non-standard columns (kept in each holding's ``fields``). Refused, with the line
and column: a header that is KBART but not tab-separated, data rows in another delimiter, and
a last row cut short with no line break (a truncated file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vendorwatch.audit.limits import Budget
from vendorwatch.audit.models import Holding, ReadResult, RowFields
from vendorwatch.audit.text import Lines, clip, where
from vendorwatch.errors import BadInputError

PHASE_I = (
    "publication_title",
    "print_identifier",
    "online_identifier",
    "date_first_issue_online",
    "num_first_vol_online",
    "num_first_issue_online",
    "date_last_issue_online",
    "num_last_vol_online",
    "num_last_issue_online",
    "title_url",
    "first_author",
    "title_id",
    "embargo_info",
    "coverage_depth",
    "coverage_notes",
    "publisher_name",
)
PHASE_II = (
    *PHASE_I[:14],
    "notes",
    "publisher_name",
    "publication_type",
    "date_monograph_published_print",
    "date_monograph_published_online",
    "monograph_volume",
    "monograph_edition",
    "first_editor",
    "parent_publication_title_id",
    "preceding_publication_title_id",
    "access_type",
)
STANDARD = frozenset(PHASE_I) | frozenset(PHASE_II)
PHASE_II_ONLY = frozenset(PHASE_II) - frozenset(PHASE_I) - {"notes"}

# Names seen in real files for a standard column.
DRIFT = {
    "parent_publication_id": "parent_publication_title_id",
    "preceding_publication_id": "preceding_publication_title_id",
    "publication_name": "publication_title",
    "publisher": "publisher_name",
    "url": "title_url",
}

SIGNATURE = frozenset(
    {
        "print_identifier",
        "online_identifier",
        "title_url",
        "title_id",
        "publisher_name",
        "date_first_issue_online",
        "coverage_depth",
        "first_author",
        "embargo_info",
    }
)

_SEPARATORS = re.compile(r"[\s\-]+")


def header_name(raw: str) -> str:
    """``Publication Title`` / ``"publication_title"`` → ``publication_title``."""
    name = raw.strip().strip("\ufeff").strip('"').strip().lower()
    return _SEPARATORS.sub("_", name)


def canonical(raw: str) -> str:
    name = header_name(raw)
    return DRIFT.get(name, name)


def looks_like_kbart(first_line: str) -> str | None:
    """The delimiter of a KBART header line (``\\t``, ``,``, ``;`` or ``|``), or None."""
    counts = {sep: first_line.count(sep) for sep in ("\t", ",", ";", "|")}
    sep = max(counts, key=lambda s: counts[s])
    if counts[sep] == 0:
        return None
    names = {canonical(c) for c in first_line.split(sep)}
    if "publication_title" in names and len(names & SIGNATURE) >= 2:
        return sep
    return None


def kbart_without_title(first_line: str) -> bool:
    """A tab-separated header with at least three KBART field names but no publication_title:
    a KBART file that lost its one required column (read as a list it would be nonsense)."""
    names = {canonical(c) for c in first_line.split("\t")}
    return "publication_title" not in names and len(names & SIGNATURE) >= 3


def missing_columns(names: tuple[str, ...], phase: str) -> list[str]:
    """The phase's standard columns the header lacks (``notes`` and Phase I's
    ``coverage_notes`` stand for each other)."""
    present = set(names)
    if present & {"notes", "coverage_notes"}:
        present |= {"notes", "coverage_notes"}
    return [c for c in (PHASE_II if phase == "II" else PHASE_I) if c not in present]


@dataclass(frozen=True)
class _Columns:
    raw: tuple[str, ...]
    names: tuple[str, ...]  # canonical standard name, or the raw header for extra columns
    title: int
    publisher: int | None
    url: int | None
    ids: tuple[int, ...]


def _columns(header: list[str], name: str, result: ReadResult) -> _Columns:
    while header and not header[-1].strip():  # a header ending in tabs
        header.pop()
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(header):
        canon = canonical(raw)
        if not raw.strip():
            canon = f"column_{i + 1}"
            result.warnings.append(f"column {i + 1} has no header name; kept as {canon}")
        elif canon not in STANDARD:
            canon = raw.strip()
        elif canon != header_name(raw) or raw != raw.strip():
            result.warnings.append(f"header {raw.strip()!r} read as the KBART field {canon!r}")
        if canon in seen:
            result.warnings.append(
                f"column {i + 1} repeats the header {canon!r} of column {seen[canon] + 1}; "
                f"the first one is used"
            )
            canon = f"{canon} (column {i + 1})"
        seen[canon] = i
        names.append(canon)
    if "publication_title" not in seen:
        raise BadInputError("a KBART header needs a publication_title column", where(name, 1))
    ids = tuple(seen[c] for c in ("print_identifier", "online_identifier") if c in seen)
    return _Columns(
        raw=tuple(h.strip() for h in header),
        names=tuple(names),
        title=seen["publication_title"],
        publisher=seen.get("publisher_name"),
        url=seen.get("title_url"),
        ids=ids,
    )


def _other_delimiter(line: str) -> str | None:
    for sep, word in ((",", "commas"), (";", "semicolons"), ("|", "vertical bars")):
        if line.count(sep) >= 3:
            return word
    return None


def read_kbart(
    name: str, text: Lines, *, max_rows: int, budget: Budget, skip: int = 0
) -> ReadResult:
    """Read a KBART file's lines into title holdings; the header is after ``skip`` blank lines.
    At most ``max_rows`` titles, within the time ``budget`` (`audit.limits`)."""
    lines = text.lines[skip:]
    result = ReadResult(name=name, kind="kbart", format="KBART")
    header_line = lines[0] if lines else ""
    sep = looks_like_kbart(header_line)
    if sep is None:
        raise BadInputError(
            "expected a KBART header (tab-separated, starting publication_title, "
            f"print_identifier …); found {clip(header_line)!r}",
            where(name, skip + 1),
        )
    if sep != "\t":
        shown = {",": "commas", ";": "semicolons", "|": "vertical bars"}[sep]
        raise BadInputError(
            f"the KBART header is separated by {shown}, not tabs; KBART files are "
            "tab-separated (NISO RP-9-2014): export the list as tab-separated text, "
            "or read it as a spreadsheet (--kind table)",
            where(name, skip + 1, header_line.index(sep) + 1),
        )
    cols = _columns(header_line.split("\t"), name, result)
    width = len(cols.names)
    phase = "II" if PHASE_II_ONLY & set(cols.names) else "I"
    result.format = f"KBART Phase {phase}"
    result.columns = list(cols.raw)
    if missing := missing_columns(cols.names, phase):
        result.warnings.append(
            f"the KBART Phase {phase} header lacks the column(s) {', '.join(missing)}; "
            "read as empty"
        )
    extra_names = [n for n in cols.names if n not in STANDARD]
    if extra_names:
        result.warnings.append("non-standard columns kept: " + ", ".join(extra_names))
    holdings = result.holdings
    names = cols.names
    short = long_ = blank = untitled = 0
    last = len(lines)
    for number in range(2, last + 1):
        line = lines[number - 1]
        at = number + skip
        if number % 1024 == 0:
            budget.check(at)
        if not line.strip():
            blank += 1
            continue
        fields = line.split("\t")
        n = len(fields)
        if n < width:
            if n == 1 and (word := _other_delimiter(line)):
                raise BadInputError(
                    f"this row has no tabs but has {word}: the header is tab-separated, "
                    "the rows are not (a KBART file must be tab-separated throughout)",
                    where(name, at, 1),
                )
            if number == last and not text.ends_with_break:
                column = sum(len(f) + 1 for f in fields)
                raise BadInputError(
                    f"the file ends in the middle of a row: this last row stops after field "
                    f"{n} ({names[n - 1]}) of {width}, with no line break; the file looks "
                    "truncated",
                    where(name, at, column),
                )
            short += 1
            fields += [""] * (width - n)
        elif n > width:
            surplus = fields[width:]
            if any(f.strip() for f in surplus):
                long_ += 1
                names_here = names + tuple(f"column_{i + 1}" for i in range(width, n))
                holdings.append(_holding(name, at, fields, cols, names_here))
                continue
            fields = fields[:width]
        if not fields[cols.title].strip():
            untitled += 1
        holdings.append(_holding(name, at, fields, cols, names))
        if len(holdings) > max_rows:
            raise BadInputError(
                f"more than {max_rows:,} titles; split the list into smaller files",
                where(name, at),
            )
    if not holdings:
        raise BadInputError("a KBART header but no title rows", where(name, skip + 2))
    if short:
        result.warnings.append(
            f"{short} row(s) had fewer fields than the header; the missing trailing fields "
            "were read as empty"
        )
    if long_:
        result.warnings.append(
            f"{long_} row(s) had values beyond the last header column; kept as column_N"
        )
    if blank or skip:
        result.warnings.append(f"{blank + skip} blank line(s) skipped")
    if untitled:
        result.warnings.append(f"{untitled} row(s) have no publication_title")
    return result


def _holding(
    name: str, number: int, fields: list[str], cols: _Columns, names: tuple[str, ...]
) -> Holding:
    publisher = fields[cols.publisher].strip() if cols.publisher is not None else ""
    url = fields[cols.url].strip() if cols.url is not None else ""
    ids: tuple[str, ...] = ()
    for i in cols.ids:
        if value := fields[i].strip():
            ids = (*ids, value)
    return Holding(
        file=name,
        line=number,
        kind="title",
        title=fields[cols.title].strip(),
        publisher=publisher,
        url=url,
        identifiers=ids,
        extra=RowFields(names, tuple(fields)),
    )
