"""FPDS ATOM feeds (the government's own near-real-time contract feed) into ``transactions``.

A feed page is Atom XML whose entries each hold one FPDS record (``award`` or ``IDV``) in the
FPDS namespace, written either with prefixes (``ns0:feed``, ``ns1:award``) or with Atom as the
default namespace; both are read by local name. The XML is parsed with defusedxml (no entity
expansion, no external references). Each record becomes one transaction with the same columns
the bulk files fill; its unique keys are built from the record's own agencyID by the data
dictionary's rule (`vendorwatch.warehouse.legacy`), so a transaction loaded from FPDS and the
same one from USAspending share a key. The rows then go through the loader's checks and its
single-transaction insert, as a CSV's do.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml  # type: ignore[import-untyped]
import duckdb
from defusedxml import DefusedXmlException

from vendorwatch.errors import BadInputError, Location
from vendorwatch.warehouse import recordcount
from vendorwatch.warehouse.dates import DateConvention
from vendorwatch.warehouse.layouts import FPDS_ATOM, agency_abbreviations
from vendorwatch.warehouse.schema import TRANSACTIONS
from vendorwatch.warehouse.sniff import Sniffed, content_sha256, is_gzip, open_binary

ATOM = "http://www.w3.org/2005/Atom"

# Warehouse column -> path under the record ("@attr" takes an attribute of the element).
PATHS: dict[str, str] = {
    "award_id_piid": "awardID/awardContractID/PIID",
    "modification_number": "awardID/awardContractID/modNumber",
    "transaction_number": "awardID/awardContractID/transactionNumber",
    "parent_award_id_piid": "awardID/referencedIDVID/PIID",
    "action_date": "relevantContractDates/signedDate",
    "period_of_performance_start_date": "relevantContractDates/effectiveDate",
    "period_of_performance_current_end_date": "relevantContractDates/currentCompletionDate",
    "period_of_performance_potential_end_date": "relevantContractDates/ultimateCompletionDate",
    "federal_action_obligation": "dollarValues/obligatedAmount",
    "total_dollars_obligated": "totalDollarValues/totalObligatedAmount",
    "current_total_value_of_award": "totalDollarValues/totalBaseAndExercisedOptionsValue",
    "potential_total_value_of_award": "totalDollarValues/totalBaseAndAllOptionsValue",
    "awarding_sub_agency_code": "purchaserInformation/contractingOfficeAgencyID",
    "awarding_sub_agency_name": "purchaserInformation/contractingOfficeAgencyID@name",
    "awarding_agency_name": "purchaserInformation/contractingOfficeAgencyID@departmentName",
    "awarding_office_code": "purchaserInformation/contractingOfficeID",
    "awarding_office_name": "purchaserInformation/contractingOfficeID@name",
    "funding_agency_name": "purchaserInformation/fundingRequestingAgencyID@departmentName",
    "funding_sub_agency_name": "purchaserInformation/fundingRequestingAgencyID@name",
    "award_type_code": "contractData/contractActionType",
    "action_type_code": "contractData/reasonForModification",
    "type_of_contract_pricing_code": "contractData/typeOfContractPricing",
    "transaction_description": "contractData/descriptionOfContractRequirement",
    "product_or_service_code": "productOrServiceInformation/productOrServiceCode",
    "product_or_service_code_description": (
        "productOrServiceInformation/productOrServiceCode@description"
    ),
    "naics_code": "productOrServiceInformation/principalNAICSCode",
    "naics_description": "productOrServiceInformation/principalNAICSCode@description",
    "recipient_name": "vendor/vendorHeader/vendorName",
    "recipient_uei": "vendor/vendorSiteDetails/entityIdentifiers/vendorUEIInformation/UEI",
    "recipient_parent_uei": (
        "vendor/vendorSiteDetails/entityIdentifiers/vendorUEIInformation/ultimateParentUEI"
    ),
    "recipient_parent_name": (
        "vendor/vendorSiteDetails/entityIdentifiers/vendorUEIInformation/ultimateParentUEIName"
    ),
    "recipient_duns": "vendor/vendorSiteDetails/entityIdentifiers/vendorDUNSInformation/DUNSNumber",
    "recipient_parent_duns": (
        "vendor/vendorSiteDetails/entityIdentifiers/vendorDUNSInformation/globalParentDUNSNumber"
    ),
    "cage_code": "vendor/vendorSiteDetails/entityIdentifiers/cageCode",
    "primary_place_of_performance_state_code": (
        "placeOfPerformance/principalPlaceOfPerformance/stateCode"
    ),
    "primary_place_of_performance_country_code": (
        "placeOfPerformance/principalPlaceOfPerformance/countryCode"
    ),
    "extent_competed_code": "competition/extentCompeted",
    "extent_competed": "competition/extentCompeted@description",
    "solicitation_procedures_code": "competition/solicitationProcedures",
    "type_of_set_aside_code": "competition/typeOfSetAside",
    "fair_opportunity_limited_sources_code": "competition/statutoryExceptionToFairOpportunity",
    "other_than_full_and_open_competition_code": "competition/reasonNotCompeted",
    "number_of_offers_received": "competition/numberOfOffersReceived",
    "last_modified_date": "transactionInformation/lastModifiedDate",
}
# An IDV record names itself under contractID/IDVID instead of awardID/awardContractID.
_IDV_PATHS = {
    "award_id_piid": "contractID/IDVID/PIID",
    "modification_number": "contractID/IDVID/modNumber",
}
# Where a record lacks the first path, the next that names the same thing.
_FALLBACKS = {
    "recipient_name": (
        "vendor/vendorSiteDetails/entityIdentifiers/vendorUEIInformation/UEILegalBusinessName",
        "vendor/vendorSiteDetails/entityIdentifiers/vendorDUNSInformation/vendorName",
    ),
}
_KEYS = ("contract_transaction_unique_key", "contract_award_unique_key")
_KEY_SOURCE = "built from awardID: agencyID, PIID, modNumber, transactionNumber, referencedIDVID"


def is_atom_feed(path: Path) -> bool:
    """An XML file whose root is an Atom feed (looked for in its first 4 KB)."""
    try:
        with open_binary(path) as handle:
            start = handle.read(4096)
    except OSError:
        return False
    return start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and ATOM.encode() in start


def _find(record: Element, path: str) -> str | None:
    """The stripped text (or attribute) at ``path``, any namespace; None when absent/blank."""
    element_path, _, attribute = path.partition("@")
    element = record.find("/".join(f"{{*}}{part}" for part in element_path.split("/")))
    if element is None:
        return None
    value = element.get(attribute) if attribute else element.text
    return (value or "").strip() or None


def _none(value: str | None) -> str:
    return (value or "").upper() or "-NONE-"


def _keys(record: Element, is_idv: bool) -> dict[str, str]:
    """The unique keys by the data dictionary's rule, from the record's own agencyID."""
    base = "contractID/IDVID" if is_idv else "awardID/awardContractID"
    agency = _find(record, f"{base}/agencyID")
    piid, mod = _find(record, f"{base}/PIID"), _find(record, f"{base}/modNumber")
    if is_idv:
        return {
            "contract_transaction_unique_key": "_".join(
                _none(v) for v in (agency, None, piid, mod, None, None)
            ),
            "contract_award_unique_key": f"CONT_IDV_{_none(piid)}_{_none(agency)}",
        }
    idv_agency = _find(record, "awardID/referencedIDVID/agencyID")
    parent = _find(record, "awardID/referencedIDVID/PIID")
    number = _find(record, f"{base}/transactionNumber")
    parts = (agency, idv_agency, piid, mod, parent, number)
    return {
        "contract_transaction_unique_key": "_".join(_none(v) for v in parts),
        "contract_award_unique_key": "CONT_AWD_"
        + "_".join(_none(v) for v in (piid, agency, parent, idv_agency)),
    }


def _sub_agency_names() -> dict[str, str]:
    """USAspending's sub-tier names by code, so FPDS's capitals match the bulk files' names."""
    return {a.sub_agency_code: a.sub_agency_name for a in agency_abbreviations()}


def read_feed(path: Path) -> list[dict[str, str | None]]:
    """One row (warehouse column -> text) per record of the feed, in feed order."""
    return [row for _, row in _read_entries(path)]


def _read_entries(path: Path) -> list[tuple[int, dict[str, str | None]]]:
    """Each record's row with the number of the entry it is in (1-based)."""
    try:
        with open_binary(path) as handle:
            root = safe_xml.parse(handle).getroot()
    except ParseError as exc:
        line, offset = exc.position
        where = Location(path, line, offset + 1)
        raise BadInputError(f"not well-formed XML: {exc.msg}", where) from None
    except DefusedXmlException as exc:
        raise BadInputError(f"refused XML: {exc}", Location(path)) from None
    names = _sub_agency_names()
    rows: list[tuple[int, dict[str, str | None]]] = []
    for number, entry in enumerate(root.iter(f"{{{ATOM}}}entry"), start=1):
        for content in entry.iter(f"{{{ATOM}}}content"):
            for record in content:
                kind = record.tag.rpartition("}")[2]
                if kind not in {"award", "IDV"}:
                    continue
                is_idv = kind == "IDV"
                paths = {**PATHS, **_IDV_PATHS} if is_idv else PATHS
                row = {column: _find(record, p) for column, p in paths.items()}
                for column, others in _FALLBACKS.items():
                    for other in others:
                        row[column] = row[column] or _find(record, other)
                row.update(_keys(record, is_idv))
                code = row["awarding_sub_agency_code"]
                if code in names:
                    row["awarding_sub_agency_name"] = names[code]
                rows.append((number, row))
    return rows


def _confirm_entries(
    path: Path, entries: list[tuple[int, dict[str, str | None]]], counted: recordcount.EntryCensus
) -> None:
    """Fail unless the records read are the feed's entries, one each, as counted apart: a
    record of another kind, or two in one entry, would load a feed partly and say nothing."""
    if [number for number, _ in entries] == list(range(1, counted.records + 1)):
        return
    per_entry = Counter(number for number, _ in entries)
    first = next(
        (n for n in range(1, counted.records + 1) if per_entry[n] != 1), counted.records + 1
    )
    line = counted.lines[first - 1] if first <= counted.records else None
    held = per_entry[first]
    what = "no award or IDV record" if held == 0 else f"{held} records"
    raise BadInputError(
        f"the feed has {counted.records:,} <entry> elements (counted as the XML streams by) "
        f"but {len(entries):,} FPDS award or IDV records were read from it; they part at "
        f"entry {first:,}, which holds {what}; nothing from this feed was loaded",
        Location(path, line),
    )


def load_feed(con: duckdb.DuckDBPyConnection, path: Path) -> Any:
    """Load one feed page atomically, as `vendorwatch.warehouse.loader.load_file` loads a CSV."""
    from vendorwatch.warehouse import loader  # noqa: PLC0415 - the loader imports this module

    started = time.perf_counter()
    sha = content_sha256(path)
    previous = con.execute(
        "SELECT file_name, loaded_at FROM source_files WHERE sha256 = ?", [sha]
    ).fetchall()
    if previous:
        name, at = previous[0]
        return loader.LoadResult(
            path=path,
            status="already loaded",
            layout=FPDS_ATOM.name,
            table=TRANSACTIONS.name,
            sha256=sha,
            seconds=time.perf_counter() - started,
            already_loaded_as=f"as {name} at {at.isoformat(timespec='seconds')} UTC",
        )
    entries = _read_entries(path)
    if not entries:
        raise BadInputError("the Atom feed holds no FPDS award or IDV records", Location(path))
    counted = recordcount.count_entries(path)  # apart from the reading: a record per entry
    _confirm_entries(path, entries, counted)
    rows = [row for _, row in entries]
    columns = [*PATHS, *_KEYS]
    staged = {f"c{i}": column for i, column in enumerate(columns)}
    plan = loader._Plan(
        staged={name: PATHS.get(column, _KEY_SOURCE) for name, column in staged.items()},
        sources={column: name for name, column in staged.items()},
        derived={},
        missing=[],
    )
    stage = f"vw_stage_{uuid.uuid4().hex}"
    con.execute(f"CREATE TEMP TABLE {stage} ({', '.join(f'{n} VARCHAR' for n in staged)})")
    try:
        con.executemany(
            f"INSERT INTO {stage} VALUES ({', '.join('?' for _ in staged)})",
            [[row.get(column) for column in columns] for row in rows],
        )
        bad = loader._first_bad_value(con, FPDS_ATOM, plan, stage, DateConvention.ISO)
        if bad is not None:
            record, column, raw, _ = bad
            piid = rows[record - 1].get("award_id_piid")
            raise BadInputError(
                f"entry {record} (PIID {piid}): {raw!r} is not "
                f"{loader.EXPECTED[TRANSACTIONS.columns[column]]}; nothing from this feed was "
                "loaded",
                Location(path, column_name=PATHS[column]),
            )
        sniffed = Sniffed(path, "gzip" if is_gzip(path) else "none", "", columns, sha)
        count = loader._insert(
            con,
            layout=FPDS_ATOM,
            plan=plan,
            sniffed=sniffed,
            stage=stage,
            convention=DateConvention.ISO,
            progress=None,
            # The feed's entries, counted apart from its reading: what the rows written must
            # number (checked just before COMMIT).
            census=counted.as_census(),
        )
    finally:
        con.execute(f"DROP TABLE IF EXISTS {stage}")
    return loader.LoadResult(
        path=path,
        status="loaded",
        layout=FPDS_ATOM.name,
        table=TRANSACTIONS.name,
        rows=count,
        sha256=sha,
        date_convention=DateConvention.ISO.value,
        seconds=time.perf_counter() - started,
    )
