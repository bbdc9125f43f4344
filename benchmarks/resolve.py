"""Entity-resolution benchmark: quality on the labelled real names, speed, memory, and scale.

Run: ``.venv/bin/python -m benchmarks.resolve [--synthetic 1000000]``

Prints Markdown tables. Quality is measured on ``tests/resolve/data/eval_names.csv`` (real
recipient names from the bundled CBP/ICE data and the research notes, variants of them, and hard
negatives, labelled by hand). A prediction counts when its family equals the label; a wrong
family is a false positive and a miss; "none" on a labelled name is a miss.

Baselines run in the same process on the same names:
  * exact alias only — the registry's aliases compared after upper-casing;
  * WRatio >= 90 — rapidfuzz's WRatio over every registry name, no word boundaries;
  * keyword substring — a family keyword ("TLO", "VIGILANT", "THOMSON" …) inside the name,
    the approach whose misfires the research notes record.

The scale run resolves N distinct SYNTHETIC names (generated from the registry's words; none is
a real recipient) with the vendorwatch resolver.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from vendorwatch.registry import Registry, load_registry
from vendorwatch.resolve import Resolver
from vendorwatch.resolve.normalise import exact_key, tokens

EVAL = Path(__file__).resolve().parents[1] / "tests" / "resolve" / "data" / "eval_names.csv"


@dataclass(frozen=True)
class Case:
    name: str
    uei: str | None
    duns: str | None
    parent_uei: str | None
    on: date
    expected: str | None


def load_cases(path: Path = EVAL) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as f:
        return [
            Case(
                r["name"],
                r["uei"] or None,
                r["duns"] or None,
                r["parent_uei"] or None,
                date.fromisoformat(r["on"]),
                r["expected_family"] or None,
            )
            for r in csv.DictReader(f)
        ]


Matcher = Callable[[Case], str | None]


def vendorwatch_matcher(resolver: Resolver) -> Matcher:
    def match(c: Case) -> str | None:
        return resolver.resolve(
            c.name, uei=c.uei, duns=c.duns, parent_uei=c.parent_uei, on=c.on
        ).family

    return match


def exact_alias_matcher(registry: Registry) -> Matcher:
    index = {
        exact_key(a.name): org_id
        for org_id, e in registry.organisations.items()
        for a in e.value.aliases
    }

    def match(c: Case) -> str | None:
        org = index.get(exact_key(c.name))
        return registry.family(org, c.on) if org else None

    return match


def wratio_matcher(registry: Registry, cutoff: float = 90) -> Matcher:
    names: list[str] = []
    owners: list[str] = []
    for org_id, e in registry.organisations.items():
        for n in [e.value.name, *(a.name for a in e.value.aliases)]:
            names.append(n)
            owners.append(org_id)

    def match(c: Case) -> str | None:
        hit = process.extractOne(
            c.name, names, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=cutoff
        )
        return registry.family(owners[hit[2]], c.on) if hit else None

    return match


def substring_matcher(registry: Registry) -> Matcher:
    """One keyword per curated organisation: the first word of its display name."""
    keywords: dict[str, str] = {}
    for org_id, e in registry.organisations.items():
        if e.value.kind == "recipient":
            continue
        words = tokens(e.value.name)
        if words and len(words[0]) >= 3:
            keywords.setdefault(words[0], org_id)
    keywords.update({"TLO": "tlo", "VIGILANT": "vigilant-solutions", "LEXISNEXIS": "relx-inc"})

    def match(c: Case) -> str | None:
        upper = c.name.upper()
        for word, org in keywords.items():
            if word in upper:
                return registry.family(org, c.on)
        return None

    return match


@dataclass
class Result:
    label: str
    precision: float
    recall: float
    names_per_s: float
    p50_ms: float
    p95_ms: float
    peak_mib: float
    wrong: list[tuple[str, str | None, str | None]]


def evaluate(
    label: str, build: Callable[[], Matcher], cases: list[Case], repeat: int = 5
) -> Result:
    """Quality, then timing; peak memory (traced) covers building the index and one pass.

    Timing runs after tracing stops: tracemalloc slows Python several times over.
    """
    tracemalloc.start()
    matcher = build()
    tp = fp = fn = 0
    wrong: list[tuple[str, str | None, str | None]] = []
    for c in cases:
        got = matcher(c)
        if got == c.expected:
            tp += got is not None
        else:
            if got is not None:
                fp += 1
            if c.expected is not None:
                fn += 1
            wrong.append((c.name, c.expected, got))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    timings: list[float] = []
    started = time.perf_counter()
    for _ in range(repeat):
        for c in cases:
            t0 = time.perf_counter()
            matcher(c)
            timings.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(timings, n=100)
    return Result(
        label,
        tp / (tp + fp) if tp + fp else 1.0,
        tp / (tp + fn) if tp + fn else 1.0,
        len(timings) / elapsed,
        quantiles[49],
        quantiles[94],
        peak / 2**20,
        wrong,
    )


SUFFIXES = ["INC", "INC.", "LLC", "L.L.C.", "CORP", "CORPORATION", "CO", "LTD", "LP", "GROUP"]


def synthetic_names(registry: Registry, count: int, seed: int = 20261123) -> list[str]:
    """``count`` distinct made-up company names built from the registry's own words."""
    vocab = sorted({w for e in registry.organisations.values() for w in tokens(e.value.name)})
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        words = rng.sample(vocab, rng.randint(2, 4))
        name = " ".join(words) + ", " + rng.choice(SUFFIXES)
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def scale_run(resolver: Resolver, names: Iterable[str]) -> tuple[int, float, dict[str, int]]:
    methods: dict[str, int] = {}
    n = 0
    started = time.perf_counter()
    for name in names:
        m = resolver.match(name)
        methods[m.method] = methods.get(m.method, 0) + 1
        n += 1
    return n, time.perf_counter() - started, methods


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthetic", type=int, default=1_000_000)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()

    t0 = time.perf_counter()
    registry = load_registry()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    resolver = Resolver(registry)
    index_s = time.perf_counter() - t0
    cases = load_cases()
    positives = sum(c.expected is not None for c in cases)

    matchers: list[tuple[str, Callable[[], Matcher]]] = [
        (
            "vendorwatch (ids, aliases, normalised, fuzzy words)",
            lambda: vendorwatch_matcher(Resolver(registry)),
        ),
        ("baseline: exact alias only", lambda: exact_alias_matcher(registry)),
        ("baseline: rapidfuzz WRatio >= 90, no word boundaries", lambda: wratio_matcher(registry)),
        ("baseline: keyword substring", lambda: substring_matcher(registry)),
    ]
    results = [evaluate(label, build, cases) for label, build in matchers]
    print(
        f"Evaluation set: {len(cases)} labelled real names and variants "
        f"({positives} with a family, {len(cases) - positives} that must resolve to none); "
        f"registry {len(registry.organisations):,} organisations, loaded in {load_s:.2f}s, "
        f"indexed in {index_s:.2f}s.\n"
    )
    print("| matcher | precision | recall | names/s | p50 ms | p95 ms | peak MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.label} | {r.precision:.3f} | {r.recall:.3f} | {r.names_per_s:,.0f} | "
            f"{r.p50_ms:.3f} | {r.p95_ms:.3f} | {r.peak_mib:.1f} |"
        )
    if args.show_errors:
        for r in results:
            print(f"\n{r.label}: {len(r.wrong)} wrong")
            for name, expected, got in r.wrong:
                print(f"  {name!r}: expected {expected}, got {got}")

    if args.synthetic:
        t0 = time.perf_counter()
        names = synthetic_names(registry, args.synthetic)
        gen_s = time.perf_counter() - t0
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        n, seconds, methods = scale_run(resolver, names)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        shown = ", ".join(f"{k} {v:,}" for k, v in sorted(methods.items()))
        print(
            f"\nScale: {n:,} distinct SYNTHETIC names (generated in {gen_s:.1f}s) resolved in "
            f"{seconds:.1f}s = {n / seconds:,.0f} names/s; peak RSS {rss_after:,.0f} MiB "
            f"({rss_before:,.0f} MiB before the run, names held in memory); decisions: {shown}."
        )


if __name__ == "__main__":
    main()
