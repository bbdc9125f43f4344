"""A company family's dossier: who it is, what it sold to DHS, and how sure each figure is.

Everything here is assembled from the registry (curated facts with sources) and the
warehouse (figures with provenance); the renderers in `vendorwatch.reports` only lay it out.
The result is a plain JSON-ready dict so the CLI, the site and the JSON export share it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from vendorwatch.analysis.base import has_resolutions, plain
from vendorwatch.analysis.best_values import best_awards
from vendorwatch.analysis.classification import rules
from vendorwatch.analysis.competition_trend import competition_trend
from vendorwatch.analysis.coverage import coverage
from vendorwatch.analysis.facts import per_award
from vendorwatch.analysis.lazy import ibis, ir
from vendorwatch.analysis.prepared import Builder, Prepared
from vendorwatch.analysis.rollups import award_values_expr, rollup_expr, valued_awards
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry
from vendorwatch.registry.lookup import OrganisationRef, lookup, owned
from vendorwatch.warehouse.layouts import API_TRANSACTION_EXPORT

API_EXPORT = API_TRANSACTION_EXPORT.name


def require_family(con: Any, registry: Registry, org_id: str) -> OrganisationRef:
    """The family or company ``org_id`` names; refused, with the nearest ids, when the registry
    does not hold it (`UnknownOrganisation`), or when the warehouse cannot answer yet."""
    ref = lookup(registry, org_id)
    if not has_resolutions(con):
        raise VendorwatchError("the warehouse is not resolved yet; run `vendorwatch resolve --all`")
    return ref


def scope(registry: Registry, ref: OrganisationRef) -> tuple[list[str], dict[str, str]]:
    """The organisations whose figures an id's answer counts, and the questions' values.

    A family counts every member; a company counts itself and the companies it owns, within
    its family (so its figures are its share of the family's, as the family page lists them).
    """
    members = family_members(registry, ref.family)
    if ref.is_family:
        return members, {"family": ref.family}
    mine = [o for o in owned(registry, ref.id) if o in members]
    return mine, {"family": ref.family, "orgs": ",".join(mine)}


def subject(ref: OrganisationRef, members: list[str], registry: Registry) -> dict[str, Any]:
    """Who an answer's figures are of, in words: the family, or a company within it."""
    if ref.kind == "agency":
        return {
            "id": ref.id, "name": ref.name, "kind": "agency",
            "note": f"{ref.name} is a government agency: in these records agencies buy, they are "
            "not paid; its purchases are listed under Browse by sub-agency.",
        }  # fmt: skip
    if ref.is_family:
        return {"id": ref.id, "name": ref.name, "kind": "family", "note": None}
    others = [registry.organisation(o).name for o in members if o != ref.id]
    with_owned = f" and the companies it owns ({', '.join(others)})" if others else ""
    return {
        "id": ref.id,
        "name": ref.name,
        "kind": "company",
        "note": f"Figures are those of {ref.name}{with_owned}, part of the {ref.family_name} "
        "family; the family's page has them all.",
    }


def family_members(registry: Registry, family_id: str) -> list[str]:
    """Organisations that belong (or once belonged) to the family, the family itself first."""
    return sorted(registry.members(family_id), key=lambda o: (o != family_id, o))


def _sources(registry: Registry, ids: list[str]) -> list[dict[str, Any]]:
    found = []
    for source_id in ids:
        entry = registry.sources.get(source_id)
        if entry is None:
            continue
        s = entry.value
        found.append(
            {
                "id": s.id,
                "title": s.title,
                "url": s.url,
                "document": s.document,
                "date": s.date.isoformat(),
                "verified": s.verified,
            }
        )
    return found


def _ownership(registry: Registry, members: list[str]) -> list[dict[str, Any]]:
    edges = []
    for entry in registry.ownership:
        edge = entry.value
        if edge.parent in members and edge.child in members:
            edges.append(
                {
                    "parent": edge.parent,
                    "child": edge.child,
                    "since": plain(edge.since),
                    "until": plain(edge.until),
                    "verified": registry.is_verified(edge),
                    "sources": _sources(registry, edge.sources),
                }
            )
    return edges


def _tree(family_id: str, edges: list[dict[str, Any]], names: dict[str, str]) -> dict[str, Any]:
    """The ownership edges as a nested tree from the family's top, each edge with its dates."""

    def node(org: str, edge: dict[str, Any] | None, seen: frozenset[str]) -> dict[str, Any]:
        children = [
            node(e["child"], e, seen | {org})
            for e in edges
            if e["parent"] == org and e["child"] not in seen
        ]
        return {"id": org, "name": names.get(org, org), "edge": edge, "children": children}

    return node(family_id, None, frozenset())


def family_rows(facts: ir.Table, family: ir.Scalar, orgs: ir.Scalar | None = None) -> ir.Table:
    """The rows of one family (read from its own row groups: ``facts`` is family-sorted), or,
    with ``orgs`` (organisation ids joined by commas), of those companies within it."""
    mine = facts.filter(facts.family == family)
    if orgs is None:
        return mine
    return mine.filter(orgs.split(",").contains(mine.organisation))


def _rollup(by: tuple[str, ...]) -> Builder:
    def build(facts: ir.Table, family: ir.Scalar, orgs: ir.Scalar | None = None) -> ir.Table:
        return rollup_expr(family_rows(facts, family, orgs), by)

    return build


def _top_awards(limit: int) -> Builder:
    def build(facts: ir.Table, family: ir.Scalar, orgs: ir.Scalar | None = None) -> ir.Table:
        t = family_rows(facts, family, orgs)
        fields = ("piid", "recipient", "organisation", "sub_agency", "description")
        # stable: the same description on every engine, not whichever row an engine reads first
        grouped = per_award(t, *fields, "classification", "rule", "evidence", stable=True)
        # ties broken by award key: the same awards listed on every engine and every run
        return grouped.order_by([ibis.desc("obligations"), "award_key"]).limit(limit)

    return build


def _award_values(con: Any) -> Builder:
    """What the family's award summaries say: current and potential value, awards running."""

    def build(
        facts: ir.Table, family: ir.Scalar, day: ir.Scalar, orgs: ir.Scalar | None = None
    ) -> ir.Table:
        own = family_rows(facts, family, orgs)
        mine = family_rows(valued_awards(con, classified=False, facts=own), family, orgs)
        return award_values_expr(mine, [], day.cast("date"))

    return build


def _competition_by_award(con: Any) -> Builder:
    """The family's awards (transactions or award records) by signing year and competition."""

    def build(facts: ir.Table, family: ir.Scalar, orgs: ir.Scalar | None = None) -> ir.Table:
        # the family's own transactions first (its row groups only), then its awards
        mine = family_rows(best_awards(con, family_rows(facts, family, orgs)), family, orgs)
        grouped = mine.group_by(
            "fiscal_year", "competition", sub_agency=mine.awarding_sub_agency_name
        )
        return grouped.aggregate(awards=mine.count(), obligated=mine.obligated.sum())

    return build


def _data_sources(con: Any) -> Builder:
    def build(facts: ir.Table, family: ir.Scalar, orgs: ir.Scalar | None = None) -> ir.Table:
        t = family_rows(facts, family, orgs)
        files = con.table("source_files")
        counts = t.group_by(sha256=t.source_sha256).aggregate(rows=t.count())
        return (
            counts.join(files, "sha256")
            .select("file_name", "layout", "loaded_at", "rows", rows_in_file=files.rows)
            .order_by("file_name")
        )

    return build


def _claims(
    questions: Prepared, registry: Registry, family_id: str, members: list[str]
) -> list[dict[str, Any]]:
    """Each reported figure filed under the family or a member, with the verdict of
    `check_registry_claim` (the same check `vendorwatch claim check` makes)."""
    from vendorwatch.analysis.claims import check_registry_claim  # noqa: PLC0415 - claims=True

    checked = []
    for entry in registry.claims.values():
        claim = entry.value
        if claim.subject != family_id and claim.subject not in members:
            continue
        result = check_registry_claim(questions.con, registry, claim, questions).as_dict()
        checked.append(
            {
                "id": claim.id,
                "subject": claim.subject,
                "award": claim.award,
                "kind": claim.kind,
                "measure": claim.measure,
                "statement": claim.statement,
                "unit": claim.unit,
                "since": plain(claim.since),
                "precision": claim.precision,
                "holds": claim.holds,
                "agency": claim.agency,
                "amount": plain(claim.amount),
                "stated_on": claim.stated_on.isoformat(),
                "stated_by": plain(claim.stated_by),
                "verified": registry.is_verified(claim),
                "sources": _sources(registry, claim.sources),
                "verdict": result["verdict"],
                "reason": result["reason"],
                "data_figure": result["data_figure"],
                "data_date": result["data_date"],
                "check": result,
            }
        )
    return checked


def family_dossier(
    con: Any,
    registry: Registry,
    org_id: str,
    *,
    top: int = 10,
    claims: bool = True,
    extras: bool = True,
) -> dict[str, Any]:
    """The dossier of a family (an organisation id at the top of an ownership chain), or of a
    company within its family (any other organisation id): its own figures, the family named.
    ``claims=False`` leaves the reported-figure checks out (empty): the CLI's summary does not
    show them, and they are a fifth of the work. ``extras=False`` leaves out the sub-awards,
    the sanctuary places and the timeline (empty) as well, for the same reason: together they
    were a fifth of the command's time again."""
    ref = require_family(con, registry, org_id)
    family_id = ref.family
    members, values = scope(registry, ref)
    names = {org: registry.organisation(org).name for org in [family_id, *members]}
    edges = _ownership(registry, members)
    questions = Prepared(con)
    today = date.today()

    def rollup(*by: str) -> list[dict[str, Any]]:
        return questions.rows(f"dossier:rollup:{','.join(by)}", _rollup(by), **values)

    by_year = rollup("fiscal_year", "sub_agency")
    competition = rollup("fiscal_year", "competition")
    total_rows = rollup()
    sources = questions.rows("dossier:sources", _data_sources(con), **values)
    summaries = questions.rows(
        "dossier:award-values", _award_values(con), **values, day=today.isoformat()
    )
    # What the figures cover, beside them: agencies, dates, lower bound, partial years, unknown.
    covered = coverage(con, family=family_id, today=today, questions=questions)
    limits = covered.caveats()
    about = subject(ref, members, registry)
    if about["note"]:
        limits.insert(0, about["note"])
    from vendorwatch.analysis.timeline import family_timeline  # noqa: PLC0415 - it imports this

    if extras:  # the CLI's summary leaves them out: their modules are not imported for it
        from vendorwatch.analysis.sanctuary import sanctuary_places  # noqa: PLC0415
        from vendorwatch.analysis.subawards import family_subawards  # noqa: PLC0415

    return {
        "family": {"id": family_id, "name": names[family_id]},
        "subject": about,
        "company": None if ref.is_family else ref.as_dict(),
        "generated_on": today.isoformat(),
        "members": [
            {
                "id": org,
                "name": names[org],
                "kind": registry.organisation(org).kind,
                "verified": registry.is_verified(registry.organisation(org)),
                "sources": _sources(registry, registry.organisation(org).sources),
            }
            for org in members
        ],
        "ownership": edges,
        "tree": _tree(ref.id, edges, names),
        "products": [
            {
                "id": p.value.id,
                "name": p.value.name,
                "owner": p.value.owner,
                "kind": p.value.kind,
                "verified": registry.is_verified(p.value),
            }
            for p in registry.products.values()
            if p.value.owner in members
        ],
        "sells": [
            {
                "organisation": org,
                "category": s.category,
                "description": s.description,
                "verified": registry.is_verified(s),
                "sources": _sources(registry, s.sources),
            }
            for org in members
            for s in registry.organisation(org).sells
        ],
        "totals": total_rows[0] if total_rows else None,
        "award_summaries": summaries[0] if summaries and summaries[0]["awards"] else None,
        "by_organisation": [
            {**row, "name": names.get(str(row["organisation"]), row["organisation"])}
            for row in rollup("organisation")
        ],
        "by_year_and_agency": by_year,
        "competition": competition,
        "competition_trend": competition_trend(
            about["name"],
            questions.records("dossier:competition-by-award", _competition_by_award(con), **values),
        ),
        "classification": [
            {**row, "label": rules().categories.get(str(row["classification"]), "other")}
            for row in rollup("classification")
        ],
        "top_awards": questions.rows(f"dossier:top:{top}", _top_awards(top), **values),
        # apart from every figure above: a sub-award's dollars are its prime award's already
        "subawards": (
            family_subawards(con, family_id, None if ref.is_family else members) if extras else None
        ),
        "claims": [
            c
            for c in (_claims(questions, registry, family_id, members) if claims else [])
            if ref.is_family or c["subject"] in members
        ],
        "sanctuary": (
            sanctuary_places(con, registry, family=family_id, orgs=[] if ref.is_family else members)
            if extras
            else []
        ),
        # Statements, hearings, actions and the awards' milestones, on the money's time axis.
        "timeline": (family_timeline(con, registry, org_id, questions=questions) if extras else []),
        "data_sources": sources,
        "limits": limits,
        "coverage": covered.as_dict(),
    }
