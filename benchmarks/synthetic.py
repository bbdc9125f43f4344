"""A SYNTHETIC USAspending Contracts PrimeTransactions file, for scale benchmarks only.

There is no real PrimeTransactions file in ``../shared/data/raw``, and the real files are far
smaller than a full download. This builds one of any size from the real rows' distributions,
entirely in DuckDB SQL (one ``COPY ... TO``), never a Python loop over rows:

- each synthetic row samples, with replacement, one real transaction from
  ``cbp-ice-dashboard/*.csv.gz`` (API export: amount, action date, modification, recipient name,
  PIID and award key, PSC / NAICS / transaction descriptions, CBP or ICE);
- and, independently, one real award summary from ``mn-ice-contracts/*PrimeAwardSummaries*``
  for every other column the two layouts share (offices, funding agency, UEIs, PSC / NAICS
  codes, extent_competed_code, pricing, set-aside, place of performance …). Its period dates
  are written ISO (as the bulk download writes them, not the spreadsheet's ``m/d/yy``) and
  shifted to keep their distance from the award's base action date;
- columns neither source has (action_type_code, undefinitized_action, initial_report_date …)
  stay empty.

The column names and order are the official 297 of the bulk download, read at run time from
``usaspending-api/bulk_download_Contracts_PrimeTransactions_columns.csv``.

It says it is synthetic: the file name starts ``SYNTHETIC_`` and every
``contract_transaction_unique_key`` starts ``SYNTHETIC_<row>_`` (so keys are unique). A sidecar
``.json`` manifest records how it was made. Pairs of values from the two sources are random, so a
row's recipient UEI and recipient name, or PSC code and PSC description, need not agree.

    python benchmarks/synthetic.py --rows 1000000 -o benchmarks/out/SYNTHETIC_x.csv
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import duckdb
import typer

GENERATOR_VERSION = 1
OUT = Path(__file__).resolve().parent / "out"
KEY_PREFIX = "SYNTHETIC_"
COLUMNS_FILE = Path("usaspending-api") / "bulk_download_Contracts_PrimeTransactions_columns.csv"
TRANSACTIONS_GLOB = "cbp-ice-dashboard/*.csv.gz"
AWARDS_GLOB = "mn-ice-contracts/*PrimeAwardSummaries*.csv*"

# The award date every other award date is measured from (then re-anchored on the action date).
_ANCHOR = "award_base_action_date"
_SLASH_DATE = r"^\d{1,2}/\d{1,2}/\d{2}(\d{2})?( \d{1,2}:\d{2}(:\d{2})?)?$"
_GENERATED_ID = r"^CONT_AWD_(.+)_([^_]+)_(.+)_([^_]+)$"


def find_raw() -> Path:
    """``../shared/data/raw`` beside the checkout (as CI lays it out) or the current directory."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (
        here.parent / "shared" / "data" / "raw",
        Path.cwd() / ".." / "shared" / "data" / "raw",
    ):
        if candidate.is_dir():
            return candidate.resolve()
    raise SystemExit("../shared/data/raw not found: the generator samples the real files there")


def transaction_columns(raw: Path) -> list[str]:
    """The 297 bulk-download PrimeTransactions column names, in order."""
    with (raw / COLUMNS_FILE).open(encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: int(r["position"]))
    return [r["column_name"] for r in rows]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _agencies() -> dict[str, dict[str, str]]:
    """CBP / ICE → their codes and names, from the package's curated (sourced) list."""
    from vendorwatch.warehouse.layouts import agency_abbreviations  # noqa: PLC0415

    return {a.abbreviation: a.model_dump() for a in agency_abbreviations()}


def _agency_sql(attribute: str) -> str:
    arms = " ".join(
        f"WHEN {_lit(abbr)} THEN {_lit(info[attribute])}" for abbr, info in _agencies().items()
    )
    return f'CASE upper(trim(t."Agency")) {arms} END'


def _date_columns(con: duckdb.DuckDBPyConnection, columns: list[str]) -> list[str]:
    """Award columns whose every value is a spreadsheet date (``m/d/yy`` [``h:mm``])."""
    found = []
    for column in columns:
        c = _ident(column)
        filled, slashed = con.execute(
            f"SELECT count({c}), count(*) FILTER (WHERE regexp_matches({c}, {_lit(_SLASH_DATE)})) "
            "FROM aw"
        ).fetchone() or (0, 0)
        if filled and filled == slashed:
            found.append(column)
    return found


def _award_source(name: str, award_columns: set[str]) -> str | None:
    """The award-summary column holding the same element as transaction column ``name``."""
    renames = {
        "total_dollars_obligated": "total_obligated_amount",
        "total_outlayed_amount_for_overall_award": "total_outlayed_amount",
    }
    candidates = [
        name,
        renames.get(name, ""),
        name.removesuffix("_for_overall_award"),
        name.replace("prime_award_transaction_", "prime_award_summary_"),
    ]
    return next((c for c in candidates if c and c in award_columns), None)


def _select_list(columns: list[str], award_columns: list[str], award_dates: list[str]) -> list[str]:
    action_date = 'CAST(t."Action Date" AS DATE)'
    amount = 'CAST(CAST(t."Federal Action Obligation" AS DECIMAL(18,2)) AS VARCHAR)'
    gen = 't."Generated Award ID"'

    def part(n: int) -> str:
        return f"regexp_extract({gen}, {_lit(_GENERATED_ID)}, {n})"

    real_like_key = (
        f"{part(2)} || '_' || {part(4)} || '_' || {part(1)} || '_' || "
        f"coalesce(t.\"Modification\", '0') || '_' || {part(3)} || '_0'"
    )
    from_transaction = {
        "contract_transaction_unique_key": f"{_lit(KEY_PREFIX)} || s.i || '_' || {real_like_key}",
        "contract_award_unique_key": gen,
        "award_id_piid": 't."Award ID"',
        "modification_number": 't."Modification"',
        "transaction_number": "'0'",
        "parent_award_agency_id": f"nullif({part(4)}, '-NONE-')",
        "parent_award_id_piid": f"nullif({part(3)}, '-NONE-')",
        "federal_action_obligation": amount,
        "base_and_exercised_options_value": amount,
        "base_and_all_options_value": amount,
        "action_date": f"strftime({action_date}, '%Y-%m-%d')",
        "action_date_fiscal_year": (
            f"CAST(year({action_date}) + (month({action_date}) >= 10)::INTEGER AS VARCHAR)"
        ),
        "awarding_agency_code": _agency_sql("agency_code"),
        "awarding_agency_name": _agency_sql("agency_name"),
        "awarding_sub_agency_code": _agency_sql("sub_agency_code"),
        "awarding_sub_agency_name": _agency_sql("sub_agency_name"),
        "recipient_name": 't."Recipient Name"',
        "recipient_name_raw": 't."Recipient Name"',
        "product_or_service_code_description": 't."Product/Service Description"',
        "naics_description": 't."NAICS Description"',
        "transaction_description": 't."Transaction Description"',
        "prime_award_base_transaction_description": 't."Transaction Description"',
        "usaspending_permalink": f"'https://www.usaspending.gov/award/' || {gen} || '/'",
    }
    award_set = set(award_columns)
    anchor = f"try_strptime(a.{_ident(_ANCHOR)}, ['%m/%d/%y %H:%M', '%m/%d/%y'])"
    select = []
    for name in columns:
        if name in from_transaction:
            expr = from_transaction[name]
        elif (source := _award_source(name, award_set)) is None:
            expr = "NULL"
        elif source == "last_modified_date":  # a record date: not moved, never before the action
            value = f"try_strptime(a.{_ident(source)}, ['%m/%d/%y %H:%M', '%m/%d/%y'])"
            expr = f"strftime(greatest({action_date}, CAST({value} AS DATE)), '%Y-%m-%d')"
        elif source in award_dates:
            value = f"try_strptime(a.{_ident(source)}, ['%m/%d/%y %H:%M', '%m/%d/%y'])"
            shifted = f"({action_date} + CAST(date_diff('day', {anchor}, {value}) AS INTEGER))"
            # The bulk files write this one as a timestamp, the others as dates.
            fmt = "%Y-%m-%d 00:00:00" if name.endswith("potential_end_date") else "%Y-%m-%d"
            expr = f"strftime({shifted}, '{fmt}')"
        else:
            expr = f"a.{_ident(source)}"
        select.append(f"{expr} AS {_ident(name)}")
    return select


def generate(
    rows: int, out: Path, *, raw: Path | None = None, seed: int = 0, threads: int | None = None
) -> Path:
    """Write ``rows`` synthetic PrimeTransactions rows to ``out`` (``.gz`` suffix: gzip)."""
    if not out.name.startswith(KEY_PREFIX):
        raise ValueError(f"a synthetic file's name must start with {KEY_PREFIX}: {out.name}")
    raw = raw or find_raw()
    columns = transaction_columns(raw)
    tx_files = sorted(str(p) for p in raw.glob(TRANSACTIONS_GLOB))
    aw_files = sorted(str(p) for p in raw.glob(AWARDS_GLOB))
    if not tx_files or not aw_files:
        raise SystemExit(f"real files missing under {raw}: {TRANSACTIONS_GLOB}, {AWARDS_GLOB}")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    listed = ", ".join(_lit(f) for f in tx_files)
    con.execute(
        f"CREATE TABLE tx0 AS SELECT * FROM read_csv([{listed}], all_varchar = true, "
        "union_by_name = true)"
    )
    con.execute("CREATE TABLE tx AS SELECT rowid AS k, * FROM tx0")
    con.execute(
        f"CREATE TABLE aw0 AS SELECT * FROM read_csv({_lit(aw_files[0])}, all_varchar = true)"
    )
    con.execute("CREATE TABLE aw AS SELECT rowid AS k, * FROM aw0")
    award_columns = [r[0] for r in con.execute("DESCRIBE aw0").fetchall()]
    award_dates = _date_columns(con, award_columns)
    n_tx = con.execute("SELECT count(*) FROM tx").fetchone()[0]  # type: ignore[index]
    n_aw = con.execute("SELECT count(*) FROM aw").fetchone()[0]  # type: ignore[index]
    select = ",\n  ".join(_select_list(columns, award_columns, award_dates))
    compression = "gzip" if out.name.endswith(".gz") else "none"
    con.execute(
        f"""
        COPY (
          WITH s AS (
            SELECT i,
                   hash(i, {int(seed)}, 'transaction') % {n_tx} AS tk,
                   hash(i, {int(seed)}, 'award') % {n_aw} AS ak
            FROM range({int(rows)}) r(i)
          )
          SELECT {select}
          FROM s JOIN tx t ON t.k = s.tk JOIN aw a ON a.k = s.ak
          ORDER BY s.i
        ) TO {_lit(str(partial))} (HEADER, DELIMITER ',', COMPRESSION {compression})
        """
    )
    con.close()
    os.replace(partial, out)
    manifest = {
        "synthetic": True,
        "generator": "benchmarks/synthetic.py",
        "generator_version": GENERATOR_VERSION,
        "rows": rows,
        "seed": seed,
        "columns": len(columns),
        "sampled_from": [str(Path(f).relative_to(raw)) for f in tx_files + aw_files],
        "note": "Not real data: rows sampled with replacement from real USAspending rows, "
        "for ingest benchmarks only. Keys start with SYNTHETIC_.",
    }
    _manifest(out).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return out


def _manifest(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def default_path(rows: int, *, seed: int = 0, gzip: bool = False, out_dir: Path = OUT) -> Path:
    suffix = ".csv.gz" if gzip else ".csv"
    return out_dir / f"{KEY_PREFIX}Contracts_PrimeTransactions_{rows}rows_seed{seed}{suffix}"


def cached(
    rows: int, *, seed: int = 0, gzip: bool = False, raw: Path | None = None, out_dir: Path = OUT
) -> Path:
    """The synthetic file for these parameters, generated only if not already in ``out_dir``."""
    path = default_path(rows, seed=seed, gzip=gzip, out_dir=out_dir)
    manifest = _manifest(path)
    if path.is_file() and manifest.is_file():
        made = json.loads(manifest.read_text(encoding="utf-8"))
        if made.get("generator_version") == GENERATOR_VERSION and made.get("rows") == rows:
            return path
    return generate(rows, path, raw=raw, seed=seed)


def main(
    rows: Annotated[int, typer.Option(help="How many synthetic rows.")] = 1_000_000,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (name must start SYNTHETIC_)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Sampling seed.")] = 0,
    gzip: Annotated[bool, typer.Option(help="gzip the default output file.")] = False,
    raw: Annotated[Path | None, typer.Option(help="The real data folder.")] = None,
) -> None:
    """Write a SYNTHETIC PrimeTransactions CSV sampled from the real rows' distributions."""
    if output is None:
        path = cached(rows, seed=seed, gzip=gzip, raw=raw)
    else:
        path = generate(rows, output, raw=raw, seed=seed)
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB, {rows:,} synthetic rows)", file=sys.stderr)


if __name__ == "__main__":
    typer.run(main)
