"""A warehouse corrected by a USAspending delta file, shared by the delta-file test and the
Spark engine's corrections test.

Real rows of the FY2025 ICE/CBP export are written into today's PrimeTransactions layout (keys
made by the data dictionary's rule), then a delta file in USAspending's own shape
(``populate_monthly_delta_files``: correction_delete_ind and agency_id first; a deletion
carries only the key's parts and its date) corrects two amounts, adds a transaction and
deletes one. ``expected`` holds each award's total after it, summed with the csv module and
Decimal from the rows written here, applying the delta the way USAspending does.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from tests.warehouse.helpers import read_rows, real_files, write_rows
from vendorwatch.build import ensure_derived
from vendorwatch.warehouse import load_file, open_warehouse

KEY_PARTS = (
    "agency_id",
    "parent_award_agency_id",
    "award_id_piid",
    "modification_number",
    "parent_award_id_piid",
    "transaction_number",
    "contract_transaction_unique_key",
)


def _columns(raw: Path) -> list[str]:
    path = raw / "usaspending-api/bulk_download_Contracts_PrimeTransactions_columns.csv"
    return [row[1] for row in read_rows(path)[1]]


def _bulk_rows(raw: Path, columns: list[str], count: int) -> list[dict[str, str]]:
    """Real export rows in the bulk layout, one per key (the export repeats a few)."""
    header, rows = read_rows(real_files(raw)["FY2025"])
    at = {name: header.index(name) for name in header}
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        # CONT_AWD_<piid>_<agency>_<parent piid>_<parent agency>
        _, _, piid, agency, parent, parent_agency = row[at["Generated Award ID"]].split("_")
        mod = row[at["Modification"]] or "0"
        key = f"{agency}_{parent_agency}_{piid}_{mod}_{parent}_0".upper()
        values = dict.fromkeys(columns, "")
        values.update(
            contract_transaction_unique_key=key,
            contract_award_unique_key=row[at["Generated Award ID"]],
            award_id_piid=piid,
            modification_number=mod,
            parent_award_id_piid="" if parent == "-NONE-" else parent,
            transaction_number="0",
            federal_action_obligation=row[at["Federal Action Obligation"]],
            action_date=row[at["Action Date"]],
            recipient_name=row[at["Recipient Name"]],
            transaction_description=row[at["Transaction Description"]],
            last_modified_date="2025-06-01",
        )
        values["agency_id"] = agency  # only the delta file has this column
        out.setdefault(key, values)
        if len(out) == count:
            break
    return list(out.values())


def _totals(path: Path) -> dict[str, Decimal]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    totals: dict[str, Decimal] = {}
    for row in rows:
        award = row["contract_award_unique_key"]
        totals[award] = totals.get(award, Decimal(0)) + Decimal(row["federal_action_obligation"])
    return totals


@dataclass(frozen=True)
class DeltaScenario:
    warehouse: Path
    base: Path  # the first file: every transaction once
    delta: Path  # the delta file: two corrections, one addition, one deletion
    rows: list[dict[str, str]]  # the base file's rows
    by_key: dict[str, dict[str, str]]  # what counts after the delta, by transaction key
    expected: dict[str, Decimal]  # each award's total after the delta (csv + Decimal)
    base_totals: dict[str, Decimal]  # each award's total before it
    fix_c: dict[str, str]  # corrected by a row marked C
    fix_blank: dict[str, str]  # corrected by a row with no indicator
    gone: dict[str, str]  # deleted


def corrected_warehouse(raw: Path, folder: Path) -> DeltaScenario:
    """Load the base file, then the delta, into ``folder``/w.duckdb, derived."""
    columns = _columns(raw)
    rows = _bulk_rows(raw, columns, 400)
    base = write_rows(
        folder / "Contracts_PrimeTransactions_1.csv",
        columns,
        [[r[c] for c in columns] for r in rows],
    )
    # Awards with two or more transactions: one loses one, two have one corrected.
    per_award = Counter(r["contract_award_unique_key"] for r in rows)
    multi = [r for r in rows if per_award[r["contract_award_unique_key"]] >= 2]
    awards = list(dict.fromkeys(r["contract_award_unique_key"] for r in multi))[:3]
    fix_c, fix_blank, gone = (
        next(r for r in multi if r["contract_award_unique_key"] == a) for a in awards
    )

    delta_header = ["correction_delete_ind", "agency_id", *columns]
    july = {"last_modified_date": "2025-07-01"}
    more = Decimal(fix_c["federal_action_obligation"]) + Decimal("1234.56")
    corrected_c = {**fix_c, **july, "federal_action_obligation": str(more)}
    corrected_blank = {**fix_blank, **july, "federal_action_obligation": "-17.03"}
    new_key = fix_blank["contract_transaction_unique_key"].replace(
        f"_{fix_blank['modification_number']}_", "_P09999_"
    )
    added = {**fix_blank, **july, "modification_number": "P09999",
             "federal_action_obligation": "555.55",
             "contract_transaction_unique_key": new_key}  # fmt: skip
    deletion = dict.fromkeys(delta_header, "")
    deletion.update({k: gone[k] for k in KEY_PARTS}, last_modified_date="2025-07-02")
    delta_rows = [
        ["C", *(corrected_c[c] for c in delta_header[1:])],
        ["", *(corrected_blank[c] for c in delta_header[1:])],
        ["", *(added[c] for c in delta_header[1:])],
        ["D", *(deletion[c] for c in delta_header[1:])],
    ]
    delta = write_rows(
        folder / "FY(All)_070_Contracts_Delta_20250702.csv", delta_header, delta_rows
    )

    # USAspending's result, worked out here: replace by key, add the new key, drop the D key.
    by_key = {r["contract_transaction_unique_key"]: r for r in rows}
    for row in (corrected_c, corrected_blank, added):
        by_key[row["contract_transaction_unique_key"]] = row
    del by_key[gone["contract_transaction_unique_key"]]
    expected_file = write_rows(
        folder / "expected.csv", columns, [[r[c] for c in columns] for r in by_key.values()]
    )
    expected = _totals(expected_file)

    warehouse = folder / "w.duckdb"
    con = open_warehouse(warehouse)
    assert load_file(con, base).rows == len(rows)
    result = load_file(con, delta)
    assert (result.layout, result.rows) == ("usaspending_prime_transactions_delta", 4)
    ensure_derived(con, rows_changed=True)
    con.close()
    return DeltaScenario(
        warehouse=warehouse,
        base=base,
        delta=delta,
        rows=rows,
        by_key=by_key,
        expected=expected,
        base_totals=_totals(base),
        fix_c=fix_c,
        fix_blank=fix_blank,
        gone=gone,
    )
