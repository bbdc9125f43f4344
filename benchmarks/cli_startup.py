"""CLI start-up benchmark: what a command costs as a person runs it, beside a bare DuckDB query.

    python benchmarks/cli_startup.py --warehouse W.duckdb          # 15 runs of each
    python benchmarks/cli_startup.py --runs 30 --markdown

**What is timed.** Each run is a new process, as at a shell: ``python -m vendorwatch …`` with
stdout to a pipe (so plain output, as a script or ``| less`` gets), wall-clock from spawn to
exit. Beside each command, in the same run and interleaved with it, the *bare query*: a
``python -c`` that imports only duckdb, opens the same published warehouse file read-only and
runs a hand-written SQL query for the same figure (for ``--help``: ``python -c pass``, the
interpreter's own start). p50/p95 are over the runs. One untimed run of each first, so the
bytecode and the registry cache exist and the files are in the page cache, as for anyone's
second command (``PYTHONDONTWRITEBYTECODE`` is dropped from the environment for that reason).

**Targets (issue 13).** ``--help`` < 0.3 s; ``family ID`` and ``award PIID`` < 1 s and within
3x the bare query. Other jobs share the two cores: the load average is printed before and
after; rerun when it is high and read medians.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

LEIDS = "70CMSD21C00000001"  # ICE's LEIDS contract with LexisNexis Risk Solutions
FAMILY = "relx-plc"


@dataclass(frozen=True)
class Case:
    name: str
    args: list[str]
    bare: str  # SQL over the facts table, or "" for `python -c pass`
    limit: float | None  # seconds, p50
    ratio: float | None  # vendorwatch p50 / bare p50


CASES = [
    Case("--help", ["--help"], "", 0.3, None),
    Case(
        f"family {FAMILY}",
        ["family", FAMILY],
        "SELECT sum(federal_action_obligation), count(*), count(DISTINCT contract_award_unique_key)"
        f" FROM facts WHERE family = '{FAMILY}'",
        1.0,
        3.0,
    ),
    Case(
        f"award {LEIDS}",
        ["award", LEIDS],
        "SELECT action_date, modification_number, federal_action_obligation,"
        " sum(federal_action_obligation) OVER (ORDER BY action_date, modification_number)"
        f" FROM facts WHERE award_id_piid = '{LEIDS}' ORDER BY action_date",
        1.0,
        3.0,
    ),
    Case(
        "rollup --by family",
        ["rollup", "--by", "family"],
        "SELECT family, sum(federal_action_obligation) AS o, count(*),"
        " count(DISTINCT contract_award_unique_key) FROM facts GROUP BY family"
        " ORDER BY o DESC, family LIMIT 50",
        None,
        None,
    ),
]


def _bare_code(database: Path, sql: str) -> str:
    if not sql:
        return "pass"
    return (
        "import duckdb\n"
        f"con = duckdb.connect({str(database)!r}, read_only=True)\n"
        f"for row in con.execute({sql!r}).fetchall():\n"
        "    print(*row, sep='\\t')\n"
    )


def _time(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds, and the CPU seconds (user + system) the child used: on a shared
    machine the second says what the command costs when the first is mostly waiting."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, check=False)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def measure(warehouse: Path, runs: int) -> list[dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    database = warehouse.resolve()  # the published version's file
    results = []
    for case in CASES:
        ours = [sys.executable, "-m", "vendorwatch", *case.args, "--warehouse", str(warehouse)]
        if case.args == ["--help"]:
            ours = [sys.executable, "-m", "vendorwatch", "--help"]
        bare = [sys.executable, "-c", _bare_code(database, case.bare)]
        _time(ours, env), _time(bare, env)  # untimed: bytecode, registry cache, page cache
        times: dict[str, list[float]] = {"ours": [], "bare": [], "ours_cpu": [], "bare_cpu": []}
        for _ in range(runs):
            for side, command in (("ours", ours), ("bare", bare)):
                took, cpu = _time(command, env)
                times[side].append(took)
                times[f"{side}_cpu"].append(cpu)
        p50, bare50 = statistics.median(times["ours"]), statistics.median(times["bare"])
        met = (case.limit is None or p50 < case.limit) and (
            case.ratio is None or p50 < case.ratio * bare50
        )
        target = " and ".join(
            t
            for t in (
                f"< {case.limit:g} s" if case.limit else "",
                f"< {case.ratio:g}x bare" if case.ratio else "",
            )
            if t
        )
        results.append({
            "case": case.name, "p50": p50, "p95": _p95(times["ours"]), "bare_p50": bare50,
            "bare_p95": _p95(times["bare"]), "ratio": p50 / bare50, "target": target or "—",
            "cpu": statistics.median(times["ours_cpu"]),
            "bare_cpu": statistics.median(times["bare_cpu"]),
            "met": ("yes" if met else "NO") if target else "—",
        })  # fmt: skip
    return results


def table(results: list[dict[str, object]], *, markdown: bool) -> str:
    head = ["command", "p50 s", "p95 s", "bare p50 s", "bare p95 s", "ratio", "target", "met",
            "CPU p50 s", "bare CPU p50 s"]  # fmt: skip
    rows = [
        [
            str(r["case"]), f"{r['p50']:.3f}", f"{r['p95']:.3f}", f"{r['bare_p50']:.3f}",
            f"{r['bare_p95']:.3f}", f"{r['ratio']:.1f}x", str(r["target"]), str(r["met"]),
            f"{r['cpu']:.3f}", f"{r['bare_cpu']:.3f}",
        ]
        for r in results
    ]  # fmt: skip
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(x) for x in column) for column in zip(head, *rows, strict=True)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        for row in [head, *rows]
    )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, help="a loaded warehouse (vendorwatch load)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    warehouse = args.warehouse or Path(os.environ.get("VENDORWATCH_WAREHOUSE", ""))
    if not warehouse.name or not warehouse.exists():
        raise SystemExit("--warehouse W.duckdb: a warehouse with the sample loaded")
    before = _load()
    results = measure(warehouse, args.runs)
    print(table(results, markdown=args.markdown))
    print(f"\n{args.runs} runs each; load average before {before}, after {_load()} "
          f"({os.cpu_count()} CPUs); python {sys.version.split()[0]}")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
