"""COUNTER Release 5 and 5.1 usage reports: tabular (TSV, CSV, XLSX) and JSON.

Tabular reports open with a header block of key/value rows (``Report_Name``, ``Report_ID``,
``Release`` … 12 keys in R5.0, 13 in R5.1 with ``Registry_Record``), then a blank row, then the
table: identifying columns (``Platform``, ``Database``, ``Title``, ``Publisher`` …), then
``Metric_Type``, ``Reporting_Period_Total`` and one column per month (``Jan-2022``). Any
report with a Platform and a Metric_Type column is read (PR, PR_P1, DR, DR_D1, DR_D2, TR,
TR_J1 … IR); the audit needs the names and each metric's total.

JSON reports: R5.1 puts counts in ``Attribute_Performance[].Performance{metric: {month: n}}``
and identifiers in an ``Item_ID`` object; R5.0 (SUSHI) uses ``Performance[].Instance[]`` with
``Metric_Type``/``Count`` and an ``Item_ID`` list of ``{Type, Value}``. Both are read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from vendorwatch.audit.limits import Budget
from vendorwatch.audit.models import Holding, ReadResult, UsageRow
from vendorwatch.audit.text import clip, where
from vendorwatch.errors import BadInputError

Row = tuple[int, Sequence[str]]  # (1-based line, cells)

MONTH = re.compile(r"^[A-Z][a-z]{2}-\d{4}$")
ID_COLUMNS = ("Print_ISSN", "Online_ISSN", "ISBN", "DOI", "Proprietary_ID", "URI")
HEADER_KEYS = (
    "Report_Name",
    "Report_ID",
    "Release",
    "Institution_Name",
    "Institution_ID",
    "Metric_Types",
    "Report_Filters",
    "Report_Attributes",
    "Exceptions",
    "Reporting_Period",
    "Created",
    "Created_By",
    "Registry_Record",
)


def databases_as_holdings(result: ReadResult) -> None:
    """A database report (DR, DR_D1, DR_D2) is how most libraries see what databases they
    have: each (Database, Publisher, Platform) becomes a holding, at the first row naming it,
    so every database is matched and listed by name — not only its platform's usage, and not
    dropped when the publisher is unknown."""
    report_id = (result.header.get("Report_ID") or "").strip().upper()
    if not report_id.startswith("DR"):
        return
    seen: dict[tuple[str, str, str], Holding] = {}
    for u in result.usage:
        if not u.database:
            continue
        key = (u.database, u.publisher, u.platform)
        if key not in seen:
            seen[key] = Holding(
                file=u.file,
                line=u.line,
                kind="database",
                title=u.database,
                publisher=u.publisher,
                platform=u.platform,
                identifiers=u.identifiers,
            )
    result.holdings.extend(seen.values())


def _blank(cells: Sequence[str]) -> bool:
    return not any(c.strip() for c in cells)


def read_counter_rows(
    name: str, rows: Iterable[Row], container: str, *, max_rows: int
) -> ReadResult:
    """A tabular COUNTER report from its rows of cells (any delimiter, or a worksheet)."""
    it: Iterator[Row] = iter(rows)
    header: dict[str, str] = {}
    first_line = 0
    table_header: Row | None = None
    for number, cells in it:
        first_line = first_line or number
        if _blank(cells):
            break
        if "Metric_Type" in (c.strip() for c in cells):  # the blank row is missing: tolerated
            table_header = (number, [c.strip() for c in cells])
            break
        key = cells[0].strip()
        header[key] = cells[1].strip() if len(cells) > 1 else ""
    report_id = header.get("Report_ID", "")
    if "Report_Name" not in header or not report_id:
        raise BadInputError(
            "a COUNTER report's header block needs Report_Name and Report_ID rows "
            f"(found {', '.join(header) or 'none'})",
            where(name, first_line or 1),
        )
    release = header.get("Release", "")
    if table_header is None:
        for number, cells in it:
            if not _blank(cells):
                table_header = (number, [c.strip() for c in cells])
                break
    if table_header is None:
        raise BadInputError(
            f"a COUNTER {report_id} header block but no table after it (the file may be truncated)",
            where(name, first_line),
        )
    head_line, columns = table_header
    while columns and not columns[-1]:
        columns = list(columns[:-1])
    index = {c: i for i, c in enumerate(columns)}
    for needed in ("Platform", "Metric_Type"):
        if needed not in index:
            unknown_key = next((c for c in columns if c in HEADER_KEYS), None)
            hint = (
                f" ({unknown_key!r} is a header-block key: is the blank row after the header "
                "block missing?)"
                if unknown_key
                else ""
            )
            raise BadInputError(
                f"the COUNTER {report_id} table has no {needed} column; found "
                f"{', '.join(map(repr, columns[:8]))}{hint}",
                where(name, head_line),
            )
    months = [i for i, c in enumerate(columns) if MONTH.match(c)]
    total_at = index.get("Reporting_Period_Total")
    if total_at is None and not months:
        raise BadInputError(
            f"the COUNTER {report_id} table has neither Reporting_Period_Total nor month "
            "columns (Jan-2022 …)",
            where(name, head_line),
        )
    result = ReadResult(
        name=name,
        kind="counter",
        format=f"COUNTER {release or '?'} {report_id} ({container})",
        columns=list(columns),
        header=header,
    )
    ids = [(c, index[c]) for c in ID_COLUMNS if c in index]

    def cell(cells: Sequence[str], column: str) -> str:
        i = index.get(column)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def count(cells: Sequence[str], i: int, number: int) -> int:
        text = cells[i].strip() if i < len(cells) else ""
        if text == "":
            return 0
        try:
            return int(text.replace(",", ""))
        except ValueError:
            raise BadInputError(
                f"{columns[i]} must be a whole number of uses; found {clip(text, 30)!r}",
                where(name, number, i + 1, columns[i]),
            ) from None

    for number, cells in it:
        if _blank(cells):
            continue
        if len(cells) < len(index) - len(months) and len(cells) <= 1:
            raise BadInputError(
                f"this row has {len(cells)} field(s) where the table has {len(columns)}; "
                "is the file in another delimiter, or cut short?",
                where(name, number),
            )
        total = (
            count(cells, total_at, number)
            if total_at is not None
            else sum(count(cells, i, number) for i in months)
        )
        result.usage.append(
            UsageRow(
                file=name,
                line=number,
                report_id=report_id,
                platform=cell(cells, "Platform"),
                metric=cell(cells, "Metric_Type"),
                total=total,
                database=cell(cells, "Database"),
                publisher=cell(cells, "Publisher"),
                title=cell(cells, "Title") or cell(cells, "Item"),
                data_type=cell(cells, "Data_Type"),
                identifiers=tuple(v for _, i in ids if i < len(cells) and (v := cells[i].strip())),
            )
        )
        if len(result.usage) > max_rows:
            raise BadInputError(
                f"more than {max_rows:,} rows; split the report", where(name, number)
            )
    if not result.usage:
        result.warnings.append(f"the {report_id} report has no usage rows")
    databases_as_holdings(result)
    return result


# --- JSON -------------------------------------------------------------------------------------


def _ids(item: dict[str, Any]) -> tuple[str, ...]:
    raw = item.get("Item_ID")
    if isinstance(raw, dict):  # R5.1
        return tuple(str(v) for v in raw.values() if v)
    if isinstance(raw, list):  # R5.0: [{"Type": "Online_ISSN", "Value": "…"}]
        return tuple(str(x.get("Value")) for x in raw if isinstance(x, dict) and x.get("Value"))
    return ()


def _whole(value: Any) -> int:
    """A count as COUNTER JSON gives it (a whole number, or its text); anything else — 1.5,
    true, Infinity, a list — is an error, never silently rounded."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a count")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return int(value.strip())
    raise ValueError(f"{clip(repr(value), 30)} is not a whole number of uses")


def _performances(item: dict[str, Any]) -> Iterator[tuple[str, str, int]]:
    """(data_type, metric, count) for each count the item holds, in either release."""
    attributes = item.get("Attribute_Performance")
    if isinstance(attributes, list):  # R5.1
        for attr in attributes:
            if not isinstance(attr, dict):
                continue
            data_type = str(attr.get("Data_Type") or item.get("Data_Type") or "")
            for metric, months in (attr.get("Performance") or {}).items():
                if isinstance(months, dict):
                    yield data_type, str(metric), sum(_whole(v) for v in months.values())
        return
    performance = item.get("Performance")
    if isinstance(performance, dict):  # R5.1 without attributes
        for metric, months in performance.items():
            if isinstance(months, dict):
                yield (
                    str(item.get("Data_Type") or ""),
                    str(metric),
                    sum(_whole(v) for v in months.values()),
                )
    elif isinstance(performance, list):  # R5.0: one entry per month, summed per metric
        totals: dict[str, int] = {}
        for period in performance:
            for instance in (period or {}).get("Instance") or []:
                metric = str(instance.get("Metric_Type") or "")
                totals[metric] = totals.get(metric, 0) + _whole(instance.get("Count") or 0)
        for metric, total in totals.items():
            yield str(item.get("Data_Type") or ""), metric, total


def _line_of(text: str, needle: str) -> int | None:
    """The 1-based line where ``needle`` first appears, for a JSON error's location."""
    at = text.find(needle)
    return None if at < 0 else text.count("\n", 0, at) + 1


def read_counter_json(name: str, text: str, *, max_rows: int, budget: Budget) -> ReadResult:
    """A COUNTER JSON report (SUSHI response): at most ``max_rows`` usage rows, counted as
    they are made (one item may nest thousands), within the time ``budget``."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInputError(
            f"not valid JSON ({exc.msg})", where(name, exc.lineno, exc.colno)
        ) from None
    except RecursionError:
        raise BadInputError("JSON nested too deeply to be a COUNTER report", where(name)) from None
    if isinstance(doc, list) or (isinstance(doc, dict) and "Code" in doc and "Message" in doc):
        exceptions = doc if isinstance(doc, list) else [doc]
        messages = "; ".join(
            f"{e.get('Code')} {e.get('Message')}" for e in exceptions if isinstance(e, dict)
        )
        raise BadInputError(
            "a COUNTER/SUSHI exception, not a report"
            + (f": {clip(messages, 120)}" if messages else ""),
            where(name),
        )
    if not isinstance(doc, dict) or "Report_Header" not in doc or "Report_Items" not in doc:
        found = ", ".join(list(doc)[:8]) if isinstance(doc, dict) else type(doc).__name__
        raise BadInputError(
            "JSON, but not a COUNTER report: expected the keys Report_Header and "
            f"Report_Items; found {found or 'an empty object'}",
            where(name, 1, 1),
        )
    head = doc["Report_Header"] or {}
    at = _line_of(text, '"Report_Header"')
    if not isinstance(head, dict):
        raise BadInputError(
            f"Report_Header must be an object of keys (Report_ID, Release …); found a "
            f"{type(head).__name__}",
            where(name, at),
        )
    report_id = str(head.get("Report_ID") or "").strip()
    if not report_id:
        raise BadInputError(
            "the Report_Header has no Report_ID (PR, DR, TR, IR …): is this a COUNTER report?",
            where(name, at),
        )
    release = str(head.get("Release") or "")
    header = {
        k: (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for k, v in head.items()
    }
    result = ReadResult(
        name=name,
        kind="counter",
        format=f"COUNTER {release or '?'} {report_id or '?'} (JSON)",
        header=header,
    )
    items = doc["Report_Items"] or []
    if not isinstance(items, list):
        raise BadInputError("Report_Items must be a list", where(name))

    def walk(item: dict[str, Any], number: int, platform: str, depth: int = 0) -> None:
        budget.check(number, "item")
        platform = str(item.get("Platform") or platform)
        ids = _ids(item)
        for data_type, metric, total in _performances(item):
            result.usage.append(
                UsageRow(
                    file=name,
                    line=number,
                    report_id=report_id,
                    platform=platform,
                    metric=metric,
                    total=total,
                    database=str(item.get("Database") or ""),
                    publisher=str(item.get("Publisher") or ""),
                    title=str(item.get("Title") or item.get("Item") or ""),
                    data_type=data_type,
                    identifiers=ids,
                )
            )
            if len(result.usage) > max_rows:
                raise BadInputError(
                    f"more than {max_rows:,} usage rows (at Report_Items entry {number:,}); "
                    "split the report",
                    where(name),
                )
        children = item.get("Items") or []  # R5.1 item reports nest items
        if depth > 10:
            raise ValueError("Items nested more than 10 deep")
        for child in children:
            if isinstance(child, dict):
                walk(child, number, platform, depth + 1)

    try:
        for number, item in enumerate(items, start=1):
            if isinstance(item, dict):
                walk(item, number, "")
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise BadInputError(
            f"Report_Items entry {number} is not shaped as COUNTER 5/5.1 JSON ({exc})",
            where(name),
        ) from None
    result.warnings.append("JSON reports have no line numbers: 'line' is the item's number")
    if not result.usage:
        result.warnings.append(f"the {report_id} report has no usage rows")
    databases_as_holdings(result)
    return result
