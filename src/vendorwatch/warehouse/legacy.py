"""Contract files from before today's layout: the 2017-2019 bulk downloads and older names.

The 2017-2019 USAspending bulk files carry today's column names but no unique keys and no UEI
(DUNS only); files older still use the names the crosswalk lists as legacy
(``legacy_columns.yaml``). Both load into ``transactions``: old names are mapped to today's,
and the keys a file lacks are derived the way USAspending builds them, as its data dictionary
(element ContractTransactionUniqueKey / PrimeAwardUniqueKey) defines them:

- transaction key: agencyID, Referenced IDV Agency Identifier, PIID, modification number,
  parent award id and transaction number joined by ``_``, a blank part written ``-NONE-``
  (for an IDV only agencyID, PIID and modification count; the rest are ``-NONE-``);
- award key: ``CONT_AWD_`` + PIID, agencyID, parent award id and referenced IDV agency, or
  ``CONT_IDV_`` + PIID and agencyID for an IDV.

agencyID (the agency that reported the action to FPDS) is not a download column; the awarding
sub-tier agency code stands in for it (they agree for every award of the real ICE summaries).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from vendorwatch.yamlload import safe_load


@dataclass(frozen=True)
class LegacyColumn:
    column: str  # the warehouse column
    legacy: tuple[str, ...]  # old header names, as the crosswalk spells them
    part: str | None  # "code" or "name" of a "code: name" value, or None for the whole value


@cache
def legacy_columns() -> dict[str, LegacyColumn]:
    text = resources.files(__package__).joinpath("legacy_columns.yaml").read_text("utf-8")
    data = safe_load(text)
    return {
        column: LegacyColumn(column, tuple(spec["legacy"]), spec.get("part"))
        for column, spec in data["columns"].items()
    }


def _spellings(names: Iterable[str]) -> tuple[str, ...]:
    """Old files wrote the crosswalk's names in any case (``VendorName``, ``vendorname``)."""
    out: list[str] = []
    for name in names:
        out.extend(n for n in (name, name.lower()) if n not in out)
    return tuple(out)


def legacy_fields() -> dict[str, tuple[str, ...]]:
    """Warehouse column -> old headers whose whole value it takes."""
    return {c.column: _spellings(c.legacy) for c in legacy_columns().values() if c.part is None}


def _header(headers: list[str], candidates: Iterable[str]) -> str | None:
    present = set(headers)
    return next((h for h in candidates if h in present), None)


def _part_sql(header: str, part: str) -> str:
    value = f"nullif(trim({{{header}}}), '')"
    if part == "code":
        return f"nullif(trim(split_part({value}, ':', 1)), '')"
    return (
        f"CASE WHEN strpos({value}, ':') > 0 "
        f"THEN nullif(trim(substr({value}, strpos({value}, ':') + 1)), '') ELSE {value} END"
    )


def legacy_parts(headers: list[str]) -> dict[str, str]:
    """Warehouse column -> SQL taking the code or the name out of an old "code: name" column."""
    found: dict[str, str] = {}
    for c in legacy_columns().values():
        header = _header(headers, _spellings(c.legacy)) if c.part else None
        if header is not None and c.part is not None:
            found[c.column] = _part_sql(header, c.part)
    return found


# The inputs of the keys: today's header first, then the crosswalk's old names.
_KEY_INPUTS = {
    "agency": ("awarding_sub_agency_code",),
    "idv_agency": ("parent_award_agency_id",),
    "piid": ("award_id_piid", "piid"),
    "mod": ("modification_number", "modnumber"),
    "parent": ("parent_award_id_piid", "idvpiid"),
    "number": ("transaction_number", "transactionnumber"),
}


def key_sql(headers: list[str], parts: dict[str, str]) -> dict[str, str]:
    """SQL for the unique keys (and the IDV flag they depend on) over a file's own headers."""

    def value(name: str) -> str:
        if name == "agency" and "awarding_sub_agency_code" in parts:  # "7012: ICE" columns
            return parts["awarding_sub_agency_code"]
        header = _header(headers, _KEY_INPUTS[name])
        return "NULL" if header is None else f"nullif(trim({{{header}}}), '')"

    def part(name: str) -> str:
        return f"coalesce(upper({value(name)}), '-NONE-')"

    idv_type = _header(headers, ("idv_type_code",))
    award_type = _header(headers, ("award_type_code",))
    is_idv = (
        f"(nullif(trim({{{idv_type}}}), '') IS NOT NULL"
        + (f" AND nullif(trim({{{award_type}}}), '') IS NULL)" if award_type else ")")
        if idv_type
        else "false"
    )
    agency, piid, mod = part("agency"), part("piid"), part("mod")
    award = f"concat_ws('_', {piid}, {agency}, {part('parent')}, {part('idv_agency')})"
    tx = (
        f"concat_ws('_', {agency}, {part('idv_agency')}, {piid}, {mod}, "
        f"{part('parent')}, {part('number')})"
    )
    tx_idv = f"concat_ws('_', {agency}, '-NONE-', {piid}, {mod}, '-NONE-', '-NONE-')"
    return {
        "contract_award_unique_key": (
            f"CASE WHEN {value('piid')} IS NULL THEN NULL WHEN {is_idv} "
            f"THEN 'CONT_IDV_' || concat_ws('_', {piid}, {agency}) ELSE 'CONT_AWD_' || {award} END"
        ),
        "contract_transaction_unique_key": (
            f"CASE WHEN {value('piid')} IS NULL THEN NULL WHEN {is_idv} THEN {tx_idv} ELSE {tx} END"
        ),
    }


def derive_bulk_2017(headers: list[str]) -> dict[str, str]:
    """What a 2017-2019 bulk file lacks: its unique keys."""
    return key_sql(headers, {})


def derive_legacy(headers: list[str]) -> dict[str, str]:
    """What an old-name file needs: the code and name parts, and the keys."""
    parts = legacy_parts(headers)
    return {**parts, **key_sql(headers, parts)}
