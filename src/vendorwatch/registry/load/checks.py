"""The checks across files: every id unique and every reference resolving, every fact
sourced (and 'verified' only on a checked source), ownership without overlaps or cycles, one
organisation per exact name or identifier. `check_registry` reads and checks a folder."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from vendorwatch.errors import Location
from vendorwatch.registry.load.problems import Problem, RegistryError
from vendorwatch.registry.load.read import FileState, Reader, re2_error
from vendorwatch.registry.load.registry import Entry, Registry
from vendorwatch.registry.load.roots import active_root
from vendorwatch.registry.models import (
    Alternative,
    Claim,
    ClassificationRule,
    Event,
    Fact,
    FoiaOffice,
    Override,
    Ownership,
    Product,
    Source,
)
from vendorwatch.registry.yamlfile import PathKey

K = TypeVar("K")


def _walk_facts(model: BaseModel, path: PathKey) -> Iterator[tuple[Fact, PathKey]]:
    """Every fact inside ``model`` (itself included), with its path in the file."""
    if isinstance(model, Fact):
        yield model, path
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            if isinstance(item, BaseModel):
                sub = (*path, name) if index is None else (*path, name, index)
                yield from _walk_facts(item, sub)


def _claimed_by_another(
    seen: dict[K, tuple[str, Location]], key: K, org_id: str, where: Location
) -> tuple[str, Location] | None:
    """The organisation that wrote ``key`` first, and where, when it is not ``org_id``.

    The first organisation to write a name or identifier keeps it; each later one is told.
    """
    first = seen.setdefault(key, (org_id, where))
    return first if first[0] != org_id else None


SECOND_HAND_WORDS = re.compile(
    r"\b(?:as (?:quoted|summarised|summarized|cited|reported) (?:in|by)|per the research notes|"
    r"via a reprint)\b",
    re.IGNORECASE,
)


class _Checker(Reader):
    """Reads the folder (`Reader`), then checks what was read as a whole."""

    def run(self) -> None:
        self.read_all()
        self.check_ids_and_sources()
        self.check_references()
        self.check_ownership()
        self.check_names()
        self.registry.index_ownership()
        self.problems.sort()

    def check_ids_and_sources(self) -> None:
        sources = self.registry.sources
        for state, path, item in self.items:
            if isinstance(item, Source):
                self.check_source(state, path, item)
                continue
            inherited: dict[PathKey, list[str]] = {}
            for fact, fpath in _walk_facts(item, path):
                top = fpath == path
                line = state.located.line((*fpath, "sources"))
                if top and not fact.sources:
                    what = getattr(item, "id", None) or getattr(item, "name", None) or path[0]
                    self.problem(state, line, f"{path[0]} {what!r} has no source")
                for sid in fact.sources:
                    if sid not in sources:
                        self.problem(state, line, f"unknown source {sid!r}")
                parent = next(
                    (
                        inherited[fpath[:n]]
                        for n in range(len(fpath) - 1, 0, -1)
                        if fpath[:n] in inherited
                    ),
                    [],
                )
                cited = list(fact.sources) or parent
                inherited[fpath] = cited
                if "verified" in fact.model_fields_set and fact.verified:
                    checked = [s for s in cited if s in sources and sources[s].value.verified]
                    if not checked:
                        self.problem(
                            state,
                            state.located.line((*fpath, "verified")),
                            "says 'verified: true' but cites no checked source (a source with "
                            "a 'checked' record that is not second-hand)",
                        )

    def check_source(self, state: FileState, path: PathKey, source: Source) -> None:
        """A source read through another text must say so; it is then never verified."""
        text = " ".join(t for t in (source.document, source.note) if t)
        quoted = SECOND_HAND_WORDS.search(text)
        if not source.second_hand and quoted is not None:
            self.problem(
                state,
                state.located.line(path),
                f"source {source.id!r} is known only as another text quotes it "
                f"({quoted.group(0)!r}): mark it 'second_hand: true'",
            )

    def check_references(self) -> None:
        orgs = self.registry.organisations
        for state, path, item in self.items:
            refs: list[tuple[str, str | None]] = []
            if isinstance(item, Ownership):
                refs = [("parent", item.parent), ("child", item.child)]
            elif isinstance(item, Product):
                refs = [("owner", item.owner)]
            elif isinstance(item, FoiaOffice):
                refs = [("agency", item.agency)]
            elif isinstance(item, Claim):
                refs = [("subject", item.subject)]
                self.check_category(state, path, item.category)
            elif isinstance(item, Event):
                refs = [(f"families.{i}", f) for i, f in enumerate(item.families)]
                self.check_event_claims(state, path, item)
            elif isinstance(item, Override):
                refs = [("organisation", item.organisation)]
            elif isinstance(item, ClassificationRule):
                self.check_rule(state, path, item)
            elif isinstance(item, Alternative):
                refs = [("organisation", item.organisation)]
                for i, product in enumerate(item.replaces):
                    self.check_known(
                        state, (*path, "replaces", i), product, self.registry.products,
                        f"replaces {product!r}: no such product",
                    )  # fmt: skip
            for key, ref in refs:
                where = tuple(int(k) if k.isdigit() else k for k in key.split("."))
                self.check_known(
                    state, (*path, *where), ref, orgs,
                    f"{key} {ref!r} is no organisation in the registry",
                )  # fmt: skip

    def check_known(
        self,
        state: FileState,
        at: PathKey,
        ref: str | None,
        table: Mapping[str, object],
        message: str,
    ) -> None:
        """A reference by id must name an item of ``table``; the problem is at the reference."""
        if ref is not None and ref not in table:
            self.problem(state, state.located.line(at), message)

    def check_category(self, state: FileState, path: PathKey, category: str | None) -> None:
        self.check_known(
            state, (*path, "category"), category, self.registry.categories,
            f"category {category!r} is no classification category",
        )  # fmt: skip

    def check_event_claims(self, state: FileState, path: PathKey, event: Event) -> None:
        for i, claim_id in enumerate(event.claims):
            self.check_known(
                state, (*path, "claims", i), claim_id, self.registry.claims,
                f"claims {claim_id!r}: no such claim",
            )  # fmt: skip

    def check_rule(self, state: FileState, path: PathKey, rule: ClassificationRule) -> None:
        self.check_category(state, path, rule.category)
        if "other" not in self.registry.categories:
            line = state.located.line(path)
            self.problem(state, line, "no classification category 'other' for unmatched awards")
        if rule.pattern is not None and (error := re2_error(rule.pattern)):
            line = state.located.line((*path, "pattern"))
            self.problem(state, line, f"pattern is not a valid RE2 expression: {error}")

    def check_ownership(self) -> None:
        by_child: dict[str, list[Entry[Ownership]]] = defaultdict(list)
        for entry in self.registry.ownership:
            edge = entry.value
            line = entry.where.line or 0
            shown = self.shown(entry.where)
            if edge.parent == edge.child:
                self.problems.append(Problem(shown, line, f"{edge.child!r} cannot own itself"))
            if edge.since and edge.until and edge.since >= edge.until:
                self.problems.append(
                    Problem(shown, line, f"since {edge.since} is not before until {edge.until}")
                )
            by_child[edge.child].append(entry)
        for child, entries in by_child.items():
            ordered = sorted(entries, key=lambda e: e.value.since or date.min)
            for a, b in itertools.pairwise(ordered):
                a_end = a.value.until or date.max
                b_start = b.value.since or date.min
                if b_start < a_end:
                    # Reported at both edges: either may be the one to correct.
                    for this, other in ((b, a), (a, b)):
                        self.problem_at(
                            this.where,
                            f"{child!r} has two owners at once: {this.value.parent!r} "
                            f"overlaps {other.value.parent!r} (at {other.where})",
                        )
        self.check_cycles()

    def check_cycles(self) -> None:
        children: dict[str, list[Entry[Ownership]]] = defaultdict(list)
        for entry in self.registry.ownership:
            children[entry.value.parent].append(entry)
        state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
        reported: set[frozenset[str]] = set()

        def visit(node: str, path: list[Entry[Ownership]]) -> None:
            state[node] = 1
            for entry in children.get(node, ()):
                nxt = entry.value.child
                if state.get(nxt) == 1:
                    edges = [*path, entry]
                    first = next(i for i, e in enumerate(edges) if e.value.parent == nxt)
                    loop = edges[first:]
                    members = frozenset(e.value.child for e in loop)
                    if members in reported:
                        continue
                    reported.add(members)
                    names = " → ".join([nxt, *(e.value.child for e in loop)])
                    at = "; ".join(str(e.where) for e in loop)
                    self.problem_at(entry.where, f"ownership cycle: {names} (edges at {at})")
                elif nxt not in state:
                    visit(nxt, [*path, entry])
            state[node] = 2

        for node in sorted(children):
            if node not in state:
                visit(node, [])

    def problem_at(self, where: Location, message: str) -> None:
        """A problem at an item already read (its file and line)."""
        self.problems.append(Problem(self.shown(where), where.line or 0, message))

    def check_names(self) -> None:
        """One exact name or identifier must lead to one organisation, or resolution guesses."""
        seen_names: dict[str, tuple[str, Location]] = {}
        seen_ids: dict[tuple[str, str], tuple[str, Location]] = {}
        for org_id, entry in self.registry.organisations.items():
            org = entry.value
            for alias in org.aliases:
                key = " ".join(alias.name.upper().split())
                if first := _claimed_by_another(seen_names, key, org_id, entry.where):
                    self.problem_at(
                        entry.where,
                        f"alias {alias.name!r} of {org_id!r} is already an alias of "
                        f"{first[0]!r} (at {first[1]})",
                    )
            for ident in org.identifiers:
                ikey = (ident.scheme, ident.value)
                if first := _claimed_by_another(seen_ids, ikey, org_id, entry.where):
                    self.problem_at(
                        entry.where,
                        f"{ident.scheme.upper()} {ident.value} of {org_id!r} already "
                        f"belongs to {first[0]!r} (at {first[1]})",
                    )
        seen_over: dict[str, Location] = {}
        for o in self.registry.overrides:
            okey = o.value.name.upper() if o.value.name else f"uei:{o.value.uei}"
            if okey in seen_over:
                self.problem_at(
                    o.where, f"a second override for {okey!r} (first at {seen_over[okey]})"
                )
            seen_over.setdefault(okey, o.where)


def check_registry(root: Path | None = None) -> tuple[Registry, list[Problem]]:
    """Read every file under ``root`` and return what loaded plus every problem found."""
    checker = _Checker(root or active_root())
    checker.run()
    return checker.registry, checker.problems


def load_registry(root: Path | None = None) -> Registry:
    """The registry, or a `RegistryError` naming the first problem and how many there are."""
    registry, problems = check_registry(root)
    if problems:
        more = (
            f" (and {len(problems) - 1} more; run `vendorwatch registry check`)"
            if len(problems) > 1
            else ""
        )
        raise RegistryError(f"registry problem: {problems[0]}{more}")
    return registry
