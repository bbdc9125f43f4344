"""The exposure report: per owner family, what the library holds and uses, what the family sold
to DHS (classified, with the awards as evidence), and what can replace it.

`audit_files([(name, bytes), ...])` is the one call both shells make: the command line reads
files from disk, the site passes uploaded bytes; nothing is written anywhere. The result is an
`AuditReport` whose ``data`` is a JSON-ready dict (money as exact decimal strings) and whose
``rows()`` give one line per holding for the CSV export.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from vendorwatch.audit.evidence import (
    NO_KNOWN,
    SAMPLE,
    alternatives,
    contracts_of,
    sample,
    sells,
)
from vendorwatch.audit.limits import Limits
from vendorwatch.audit.match import Match, Matcher
from vendorwatch.audit.models import Holding, ReadResult, UsageRow
from vendorwatch.audit.readers import Kind, read_holdings
from vendorwatch.audit.warehouse import (
    WarehouseView,
    companies,
    coverage_sentence,
    recipient_match,
    warehouse_view,
)
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry, shipped_registry


@dataclass
class AuditReport:
    """What `audit_files` found: the JSON-ready report and every holding with its match."""

    data: dict[str, Any]
    holdings: list[tuple[Holding, Match]] = field(default_factory=list)
    usage: list[tuple[UsageRow, Match]] = field(default_factory=list)

    def rows(self) -> Iterator[dict[str, Any]]:
        """One row per holding and per usage row: what it is, where it was, what it matched."""
        for h, m in self.holdings:
            yield {
                "file": h.file,
                "line": h.line,
                "kind": h.kind,
                "title": h.title,
                "identifiers": "; ".join(h.identifiers),
                "publisher": h.publisher,
                "platform": h.platform,
                "url": h.url,
                "metric": "",
                "uses": "",
                **_match_columns(m),
            }
        for u, m in self.usage:
            yield {
                "file": u.file,
                "line": u.line,
                "kind": f"usage {u.report_id}",
                "title": u.title or u.database,
                "identifiers": "; ".join(u.identifiers),
                "publisher": u.publisher,
                "platform": u.platform,
                "url": "",
                "metric": u.metric,
                "uses": u.total,
                **_match_columns(m),
            }


CSV_COLUMNS = [
    "file", "line", "kind", "title", "identifiers", "publisher", "platform", "url", "metric",
    "uses", "family", "family_name", "organisation", "product", "product_name", "method",
    "reason", "verified", "status",
]  # fmt: skip


def _match_columns(m: Match) -> dict[str, Any]:
    return {
        "family": m.family or "",
        "family_name": m.family_name or "",
        "organisation": m.organisation or "",
        "product": m.product or "",
        "product_name": m.product_name or "",
        "method": m.method,
        "reason": m.reason,
        "verified": m.verified,
        "status": "matched" if m.matched else NO_KNOWN,
    }


# --- the audit -----------------------------------------------------------------------------


def audit_files(
    files: Sequence[tuple[str, bytes]],
    *,
    registry: Registry | None = None,
    con: Any | None = None,
    kind: Kind = "auto",
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    limits: Limits | None = None,
    library: str | None = None,
    on: date | None = None,
) -> AuditReport:
    """Audit uploaded or read files ``[(file name, bytes), ...]`` in memory.

    ``con`` is a read-only warehouse connection (`vendorwatch.analysis.connect`) giving each
    family's DHS obligations; without it the report says so and shows registry facts only.
    """
    limits = limits or Limits()
    if not files:
        raise VendorwatchError("no files to audit")
    if len(files) > limits.max_files:
        raise VendorwatchError(f"{len(files)} files; the limit is {limits.max_files} per audit")
    total = sum(len(b) for _, b in files)
    if total > limits.max_total_bytes:
        raise VendorwatchError(
            f"the files hold {total / 1024 / 1024:.1f} MB together; the limit is "
            f"{limits.max_total_bytes / 1024 / 1024:.0f} MB per audit"
        )
    results = [
        read_holdings(data, name, kind=kind, encoding=encoding, columns=columns, limits=limits)
        for name, data in files
    ]
    return audit_results(results, registry=registry, con=con, library=library, on=on)


def audit_paths(paths: Sequence[Path], **options: Any) -> AuditReport:
    """`audit_files` over files on disk (the size limit is checked before reading)."""
    limits: Limits = options.get("limits") or Limits()
    files = []
    for path in paths:
        if not path.is_file():
            raise VendorwatchError(f"{path}: no such file")
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise VendorwatchError(
                f"{path} is {size / 1024 / 1024:.1f} MB; the limit is "
                f"{limits.max_file_bytes / 1024 / 1024:.0f} MB per file"
            )
        files.append((path.name, path.read_bytes()))
    return audit_files(files, **options)


def audit_results(
    results: Sequence[ReadResult],
    *,
    registry: Registry | None = None,
    con: Any | None = None,
    library: str | None = None,
    on: date | None = None,
) -> AuditReport:
    """Match what the readers found and assemble the report."""
    registry = registry or shipped_registry()
    on = on or date.today()
    matcher = Matcher(registry, on)
    view = warehouse_view(con) if con is not None else None
    holdings = [(h, _match(matcher, view, registry, h)) for r in results for h in r.holdings]
    usage = [(u, _usage_match(matcher, view, registry, u)) for r in results for u in r.usage]

    # per family → per product: titles and samples; per family: usage by metric
    titles: dict[str, dict[str | None, list[tuple[Holding, Match]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    methods: dict[str, Counter[str]] = defaultdict(Counter)
    unmatched: dict[str, list[Holding]] = defaultdict(list)
    for h, m in holdings:
        if m.family is None:
            unmatched[h.publisher or "(no publisher given)"].append(h)
            continue
        titles[m.family][m.product].append((h, m))
        methods[m.family][m.method] += 1
    usage_by_family: dict[str, dict[str | None, Counter[str]]] = defaultdict(
        lambda: defaultdict(Counter)
    )
    platforms: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    platform_match: dict[tuple[str, str], Match] = {}
    for u, m in usage:
        platforms[(u.file, u.platform)][u.metric] += u.total
        platform_match.setdefault((u.file, u.platform), m)
        if m.family is not None:
            usage_by_family[m.family][m.product][u.metric] += u.total

    families = sorted(set(titles) | set(usage_by_family))
    contracts: dict[str, dict[str, Any] | None] = {}
    limits: list[str] = []
    if con is None:
        limits.append(
            "No contract warehouse was given: the report shows the registry's facts about each "
            "family but no DHS obligations."
        )
    for family in families:
        # The dossier's details (what the awards buy, the largest awards) only where the
        # warehouse has the family's rows; the headline figure is the facts rollup's.
        total = view.family_total(family) if view is not None else None
        contracts[family] = contracts_of(con, registry, family) if total is not None else None
    family_totals = dict(view.families) if view is not None else {}

    family_rows: list[dict[str, Any]] = []
    for family in families:
        products = []
        product_ids = sorted(
            set(titles[family]) | set(usage_by_family[family]), key=lambda p: (p is None, p or "")
        )
        for pid in product_ids:
            held = titles[family].get(pid, [])
            product = registry.products[pid].value if pid else None
            owners = Counter(m.organisation for _, m in held)
            products.append(
                {
                    "id": pid,
                    "name": product.name
                    if product
                    else "Other titles from companies in this family",
                    "kind": product.kind if product else None,
                    "owner": registry.organisation(
                        product.owner if product else owners.most_common(1)[0][0] or family
                    ).name
                    if (product or owners)
                    else None,
                    "verified": registry.is_verified(product) if product else True,
                    "titles": len(held),
                    "sample": [sample(h, m) for h, m in held[:SAMPLE]],
                    "methods": dict(Counter(m.method for _, m in held)),
                    "usage": dict(usage_by_family[family].get(pid, Counter())),
                }
            )
        c = contracts[family]
        obligations = (view.family_total(family) or Decimal(0)) if view is not None else None
        enforcement = (
            sum(
                (Decimal(g["obligations"]) for g in c["groups"] if g["group"].startswith("enf")),
                Decimal(0),
            )
            if c
            else None
        )
        family_rows.append(
            {
                "id": family,
                "name": registry.organisation(family).name,
                "verified": all(m.verified for rows in titles[family].values() for _, m in rows),
                "titles": sum(len(v) for v in titles[family].values()),
                "methods": dict(methods[family]),
                "products": products,
                "usage": dict(sum((c2 for c2 in usage_by_family[family].values()), Counter())),
                "sells": sells(registry, family, on),
                "contracts": c,
                "companies": companies(view, registry, family) if view is not None else [],
                "obligations": f"{obligations:.2f}" if obligations is not None else None,
                "enforcement_obligations": f"{enforcement:.2f}"
                if enforcement is not None
                else None,
                "status": _status(view, obligations),
                "alternatives": alternatives(
                    registry, [p for p in product_ids if p], family_totals, on
                ),
            }
        )
    family_rows.sort(key=lambda f: (-(Decimal(f["obligations"] or 0)), -f["titles"], f["name"]))

    holdings_count = len(holdings)
    matched = sum(1 for _, m in holdings if m.matched)
    exposed = [f for f in family_rows if f["obligations"] and Decimal(f["obligations"]) != 0]
    data: dict[str, Any] = {
        "library": library,
        "generated_on": date.today().isoformat(),
        "as_of": on.isoformat(),
        "files": [r.summary() for r in results],
        "summary": {
            "holdings": holdings_count,
            "matched": matched,
            "unmatched": holdings_count - matched,
            "usage_rows": len(usage),
            "families": len(family_rows),
            "families_with_obligations": len(exposed),
            "titles_from_families_with_obligations": sum(f["titles"] for f in exposed),
            "obligations": str(sum((Decimal(f["obligations"]) for f in exposed), Decimal(0))),
        },
        "families": family_rows,
        "databases": _databases(holdings, family_rows),
        "warehouse": (
            {**view.coverage, "sentence": coverage_sentence(view.coverage)}
            if view is not None
            else None
        ),
        "no_known_contracts": {
            "label": NO_KNOWN,
            "titles": holdings_count - matched,
            "publishers": [
                {
                    "publisher": pub,
                    "titles": len(rows),
                    "sample": [
                        {"title": h.title, "file": h.file, "line": h.line} for h in rows[:SAMPLE]
                    ],
                }
                for pub, rows in sorted(unmatched.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            ],
            "note": "Neither the registry nor the loaded contract data knows the publisher, "
            "platform or database: no registry product, host, imprint or company matches, and "
            "no recipient of that name was paid in the loaded data. This means none is known "
            "to vendorwatch, not that none exists."
            + (f" {coverage_sentence(view.coverage)}" if view is not None else ""),
        },
        "usage_by_platform": [
            {
                "file": file,
                "platform": platform,
                "family": platform_match[(file, platform)].family,
                "family_name": platform_match[(file, platform)].family_name,
                "product": platform_match[(file, platform)].product_name,
                "metrics": dict(sorted(counts.items())),
            }
            for (file, platform), counts in sorted(platforms.items())
        ],
        "limits": [
            *limits,
            "Matching uses the registry's hosts, ISBN prefixes, names and imprints; a title "
            "sold through an aggregator under another platform may be missed.",
            "Family membership marked unverified rests on registry facts nobody has yet "
            "checked against a document.",
        ],
    }
    from vendorwatch.audit.texts import ready_texts  # noqa: PLC0415 - templates only here

    data["texts"] = ready_texts(data)
    return AuditReport(data=data, holdings=holdings, usage=usage)


def _status(view: WarehouseView | None, obligations: Decimal | None) -> str:
    if view is None or obligations is None:
        return "no contract data loaded"
    if obligations != 0:
        return "DHS obligations in the loaded data"
    return f"in the registry; {NO_KNOWN} in the loaded data"


def _match(matcher: Matcher, view: WarehouseView | None, registry: Registry, h: Holding) -> Match:
    """The registry's match, else (with a warehouse) a recipient of the same name."""
    m = matcher.holding(h)
    if m.matched or view is None:
        return m
    return recipient_match(view, registry, h) or m


def _usage_match(
    matcher: Matcher, view: WarehouseView | None, registry: Registry, u: UsageRow
) -> Match:
    """A usage row's match; an unknown platform or publisher is looked up among recipients."""
    m = matcher.usage(u)
    if m.matched or view is None:
        return m
    probe = Holding(
        file=u.file, line=u.line, kind="database" if u.database else "platform",
        title=u.database, publisher=u.publisher, platform=u.platform,
    )  # fmt: skip
    return recipient_match(view, registry, probe) or m


def _databases(
    holdings: Sequence[tuple[Holding, Match]], families: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every database a DR report (or a database list) names, matched or not, by name."""
    by_family = {f["id"]: f for f in families}
    out = []
    for h, m in holdings:
        if h.kind != "database":
            continue
        f = by_family.get(m.family) if m.family else None
        out.append(
            {
                "database": h.title,
                "publisher": h.publisher,
                "platform": h.platform,
                "file": h.file,
                "line": h.line,
                "product": m.product_name,
                "organisation": m.organisation,
                "family": m.family,
                "family_name": m.family_name,
                "obligations": f["obligations"] if f else None,
                "status": f["status"] if f else NO_KNOWN,
                "reason": m.reason,
                "verified": m.verified,
            }
        )
    return out
