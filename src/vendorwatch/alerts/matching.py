"""Which warehouse changes (``sync_changes``) a watchlist wants, and why.

A watchlist names one thing — a company family, a company (a registry organisation, with
everything it owns), a product class (the categories of ``registry/data/classification.yaml``) or a
keyword — and narrows it by agencies, a minimum amount and the kinds of change:

- ``new_award``, ``new_modification``, ``end_date_changed``: the change's own kind;
- ``obligation``, ``deobligation``: a new award or modification whose money moved that way.

The warehouse is only read (`vendorwatch.analysis.connect`). A change's recipient is taken to
its organisation through ``recipient_resolutions`` (what ``vendorwatch resolve`` decided);
a recipient the last resolution did not see (a sync brought it) is resolved the same way, by
the registry's `Resolver`, so a watchlist works before the next resolve. The family and the
owners are the registry's ownership chain as of the change's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from vendorwatch.analysis import engine
from vendorwatch.analysis.base import has_resolutions
from vendorwatch.analysis.classification import award_texts, classify, rules
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry
from vendorwatch.resolve import Resolver
from vendorwatch.sources.usaspending import AGENCIES

MATCH_KINDS = ("family", "company", "product_class", "keyword")
CHANGE_KINDS = ("new_award", "new_modification", "obligation", "deobligation", "end_date_changed")
DHS = AGENCIES["dhs"].name


@dataclass(frozen=True)
class Criteria:
    """What a watchlist asks for (the matching part of `vendorwatch.alerts.models.Watchlist`)."""

    match_kind: str
    match_value: str
    agencies: tuple[str, ...] = ()  # keys of AGENCIES; () = any
    min_amount: Decimal | None = None
    change_kinds: tuple[str, ...] = ()  # CHANGE_KINDS; () = every kind
    since: datetime | None = None  # naive UTC; changes detected before it are not alerted


@dataclass(frozen=True)
class WarehouseChange:
    """One ``sync_changes`` row, with what matching needs from the rest of the warehouse."""

    change_id: str
    run_id: str
    detected_at: datetime  # naive UTC, as the warehouse keeps it
    kind: str
    obligation_change: str
    award_key: str
    piid: str | None
    transaction_key: str | None
    modification_number: str | None
    action_date: date | None
    amount: Decimal | None
    old_value: str | None
    new_value: str | None
    recipient_name: str | None
    sub_agency: str | None
    top_agency: str | None
    award_total: Decimal | None
    source_sha256: str | None
    source_row: int | None
    organisation: str | None  # registry organisation of the recipient, if resolved
    resolution: str  # how the organisation was found
    owners: tuple[str, ...]  # the organisation and its owners as of the change's date
    classification: str
    text: str  # the award's texts, upper-cased, for keywords


def validate(criteria: Criteria, registry: Registry) -> None:
    """A `VendorwatchError` saying what is wrong with a watchlist's criteria."""
    kind, value = criteria.match_kind, criteria.match_value.strip()
    if kind not in MATCH_KINDS:
        raise VendorwatchError(f"watch {kind!r}: use one of {', '.join(MATCH_KINDS)}")
    if not value:
        raise VendorwatchError(f"watch {kind}: give a value")
    if kind in ("family", "company") and value not in registry.organisations:
        raise VendorwatchError(
            f"no organisation {value!r} in the registry (see `vendorwatch registry show`)"
        )
    if kind == "family" and registry.family(value) != value:
        raise VendorwatchError(
            f"{value!r} is owned by {registry.family(value)!r}: watch that family, or "
            f"use --company {value}"
        )
    if kind == "product_class" and value not in rules().categories:
        raise VendorwatchError(
            f"no product class {value!r}; known: {', '.join(rules().categories)}"
        )
    if kind == "keyword" and not re.search(r"\w", value):
        raise VendorwatchError(f"keyword {value!r} has no letters or digits")
    for key in criteria.agencies:
        if key not in AGENCIES:
            raise VendorwatchError(f"unknown agency {key!r}; known: {', '.join(AGENCIES)}")
    for change in criteria.change_kinds:
        if change not in CHANGE_KINDS:
            raise VendorwatchError(
                f"unknown change kind {change!r}; known: {', '.join(CHANGE_KINDS)}"
            )
    if criteria.min_amount is not None and criteria.min_amount < 0:
        raise VendorwatchError("the minimum amount cannot be negative")


def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """The keyword as whole words (never a bare substring), any spacing, any case."""
    words = [re.escape(w) for w in keyword.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def match(criteria: Criteria, change: WarehouseChange, registry: Registry) -> str | None:
    """Why ``change`` belongs to the watchlist, or None if it does not."""
    if criteria.since is not None and change.detected_at < criteria.since:
        return None
    if criteria.change_kinds and not (
        change.kind in criteria.change_kinds
        or (change.kind != "end_date_changed" and change.obligation_change in criteria.change_kinds)
    ):
        return None
    if criteria.agencies and not any(_agency_matches(k, change) for k in criteria.agencies):
        return None
    if criteria.min_amount is not None and criteria.min_amount > 0:
        # an end date carries no money: the award's total obligation is what it is worth
        amount = change.award_total if change.kind == "end_date_changed" else change.amount
        if amount is None or abs(amount) < criteria.min_amount:
            return None
    return _criterion(criteria, change, registry)


def _agency_matches(key: str, change: WarehouseChange) -> bool:
    agency = AGENCIES[key]
    if agency.tier == "toptier":
        return change.top_agency == agency.name or (
            change.top_agency is None
            and any(a.name == change.sub_agency for a in AGENCIES.values() if a.tier == "subtier")
        )
    return change.sub_agency == agency.name


def _criterion(criteria: Criteria, change: WarehouseChange, registry: Registry) -> str | None:
    kind, value = criteria.match_kind, criteria.match_value.strip()
    if kind == "product_class":
        if change.classification != value:
            return None
        return f"what the award buys is classed {rules().categories[value]}"
    if kind == "keyword":
        haystack = " | ".join(
            t for t in (change.text, change.recipient_name or "", change.piid or "") if t
        )
        found = keyword_pattern(value).search(haystack)
        return f"the award's texts say {found.group(0)!r}" if found else None
    if change.organisation is None or value not in change.owners:
        return None
    recipient = change.recipient_name or "the recipient"
    org_name = registry.organisation(change.organisation).name
    if change.organisation == value:
        where = f"{recipient} is {org_name} ({change.resolution})"
    else:
        owner = registry.organisation(value).name
        where = f"{recipient} is {org_name} ({change.resolution}), owned by {owner}"
    on = f" on {change.action_date.isoformat()}" if change.action_date else ""
    return f"{kind} {value}: {where}{on}"


# --- reading the warehouse -------------------------------------------------------------------

_CHANGES = """
SELECT c.change_id, c.run_id, c.detected_at, c.kind, c.obligation_change,
       c.contract_award_unique_key, c.award_id_piid, c.contract_transaction_unique_key,
       c.modification_number, c.action_date, c.amount, c.old_value, c.new_value,
       c.recipient_name, c.recipient_uei, c.recipient_parent_uei, c.awarding_sub_agency_name,
       a.awarding_agency_name, a.total_obligated_amount, c.source_sha256, c.source_row
FROM sync_changes c
LEFT JOIN (
    SELECT contract_award_unique_key,
           arg_max(awarding_agency_name, coalesce(last_modified_date, award_latest_action_date))
               AS awarding_agency_name,
           arg_max(total_obligated_amount, coalesce(last_modified_date, award_latest_action_date))
               AS total_obligated_amount
    FROM awards
    WHERE contract_award_unique_key IN (
        SELECT contract_award_unique_key FROM sync_changes WHERE detected_at >= $since)
    GROUP BY contract_award_unique_key
) a USING (contract_award_unique_key)
WHERE c.detected_at >= $since
ORDER BY c.detected_at, c.change_id
"""


def _tables(con: Any) -> set[str]:
    return {n for (n,) in con.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def read_changes(
    con: Any, since: datetime, registry: Registry, resolver: Resolver | None = None
) -> list[WarehouseChange]:
    """The changes recorded at or after ``since`` (naive UTC), ready to match.

    ``con`` is a read-only connection from `vendorwatch.analysis.connect`.
    """
    if "sync_changes" not in _tables(con):
        return []
    rows = con.con.execute(_CHANGES, {"since": since}).fetchall()
    if not rows:
        return []
    keys = sorted({r[5] for r in rows})
    texts = award_texts(con)
    classes = {
        r["award_key"]: (r["category"], r["text"])
        for r in engine.rows(classify(texts.filter(texts.award_key.isin(keys))))
    }
    resolved = _resolutions(con, rows)
    resolver = resolver or Resolver(registry)
    out: list[WarehouseChange] = []
    for r in rows:
        (change_id, run_id, detected_at, kind, direction, award_key, piid, tx_key, mod) = r[:9]
        (action_date, amount, old, new, name, uei, parent_uei, sub_agency) = r[9:17]
        top_agency, award_total, sha, source_row = r[17:]
        org, how = resolved.get((name, uei, parent_uei), (None, ""))
        if not how and name:
            m = resolver.match(name, uei=uei, parent_uei=parent_uei)
            org, how = m.organisation, f"resolved now: {m.reason}"
        owners = (
            tuple(registry.chain(org, action_date))
            if org is not None and org in registry.organisations
            else ()
        )
        category, text = classes.get(award_key, ("other", ""))
        out.append(
            WarehouseChange(
                change_id=change_id,
                run_id=run_id,
                detected_at=detected_at,
                kind=kind,
                obligation_change=direction,
                award_key=award_key,
                piid=piid,
                transaction_key=tx_key,
                modification_number=mod,
                action_date=action_date,
                amount=amount,
                old_value=old,
                new_value=new,
                recipient_name=name,
                sub_agency=sub_agency,
                top_agency=top_agency,
                award_total=award_total,
                source_sha256=sha,
                source_row=source_row,
                organisation=org if owners else None,
                resolution=how,
                owners=owners,
                classification=category or "other",
                text=text or "",
            )
        )
    return out


def _resolutions(con: Any, rows: list[Any]) -> dict[tuple[Any, Any, Any], tuple[str | None, str]]:
    """(name, UEI, parent UEI) → (organisation, reason) as ``vendorwatch resolve`` decided."""
    if not has_resolutions(con):
        return {}
    identities = sorted({(r[13], r[14], r[15]) for r in rows if r[13]}, key=str)
    if not identities:
        return {}
    names = [i[0] for i in identities]
    found = con.con.execute(
        """
        SELECT recipient_name, recipient_uei, recipient_parent_uei,
               any_value(organisation ORDER BY organisation NULLS LAST),
               any_value(reason ORDER BY organisation NULLS LAST)
        FROM recipient_resolutions WHERE recipient_name IN (SELECT unnest($names))
        GROUP BY ALL
        """,
        {"names": names},
    ).fetchall()
    wanted = set(identities)
    return {
        (n, u, p): (org, f"resolution: {reason}")
        for n, u, p, org, reason in found
        if (n, u, p) in wanted
    }
