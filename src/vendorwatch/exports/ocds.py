"""OCDS 1.1 release packages: one release per award, its transactions as contract implementation.

How USAspending's contract records map onto the Open Contracting Data Standard (1.1):

- ``ocid`` = ``{prefix}-{contract_award_unique_key}``; the prefix is a setting (an OCID prefix
  is registered with the Open Contracting Partnership; the default says it is unregistered).
- ``id`` of the release = ``{award key}-{date of its latest action}``, ``date`` = that day.
- ``buyer`` and a party with role ``buyer`` (and ``payer``): the awarding sub-agency;
  ``suppliers`` and a party with role ``supplier`` (and ``payee``): the recipient.
- ``tender``: how it was competed (``procurementMethod`` open / direct from the
  extent-competed rule, or absent when unknown), offers received, and ``value`` = the award's
  potential total value (base and all options) where a loaded layout carries it.
- ``awards[0]`` and ``contracts[0]``: ``value`` = the sum of the award's transactions in the
  warehouse (obligations, de-obligations included, exact repeats dropped), which is what every
  other vendorwatch figure counts; periods from the period of performance where known.
- ``relatedProcesses``: for an order, the agreement it was placed under (parent PIID) with
  relationship ``framework`` and, where its agency is known, the ocid its IDV release would have.
- ``contracts[0].implementation.transactions``: every transaction (base award and each
  modification) with its date, obligation as ``value``, payer and payee.

Money is USD and written as JSON numbers made from the exact decimals: each amount has at most
15 significant digits (every ``DECIMAL(18,2)`` below ten trillion dollars), so the shortest
decimal form of the nearest double is exactly the stored value (``1234.5`` for ``1234.50``);
an amount that could not be written exactly is refused rather than rounded.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from vendorwatch.analysis import engine
from vendorwatch.analysis.base import has_resolutions
from vendorwatch.analysis.browse import Filters
from vendorwatch.analysis.competition import Competed, flag
from vendorwatch.analysis.facts import fact_table
from vendorwatch.errors import VendorwatchError
from vendorwatch.exports.tables import award_expr
from vendorwatch.warehouse.layouts import API_TRANSACTION_EXPORT

OCDS_VERSION = "1.1"
DEFAULT_OCID_PREFIX = "ocds-unregistered-vendorwatch"
CURRENCY = "USD"
PUBLISHER = "vendorwatch, from USAspending.gov contract data"
API_EXPORT = API_TRANSACTION_EXPORT.name

_TRANSACTION_COLUMNS = (
    "contract_award_unique_key",
    "contract_transaction_unique_key",
    "award_id_piid",
    "parent_award_id_piid",
    "modification_number",
    "action_date",
    "federal_action_obligation",
    "transaction_description",
    "prime_award_base_transaction_description",
    "awarding_agency_code",
    "awarding_agency_name",
    "awarding_sub_agency_code",
    "awarding_sub_agency_name",
    "awarding_office_name",
    "recipient_name",
    "recipient_uei",
    "recipient_duns",
    "extent_competed_code",
    "extent_competed",
    "other_than_full_and_open_competition",
    "number_of_offers_received",
    "potential_total_value_of_award",
    "period_of_performance_start_date",
    "period_of_performance_current_end_date",
    "period_of_performance_potential_end_date",
    "usaspending_permalink",
    "source_sha256",
    "source_row",
    "family",
)
_SUMMARY_COLUMNS = (
    "contract_award_unique_key",
    "potential_total_value_of_award",
    "extent_competed_code",
    "extent_competed",
    "other_than_full_and_open_competition",
    "number_of_offers_received",
    "award_base_action_date",
    "period_of_performance_start_date",
    "period_of_performance_current_end_date",
    "period_of_performance_potential_end_date",
    "last_modified_date",
    "parent_award_id_piid",
    "parent_award_agency_id",
)
_MAX_EXACT = Decimal("1e13")  # 13 integer digits + 2 places = 15 significant digits


def amount(value: Decimal) -> float:
    """A JSON number that is exactly ``value`` when written by ``json`` (``repr`` of a float).

    Every decimal of at most 15 significant digits survives decimal → double → shortest repr
    unchanged; money above that (ten trillion dollars) is refused, not rounded.
    """
    number = float(value)
    if abs(value) >= _MAX_EXACT or Decimal(repr(number)) != value:
        raise VendorwatchError(f"amount {value} cannot be written exactly as a JSON number")
    return number


def _value(money: Decimal | None) -> dict[str, Any] | None:
    return None if money is None else {"amount": amount(money), "currency": CURRENCY}


def _datetime(day: date | None) -> str | None:
    """OCDS dates are date-times; the records have days, so midnight UTC of that day."""
    return None if day is None else f"{day.isoformat()}T00:00:00Z"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


def _period(start: date | None, end: date | None, max_extent: date | None) -> dict[str, str]:
    period = {"startDate": _datetime(start), "endDate": _datetime(end)}
    period["maxExtentDate"] = _datetime(max_extent)
    return {k: v for k, v in period.items() if v is not None}


def _buyer(row: dict[str, Any]) -> dict[str, Any]:
    name = row["awarding_sub_agency_name"] or row["awarding_agency_name"] or "unknown agency"
    code = row["awarding_sub_agency_code"] or row["awarding_agency_code"]
    party_id = f"US-agency-{code}" if code else f"US-agency-{_slug(name)}"
    return {"id": party_id, "name": name}


def _supplier(row: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    name = row["recipient_name"] or "recipient not named"
    ids = [
        {"scheme": scheme, "id": row[column]}
        for scheme, column in (("UEI", "recipient_uei"), ("DUNS", "recipient_duns"))
        if row[column]
    ]
    party_id = f"UEI-{row['recipient_uei']}" if row["recipient_uei"] else f"name-{_slug(name)}"
    return {"id": party_id, "name": name}, ids


def _first(rows: Iterable[dict[str, Any]], column: str) -> Any:
    """The latest non-null value of ``column`` (rows are in action order)."""
    found = [r[column] for r in rows if r[column] is not None]
    return found[-1] if found else None


def _tender(award_key: str, rows: list[dict[str, Any]], summary: dict[str, Any] | None) -> Any:
    record = summary or {
        c: _first(rows, c) if c in rows[0] else None
        for c in _SUMMARY_COLUMNS
        if c != "contract_award_unique_key"
    }
    has_field = summary is not None or any(r["layout"] != API_EXPORT for r in rows)
    competition = flag(
        record["extent_competed_code"],
        layout_has_field=has_field,
        sole_source_reason=record["other_than_full_and_open_competition"],
        offers_received=record["number_of_offers_received"],
    )
    tender: dict[str, Any] = {"id": f"{award_key}-tender", "status": "complete"}
    if competition.status is Competed.COMPETED:
        tender["procurementMethod"] = "open"
    elif competition.status is Competed.NOT_COMPETED:
        tender["procurementMethod"] = "direct"
    tender["procurementMethodDetails"] = competition.rule
    if competition.sole_source_reason:
        tender["procurementMethodRationale"] = competition.sole_source_reason
    if competition.offers_received is not None:
        tender["numberOfTenderers"] = int(competition.offers_received)
    potential = record["potential_total_value_of_award"]
    if potential is not None:
        tender["value"] = _value(potential)
    return tender, record


def related_processes(
    award_key: str, rows: list[dict[str, Any]], summary: dict[str, Any] | None, prefix: str
) -> list[dict[str, Any]]:
    """The agreement (IDV, BPA, IDIQ or schedule) an order was placed under, as a ``framework``
    related process: by the ocid its own release would have (``CONT_IDV_<piid>_<agency>``) where
    the parent agency is known, else by title only."""
    parent = _first(rows, "parent_award_id_piid") or (summary or {}).get("parent_award_id_piid")
    if not parent:
        return []
    agency = (summary or {}).get("parent_award_agency_id")
    parts = award_key.split("_")
    if not agency and award_key.startswith("CONT_AWD_") and len(parts) >= 6:
        agency = None if parts[-1] == "-NONE-" else parts[-1]
    process: dict[str, Any] = {
        "id": f"agreement-{parent}",
        "relationship": ["framework"],
        "title": f"Agreement {parent} (the IDV, BPA or schedule this order was placed under)",
    }
    if agency:
        process["scheme"] = "ocid"
        process["identifier"] = f"{prefix}-CONT_IDV_{parent}_{agency}"
    return [process]


def release(
    award_key: str,
    rows: list[dict[str, Any]],
    summary: dict[str, Any] | None,
    *,
    prefix: str = DEFAULT_OCID_PREFIX,
) -> dict[str, Any]:
    """One OCDS release for one award from its transactions (in action order) and summary."""
    if not rows:
        raise VendorwatchError(f"award {award_key} has no transactions in the warehouse")
    latest = rows[-1]
    buyer = _buyer(latest)
    supplier, supplier_ids = _supplier(latest)
    parties: dict[str, dict[str, Any]] = {}

    def party(ref: dict[str, Any], roles: Sequence[str], ids: list[dict[str, str]]) -> None:
        entry = parties.setdefault(ref["id"], {**ref, "roles": []})
        entry["roles"] += [r for r in roles if r not in entry["roles"]]
        if ids and "additionalIdentifiers" not in entry:
            entry["additionalIdentifiers"] = ids

    party(buyer, ["buyer", "payer"], [])
    party(supplier, ["supplier"], supplier_ids)
    transactions = []
    total = Decimal(0)
    for row in rows:
        payee, payee_ids = _supplier(row)
        payer = _buyer(row)
        party(payee, ["payee"], payee_ids)
        party(payer, ["payer"], [])
        obligation = row["federal_action_obligation"] or Decimal(0)
        total += obligation
        key = row["contract_transaction_unique_key"] or (
            f"{row['source_sha256'][:16]}-{row['source_row']}"
        )
        transaction = {
            "id": key,
            "date": _datetime(row["action_date"]),
            "value": _value(obligation),
            "payer": payer,
            "payee": payee,
        }
        if row["usaspending_permalink"]:
            transaction["uri"] = row["usaspending_permalink"]
        transactions.append(transaction)

    tender, record = _tender(award_key, rows, summary)
    first_day = min(r["action_date"] for r in rows)
    last_day = max(r["action_date"] for r in rows)
    period = _period(
        record["period_of_performance_start_date"],
        record["period_of_performance_current_end_date"],
        record["period_of_performance_potential_end_date"],
    )
    piid = latest["award_id_piid"]
    description = (
        _first(rows, "prime_award_base_transaction_description")
        or (rows[0]["transaction_description"])
    )
    award: dict[str, Any] = {
        "id": award_key,
        "title": piid,
        "date": _datetime(record.get("award_base_action_date") or first_day),
        "value": _value(total),
        "suppliers": [supplier],
    }
    contract: dict[str, Any] = {
        "id": award_key,
        "awardID": award_key,
        "title": piid,
        "value": _value(total),
        "dateSigned": _datetime(record.get("award_base_action_date") or first_day),
        "implementation": {"transactions": transactions},
    }
    if description:
        award["description"] = contract["description"] = description
    if period:
        award["contractPeriod"] = contract["period"] = period
    related = related_processes(award_key, rows, summary, prefix)
    return {
        "ocid": f"{prefix}-{award_key}",
        "id": f"{award_key}-{last_day.isoformat()}",
        "date": _datetime(last_day),
        "tag": ["tender", "award", "contract", "implementation"],
        "initiationType": "tender",
        "language": "en",
        "parties": list(parties.values()),
        "buyer": buyer,
        "tender": tender,
        "awards": [award],
        "contracts": [contract],
        **({"relatedProcesses": related} if related else {}),
    }


def _grouped(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def _transactions(con: Any, listed: ir.Table) -> dict[str, list[dict[str, Any]]]:
    """The listed awards' transactions (the listing a subquery: no list of keys in the SQL)."""
    facts = fact_table(con)
    files = con.table("source_files").select(_sha="sha256", layout="layout")
    t = facts.select(*_TRANSACTION_COLUMNS)
    t = t.filter(t.contract_award_unique_key.isin(listed.award_key))
    t = t.join(files, t.source_sha256 == files._sha).drop("_sha")
    ordered = t.order_by(["contract_award_unique_key", "action_date", "modification_number",
                          "source_sha256", "source_row"])  # fmt: skip
    return _grouped(engine.rows(ordered), "contract_award_unique_key")


def _summaries(con: Any, listed: ir.Table) -> dict[str, dict[str, Any]]:
    """Each award's latest award-summary record (by ``last_modified_date``), where loaded."""
    a = con.table("awards").select(*_SUMMARY_COLUMNS)
    a = a.filter(a.contract_award_unique_key.isin(listed.award_key))
    newest = ibis.window(
        group_by=a.contract_award_unique_key, order_by=[a.last_modified_date.desc()]
    )
    a = a.mutate(_n=ibis.row_number().over(newest)).filter(lambda r: r._n == 0).drop("_n")
    return {r["contract_award_unique_key"]: r for r in engine.rows(a)}


def _published(con: Any) -> str:
    """The package's date: the last load of the data it is made from (so it is reproducible)."""
    (row,) = con.con.execute("SELECT max(loaded_at) FROM source_files").fetchall()
    loaded: datetime | None = row[0]
    when = (loaded or datetime(1970, 1, 1)).replace(microsecond=0)
    return when.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def release_package(
    con: Any,
    filters: Filters,
    *,
    prefix: str = DEFAULT_OCID_PREFIX,
    sort: str = "obligations",
    descending: bool = True,
    limit: int | None = None,
    uri: str | None = None,
) -> dict[str, Any]:
    """An OCDS 1.1 release package of the awards `browse.awards` lists for ``filters``.

    Filters choose the awards; each release then carries the award's whole history (every
    transaction), not only the transactions inside the filter (a fiscal year, say).
    """
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]*", prefix):
        raise VendorwatchError(f"OCID prefix {prefix!r} must be letters, digits and hyphens")
    if filters.get("family") and not has_resolutions(con):
        raise VendorwatchError("the warehouse is not resolved yet; run `vendorwatch resolve --all`")
    listed = award_expr(con, filters, sort=sort, descending=descending, limit=limit)
    keys = [str(k) for k in engine.values(listed.award_key)]
    transactions = _transactions(con, listed) if keys else {}
    summaries = _summaries(con, listed) if keys else {}
    releases = [
        release(key, transactions[key], summaries.get(key), prefix=prefix)
        for key in keys
        if key in transactions
    ]
    digest = hashlib.sha256("\n".join(r["id"] for r in releases).encode()).hexdigest()[:16]
    return {
        "uri": uri or f"urn:vendorwatch:ocds:{prefix}:{digest}",
        "version": OCDS_VERSION,
        "publishedDate": _published(con),
        "publisher": {"name": PUBLISHER},
        "releases": releases,
    }


def write_ocds(package: dict[str, Any], path: Path) -> int:
    """Write the package as UTF-8 JSON; returns the number of releases."""
    text = json.dumps(package, indent=1, ensure_ascii=False, allow_nan=False)
    Path(path).write_text(text + "\n", encoding="utf-8")
    return len(package["releases"])
