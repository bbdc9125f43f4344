"""Library-audit benchmark: a 100,000-title KBART file audited, beside plain reads of the same file.

    python benchmarks/audit.py                # 100,000 titles, 3 repeats
    python benchmarks/audit.py --rows 20000 --repeat 1

The file is SYNTHETIC: rows sampled (seeded) from the two real KBART lists in
``../shared/data/raw/kbart`` (Elsevier ScienceDirect and Cambridge Journals), put under the
ScienceDirect header (27 columns, BOM, drifted ``parent_publication_id``), each row's ``notes``
saying ``SYNTHETIC row sampled from <file> line N``. It is written under ``benchmarks/out/``.

Measured, each in a fresh child process (wall clock around the work, not interpreter start-up;
peak memory = the child's ``VmHWM``):

- **csv.reader (baseline)**: the standard library reading the same bytes into row lists;
- **read_holdings**: decoding, KBART checks and holdings;
- **audit, no warehouse**: read + match every title + the report's data + its texts;
- **audit + warehouse**: the same with DHS obligations from a warehouse built from the real
  contract files (Ibis and the family dossier included — what ``vendorwatch audit`` does);
- **audit + warehouse + HTML**: and the HTML document rendered.
"""

from __future__ import annotations

import csv
import io
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
KBART = (
    "ScienceDirectStandard_Global_EBook-AgriculturalAndBiologicalSciencesPre-2007_2016-05-23.txt",
    "journals.cambridge.org_AllTitles_2015-07-14.txt",
)
METHODS = (
    "csv.reader (baseline)",
    "read_holdings",
    "audit, no warehouse",
    "audit + warehouse",
    "audit + warehouse + HTML",
)


def raw_dir() -> Path:
    from vendorwatch.settings import find_sample_data  # noqa: PLC0415

    raw = find_sample_data()
    if raw is None:
        raise SystemExit("../shared/data/raw is missing")
    return raw


def generate(rows: int, seed: int = 0) -> Path:
    """The synthetic KBART file (cached by size and seed)."""
    path = OUT / f"SYNTHETIC_KBART_{rows}titles_seed{seed}.txt"
    if path.exists():
        return path
    raw = raw_dir() / "kbart"
    header_line = (raw / KBART[0]).read_text("utf-8-sig").splitlines()[0]
    header = header_line.split("\t")
    pool: list[list[str]] = []
    for name in KBART:
        lines = (raw / name).read_text("utf-8-sig").splitlines()
        cols = lines[0].split("\t")
        for number, line in enumerate(lines[1:], start=2):
            values = dict(zip(cols, line.split("\t"), strict=False))
            values["parent_publication_id"] = values.get("parent_publication_title_id", "")
            values["notes"] = f"SYNTHETIC row sampled from {name} line {number}"
            pool.append([values.get(c, "") for c in header])
    rng = random.Random(seed)
    OUT.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(header_line + "\n")
        for _ in range(rows):
            handle.write("\t".join(rng.choice(pool)) + "\n")
    return path


def warehouse() -> Path:
    path = OUT / "audit-benchmark.duckdb"
    if not path.exists():
        from vendorwatch.build import build  # noqa: PLC0415
        from vendorwatch.warehouse import open_warehouse  # noqa: PLC0415

        con = open_warehouse(path)
        build(con, [raw_dir()])
        con.close()
    return path


def _peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    method, path = spec["method"], Path(spec["file"])
    start_kb = _peak_kb()
    if method == METHODS[0]:
        t0 = time.perf_counter()
        data = path.read_bytes()
        rows = (
            sum(
                1
                for _ in csv.reader(
                    io.StringIO(data.decode("utf-8-sig")), delimiter="\t", quoting=csv.QUOTE_NONE
                )
            )
            - 1
        )
        seconds = time.perf_counter() - t0
        return {"rows": rows, "seconds": seconds, "peak_kb": _peak_kb(), "start_kb": start_kb}
    from vendorwatch.audit import audit_files, read_holdings, render_audit  # noqa: PLC0415
    from vendorwatch.registry import load_registry  # noqa: PLC0415

    t0 = time.perf_counter()
    data = path.read_bytes()
    if method == METHODS[1]:
        rows = len(read_holdings(data, path.name).holdings)
        families = 0
    else:
        con = None
        if method != METHODS[2]:
            from vendorwatch.analysis import connect  # noqa: PLC0415

            con = connect(spec["warehouse"])
        report = audit_files([(path.name, data)], registry=load_registry(), con=con)
        if method == METHODS[4]:
            render_audit(report, "html")
        rows = report.data["summary"]["holdings"]
        families = report.data["summary"]["families"]
    seconds = time.perf_counter() - t0
    return {
        "rows": rows,
        "families": families,
        "seconds": seconds,
        "peak_kb": _peak_kb(),
        "start_kb": start_kb,
    }


def _run(spec: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        print(json.dumps(_child(json.loads(argv[1]))))
        return
    rows = int(argv[argv.index("--rows") + 1]) if "--rows" in argv else 100_000
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 3
    path = generate(rows)
    wh = warehouse()
    results: dict[str, list[dict[str, Any]]] = {m: [] for m in METHODS}
    for r in range(repeat):
        order = METHODS[r % len(METHODS) :] + METHODS[: r % len(METHODS)]
        for method in order:
            results[method].append(
                _run({"method": method, "file": str(path), "warehouse": str(wh)})
            )
    size = path.stat().st_size / 1024 / 1024
    print(f"{path.name}: {rows:,} titles, {size:.1f} MB; median of {repeat} run(s); "
          f"{__import__('os').cpu_count()} CPU(s)")  # fmt: skip
    print(f"| {'what':<28} | {'rows':>9} | {'seconds':>8} | {'rows/s':>10} | {'peak MB':>8} |")
    print(f"|{'-' * 30}|{'-' * 11}|{'-' * 10}|{'-' * 12}|{'-' * 10}|")
    for method in METHODS:
        runs = results[method]
        seconds = statistics.median(r["seconds"] for r in runs)
        peak = statistics.median(r["peak_kb"] for r in runs) / 1024
        n = runs[0]["rows"]
        print(
            f"| {method:<28} | {n:>9,} | {seconds:>8.2f} | {n / seconds:>10,.0f} | {peak:>8.0f} |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
