"""Resolving a recipient to an organisation and its family, with the reason for each decision.

Order (first that decides wins): a curator's override → the recipient's own UEI → the SAM
parent UEI → DUNS → an exact registry alias → the normalised name → fuzzy matching over whole
words. Fuzzy matches above ``accept`` are taken; between ``review`` and ``accept``, or when two
organisations score alike, the name goes to the review queue and resolves to nothing. A name
that nothing matches resolves to nothing — never to the closest family.

The organisation does not depend on a date; the family does: it is read from the registry's
ownership edges as of the transaction date.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from rapidfuzz import fuzz

from vendorwatch.registry import Registry
from vendorwatch.registry.models import Alias, Fact
from vendorwatch.resolve.normalise import GENERIC, exact_key, tokens

Method = Literal[
    "override", "uei", "parent_uei", "duns", "alias", "normalised", "fuzzy", "review", "none"
]

ACCEPT = 95.0
REVIEW = 85.0
# A word shared by more keys than this is too common to propose candidates ("SERVICES").
MAX_BLOCK_FREQUENCY = 40
MAX_BLOCK_TOKENS = 3
# Words that never propose a candidate on their own: a shared "TECHNOLOGY" makes
# "BLUE TECH INC." look like "L3 TECHNOLOGIES" to a scorer, not to a reader.
COMMON_WORDS = frozenset(GENERIC.values()) | {
    "AND", "OF", "THE", "GROUP", "FEDERAL", "GLOBAL", "AMERICA", "AMERICAN", "US", "USA",
    "NATIONAL", "SECURITY", "DATA", "CONSTRUCTION", "HOLDINGS", "PARTNERS", "CONSULTING",
    "SUPPORT", "DEFENSE", "AEROSPACE", "RESEARCH", "HEALTH", "MEDICAL", "ENGINEERING",
    "CENTER", "GOVT", "JOINT", "VENTURE", "JV", "COUNTY", "CITY", "NORTH", "SOUTH",
    "EAST", "WEST", "NEW", "FIRST", "ADVANCED", "INTEGRATED", "STRATEGIC", "PROFESSIONAL",
    "INFORMATION", "TECHNICAL", "ENVIRONMENTAL", "CONTRACTING", "FACILITY", "MECHANICAL",
    "ELECTRIC", "ELECTRICAL", "COMPANIES", "LOGISTICS", "SUPPLY", "CONTRACTORS", "BUILDERS",
}  # fmt: skip


def _distinctive(words: list[str]) -> str:
    """The words that tell companies apart; all of them if none are distinctive."""
    kept = [w for w in words if w not in COMMON_WORDS]
    return " ".join(kept or words)


@dataclass(frozen=True)
class Match:
    """The date-independent part of a decision: which organisation, how, and why."""

    organisation: str | None
    method: Method
    score: float | None
    reason: str
    candidate: str | None = None
    verified: bool = True


@dataclass(frozen=True)
class Decision:
    """One recipient's resolution, as shown to users and stored in the warehouse."""

    name: str
    organisation: str | None
    family: str | None
    method: Method
    score: float | None
    reason: str
    candidate: str | None
    as_of: date | None
    verified: bool
    # How the organisation's family follows: each ownership edge with its sources.
    family_reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "organisation": self.organisation,
            "family": self.family,
            "method": self.method,
            "score": self.score,
            "reason": self.reason,
            "candidate": self.candidate,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "verified": self.verified,
            "family_reason": self.family_reason,
        }


def _score(a: str, b: str, **_: Any) -> float:
    """Word order ignored (token sort) or spacing ignored (plain ratio), whichever is higher.

    Both compare whole normalised names, so a short name inside a long one scores low.
    """
    return max(fuzz.token_sort_ratio(a, b), fuzz.ratio(a, b))


def _digits(words: list[str]) -> list[str]:
    """The numbers in a name, wherever the spaces fall ("L3 HARRIS" and "L3HARRIS" agree)."""
    return re.findall(r"[0-9]+", "".join(words))


class Resolver:
    """Indexes of the registry's identifiers and names, built once, queried per name."""

    def __init__(
        self, registry: Registry, *, accept: float = ACCEPT, review: float = REVIEW
    ) -> None:
        self.registry = registry
        self.accept = accept
        self.review = review
        self._overrides_by_name: dict[str, tuple[str | None, str, bool]] = {}
        self._overrides_by_uei: dict[str, tuple[str | None, str, bool]] = {}
        for override in registry.overrides:
            o = override.value
            value = (o.organisation, o.reason, registry.is_verified(o))
            if o.name is not None:
                self._overrides_by_name[exact_key(o.name)] = value
            if o.uei is not None:
                self._overrides_by_uei[o.uei] = value
        self._ids: dict[tuple[str, str], tuple[str, bool]] = {}
        self._exact: dict[str, tuple[str, str, bool]] = {}
        self._former: dict[str, date] = {}  # exact key of a former name -> the day it ended
        self._norm: dict[str, dict[str, str]] = defaultdict(dict)  # key → {org: alias}
        self._formal: dict[str, dict[str, str]] = defaultdict(dict)  # legal form kept
        for org_id, org_entry in registry.organisations.items():
            org = org_entry.value
            for ident in org.identifiers:
                verified = registry.is_verified(ident) and registry.is_verified(org)
                self._ids[(ident.scheme, ident.value)] = (org_id, verified)
            names: list[tuple[str, Fact | None]] = [(a.name, a) for a in org.aliases]
            names.append((org.name, None))
            for name, fact in names:
                verified = registry.is_verified(org) and (
                    fact is None or registry.is_verified(fact)
                )
                if fact is not None:
                    self._exact.setdefault(exact_key(name), (org_id, name, verified))
                    if isinstance(fact, Alias) and fact.until is not None:
                        self._former.setdefault(exact_key(name), fact.until)
                key = " ".join(tokens(name))
                if key:
                    self._norm[key].setdefault(org_id, name)
                    self._formal[" ".join(tokens(name, keep_legal_form=True))].setdefault(
                        org_id, name
                    )
        self._keys = list(self._norm)
        self._key_words = {k: k.split() for k in self._keys}
        self._distinct = [_distinctive(self._key_words[k]) for k in self._keys]
        self._block: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self._keys):
            words = self._key_words[key]
            for word in {*words, *self._joined(words)}:
                self._block[word].append(i)

    @staticmethod
    def _joined(words: list[str]) -> list[str]:
        """The first two words run together, so "LEXIS NEXIS" meets "LEXISNEXIS"."""
        return ["".join(words[:2])] if len(words) > 1 else []

    def _name(self, org_id: str) -> str:
        return self.registry.organisation(org_id).name

    # -- steps -------------------------------------------------------------------------

    def match(
        self,
        name: str,
        *,
        uei: str | None = None,
        duns: str | None = None,
        parent_uei: str | None = None,
    ) -> Match:
        """Which organisation ``name`` (with its identifiers, if known) is, and why."""
        uei = (uei or "").strip().upper() or None
        parent_uei = (parent_uei or "").strip().upper() or None
        duns = (duns or "").strip() or None
        if duns is not None and duns.isdigit() and len(duns) < 9:
            duns = duns.zfill(9)  # spreadsheets drop DUNS's leading zeros
        key = exact_key(name)
        if key in self._overrides_by_name:
            org, why, ok = self._overrides_by_name[key]
            return Match(org, "override", None, f"registry override for this name: {why}", None, ok)
        if uei is not None and uei in self._overrides_by_uei:
            org, why, ok = self._overrides_by_uei[uei]
            return Match(org, "override", None, f"registry override for UEI {uei}: {why}", None, ok)
        if uei is not None and ("uei", uei) in self._ids:
            org, ok = self._ids[("uei", uei)]
            return Match(org, "uei", None, self._id_reason("UEI", uei, org, ok), None, ok)
        if parent_uei is not None and ("uei", parent_uei) in self._ids:
            return self._by_parent(name, parent_uei)
        if duns is not None and ("duns", duns) in self._ids:
            org, ok = self._ids[("duns", duns)]
            return Match(org, "duns", None, self._id_reason("DUNS", duns, org, ok), None, ok)
        return self.match_name(name)

    def _id_reason(self, scheme: str, value: str, org: str, verified: bool) -> str:
        flag = "" if verified else " (unverified)"
        return f"{scheme} {value} is {self._name(org)}'s in the registry{flag}"

    def _by_parent(self, name: str, parent_uei: str) -> Match:
        parent, ok = self._ids[("uei", parent_uei)]
        by_name = self.match_name(name)
        if by_name.organisation is not None:
            if parent in self.registry.chain(by_name.organisation):
                return Match(
                    by_name.organisation,
                    "parent_uei",
                    by_name.score,
                    f"SAM parent UEI {parent_uei} is {self._name(parent)}'s, and the name "
                    f"matches its subsidiary ({by_name.reason})",
                    None,
                    ok and by_name.verified,
                )
            if by_name.method in ("alias", "normalised"):
                return Match(
                    None,
                    "review",
                    None,
                    f"conflict: SAM parent UEI {parent_uei} is {self._name(parent)}'s, but "
                    f"the name is {self._name(by_name.organisation)}'s ({by_name.reason}); "
                    "add a registry override",
                    by_name.organisation,
                    False,
                )
        return Match(
            parent,
            "parent_uei",
            None,
            f"SAM parent UEI {parent_uei} is {self._name(parent)}'s in the registry"
            + ("" if ok else " (unverified)"),
            None,
            ok,
        )

    def match_name(self, name: str) -> Match:
        """Resolution by name alone: exact alias, normalised name, then fuzzy words."""
        hit = self._exact.get(exact_key(name))
        if hit is not None:
            org, alias, ok = hit
            flag = "" if ok else " (unverified)"
            until = self._former.get(exact_key(name))
            former = f", its name until {until.isoformat()}" if until else ""
            reason = f"exact registry alias {alias!r} of {self._name(org)}{former}{flag}"
            return Match(org, "alias", None, reason, None, ok)
        words = tokens(name)
        key = " ".join(words)
        if not key:
            return Match(None, "none", None, "the name has no letters or digits")
        orgs = self._norm.get(key)
        if orgs and len(orgs) > 1:
            # "RELX INC" must not be lost between RELX PLC and RELX Inc.: the legal form decides.
            formal = self._formal.get(" ".join(tokens(name, keep_legal_form=True)), {})
            if len(formal) == 1:
                orgs = formal
        if orgs and all(w in COMMON_WORDS for w in words):
            listed = ", ".join(sorted(orgs))
            return Match(
                None,
                "review",
                None,
                f"normalised name {key!r} has only generic words; it equals {listed}'s",
                next(iter(orgs)),
            )
        if orgs:
            if len(orgs) == 1:
                ((org, alias),) = orgs.items()
                ok = self._exact.get(exact_key(alias), (org, alias, True))[2]
                return Match(
                    org,
                    "normalised",
                    None,
                    f"normalised name {key!r} equals that of registry name {alias!r}",
                    None,
                    ok,
                )
            listed = ", ".join(sorted(orgs))
            return Match(
                None, "review", None, f"normalised name {key!r} is shared by {listed}", None
            )
        return self._fuzzy(words, key)

    def _fuzzy(self, words: list[str], key: str) -> Match:
        probes = [
            w for w in {*words, *self._joined(words)} if w in self._block and w not in COMMON_WORDS
        ]
        probes = [w for w in probes if len(self._block[w]) <= MAX_BLOCK_FREQUENCY]
        probes.sort(key=lambda w: len(self._block[w]))
        candidates = sorted({i for w in probes[:MAX_BLOCK_TOKENS] for i in self._block[w]})
        if not candidates:
            return Match(
                None, "none", None, "no identifier, alias or name shares a distinctive word"
            )
        # A candidate must be close both as a whole name and in its distinctive words:
        # "SLAM TECHNICAL SERVICES" is not "AECOM TECHNICAL SERVICES" however alike the
        # generic tail, and "SATELLITE SERVICES" is not "SATELLITE INDUSTRIES".
        mine = _distinctive(words)
        scored = sorted(
            (
                (min(_score(key, self._keys[i]), _score(mine, self._distinct[i])), self._keys[i])
                for i in candidates
            ),
            key=lambda pair: (-pair[0], pair[1]),
        )
        found = [(k, sc, 0) for sc, k in scored[:5] if sc >= self.review]
        if not found:
            return Match(
                None, "none", None, f"no registry name within score {self.review:g} of {key!r}"
            )
        best_key, score, _ = found[0]
        best_orgs = self._norm[best_key]
        best_org = next(iter(best_orgs))
        rivals = [
            (k, s)
            for k, s, _ in found[1:]
            if s >= score - 2 and set(self._norm[k]) != set(best_orgs)
        ]
        score = round(float(score), 1)
        shown = f"{key!r} ~ {best_key!r} (score {score:g})"
        if len(best_orgs) > 1 or rivals:
            others = ", ".join(k for k, _ in rivals) or ", ".join(sorted(best_orgs))
            return Match(None, "review", score, f"{shown}, but also close to {others}", best_org)
        if score < self.accept:
            return Match(
                None, "review", score, f"{shown} is below {self.accept:g}: needs review", best_org
            )
        if _digits(words) != _digits(self._key_words[best_key]):
            return Match(None, "review", score, f"{shown}, but their numbers differ", best_org)
        ok = self.registry.is_verified(self.registry.organisation(best_org))
        return Match(best_org, "fuzzy", score, shown, None, ok)

    # -- decisions -----------------------------------------------------------------------

    def family_reason(self, org_id: str, on: date | None) -> str:
        """Why the organisation is in its family: each ownership edge and what it rests on."""
        chain = self.registry.chain(org_id, on)
        if len(chain) == 1:
            note = self.registry.organisation(org_id).note
            return f"{self._name(org_id)} has no owner in the registry: it heads its own family" + (
                f" ({note.strip()})" if note else ""
            )
        steps = []
        for child in chain[:-1]:
            edge = self.registry.parent(child, on)
            if edge is None:  # pragma: no cover - chain() only follows edges
                break
            cited = [
                self.registry.sources[s].value.title
                for s in edge.sources
                if s in self.registry.sources
            ]
            flag = "" if self.registry.is_verified(edge) else ", unverified"
            since = f" since {edge.since.isoformat()}" if edge.since else ""
            steps.append(
                f"{self._name(child)} is owned by {self._name(edge.parent)}{since} "
                f"({'; '.join(cited) or 'no source'}{flag})"
            )
        return "; ".join(steps)

    def family_of(self, org_id: str, on: date | None) -> tuple[str, bool]:
        """The family on a date, and whether every ownership edge used is verified."""
        chain = self.registry.chain(org_id, on)
        ok = True
        for child in chain[:-1]:
            edge = self.registry.parent(child, on)
            ok = ok and edge is not None and self.registry.is_verified(edge)
        return chain[-1], ok

    def resolve(
        self,
        name: str,
        *,
        uei: str | None = None,
        duns: str | None = None,
        parent_uei: str | None = None,
        on: date | None = None,
    ) -> Decision:
        """The full decision for one recipient as of ``on`` (today if not given)."""
        m = self.match(name, uei=uei, duns=duns, parent_uei=parent_uei)
        family: str | None = None
        family_reason: str | None = None
        verified = m.verified
        if m.organisation is not None:
            family, chain_ok = self.family_of(m.organisation, on)
            family_reason = self.family_reason(m.organisation, on)
            verified = verified and chain_ok
        return Decision(
            name=name,
            organisation=m.organisation,
            family=family,
            method=m.method,
            score=m.score,
            reason=m.reason,
            candidate=m.candidate,
            as_of=on,
            verified=verified,
            family_reason=family_reason,
        )
