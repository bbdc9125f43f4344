"""Loading the registry and checking it: every problem, each with its file and line.

The registry is a folder of YAML files; each file may hold any of the sections in
`models.SECTIONS`. Items are validated one at a time so that one bad entry neither hides the
problems of the others nor takes valid entries down with it.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from vendorwatch.errors import Location, VendorwatchError
from vendorwatch.registry.models import (
    SECTIONS,
    Alias,
    Alternative,
    Claim,
    ClassificationCategory,
    ClassificationRule,
    ClassificationSpelling,
    Event,
    Fact,
    FoiaOffice,
    JurisdictionList,
    Organisation,
    Override,
    Ownership,
    Product,
    RecipientList,
    Source,
)
from vendorwatch.registry.yamlfile import LocatedYaml, PathKey, read_yaml

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the registry, where a curator must look to fix it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.message}"
            if self.line
            else (f"{self.file}: {self.message}")
        )

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line or None, "message": self.message}


@dataclass(frozen=True)
class Entry(Generic[T]):
    """A validated item and where it was written."""

    value: T
    where: Location


class RegistryError(VendorwatchError):
    """The registry has problems; `vendorwatch registry check` lists them all."""


def default_root() -> Path:
    """The registry shipped inside the package (``vendorwatch/registry/data``)."""
    return Path(str(resources.files("vendorwatch.registry") / "data"))


def recipient_id(name: str) -> str:
    """A stable id for a recipient registered as its own organisation."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"r-{slug[:70].rstrip('-')}"


def _today() -> date:
    return date.today()


def _active(edge: Ownership, on: date) -> bool:
    return (edge.since is None or edge.since <= on) and (edge.until is None or on < edge.until)


@dataclass
class Registry:
    """Everything curated, by id, with where each item was written."""

    root: Path
    sources: dict[str, Entry[Source]] = field(default_factory=dict)
    organisations: dict[str, Entry[Organisation]] = field(default_factory=dict)
    ownership: list[Entry[Ownership]] = field(default_factory=list)
    products: dict[str, Entry[Product]] = field(default_factory=dict)
    alternatives: dict[str, Entry[Alternative]] = field(default_factory=dict)
    foia_offices: dict[str, Entry[FoiaOffice]] = field(default_factory=dict)
    jurisdiction_lists: dict[str, Entry[JurisdictionList]] = field(default_factory=dict)
    claims: dict[str, Entry[Claim]] = field(default_factory=dict)
    # Dated events on families' accountability timelines (vendorwatch.analysis.timeline).
    events: dict[str, Entry[Event]] = field(default_factory=dict)
    overrides: list[Entry[Override]] = field(default_factory=list)
    categories: dict[str, Entry[ClassificationCategory]] = field(default_factory=dict)
    # In file order: the first rule that matches an award decides its class.
    classification_rules: dict[str, Entry[ClassificationRule]] = field(default_factory=dict)
    # Misspellings read as the right word before the rules run, by the wrong word.
    spellings: dict[str, Entry[ClassificationSpelling]] = field(default_factory=dict)
    _parents: dict[str, list[Ownership]] = field(default_factory=dict, repr=False)
    _members: dict[str, list[str]] | None = field(default=None, repr=False)
    # id(nested fact) -> the sources of the item it is written in (for facts citing none)
    _inherited: dict[int, tuple[str, ...]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.index_ownership()

    def index_ownership(self) -> None:
        """Index the ownership edges; call again after changing organisations or edges."""
        self._parents = defaultdict(list)
        for edge in self.ownership:
            self._parents[edge.value.child].append(edge.value)
        self._members = None
        self._inherited = None

    def members(self, family_id: str) -> list[str]:
        """Organisations that belong or once belonged to the family, in registry order.

        Worked out for every family at once on first use (~40 ms over ~1,100 organisations)
        and kept: a dossier asks it on every request.
        """
        if self._members is None:
            found: dict[str, list[str]] = defaultdict(list)
            for org_id in self.organisations:
                for fam in dict.fromkeys(f for f, _, _ in self.family_periods(org_id)):
                    found[fam].append(org_id)
            self._members = dict(found)
        return list(self._members.get(family_id, ()))

    def organisation(self, org_id: str) -> Organisation:
        return self.organisations[org_id].value

    def parent(self, org_id: str, on: date | None = None) -> Ownership | None:
        """The edge to ``org_id``'s owner on a date (today if none), if it has one."""
        day = on or _today()
        for edge in self._parents.get(org_id, ()):
            if _active(edge, day):
                return edge
        return None

    def chain(self, org_id: str, on: date | None = None) -> list[str]:
        """``org_id``, its owner, its owner's owner … as of a date."""
        chain = [org_id]
        while (edge := self.parent(chain[-1], on)) is not None and edge.parent not in chain:
            chain.append(edge.parent)
        return chain

    def family(self, org_id: str, on: date | None = None) -> str:
        """The top of the ownership chain on a date: the family a reader thinks in."""
        return self.chain(org_id, on)[-1]

    def change_dates(self) -> list[date]:
        """Every date on which some ownership edge starts or ends."""
        days = {d for e in self.ownership for d in (e.value.since, e.value.until) if d}
        return sorted(days)

    def family_periods(self, org_id: str) -> list[tuple[str, date | None, date | None]]:
        """``(family, from, until)`` spans over which ``org_id``'s family stays the same."""
        days = self.change_dates()
        starts: list[date | None] = [None, *days]
        periods: list[tuple[str, date | None, date | None]] = []
        for i, start in enumerate(starts):
            until = starts[i + 1] if i + 1 < len(starts) else None
            probe = (
                start
                if start is not None
                else (days[0].replace(year=days[0].year - 1) if days else _today())
            )
            fam = self.family(org_id, probe)
            if periods and periods[-1][0] == fam:
                periods[-1] = (fam, periods[-1][1], until)
            else:
                periods.append((fam, start, until))
        return periods

    def cited(self, fact: Fact) -> list[str]:
        """The sources a fact rests on: its own, else those of the item it is written in."""
        if fact.sources:
            return list(fact.sources)
        inherited = self._inherited
        if inherited is None:  # built whole, then published: the site's threads share it
            inherited = {}
            for table in self._fact_tables():
                for entry in table:
                    _inherit(entry.value, (), inherited)
            self._inherited = inherited
        return list(inherited.get(id(fact), ()))

    def _fact_tables(self) -> list[Any]:
        return [
            self.organisations.values(),
            self.products.values(),
            self.alternatives.values(),
            self.foia_offices.values(),
            self.jurisdiction_lists.values(),
            self.claims.values(),
            self.events.values(),
            self.classification_rules.values(),
            self.ownership,
            self.overrides,
        ]

    def is_verified(self, fact: Fact) -> bool:
        """Verified only when not held back and resting on a source someone has checked.

        A fact with no source (of its own or of the item it sits in) is never verified; nor
        is one whose every source is unchecked or second-hand.
        """
        if not fact.verified:
            return False
        return any(s in self.sources and self.sources[s].value.verified for s in self.cited(fact))


# ---------------------------------------------------------------------------------------


@dataclass
class _FileState:
    path: Path
    shown: str
    located: LocatedYaml


def _shown(path: Path) -> str:
    """A path as a reader can open it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def _error_message(error: Any) -> str:
    loc = ".".join(str(p) for p in error["loc"] if not isinstance(p, int))
    msg = str(error["msg"]).removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


def re2_error(pattern: str) -> str | None:
    """Why the warehouse engine (DuckDB, whose regular expressions are RE2) refuses a pattern."""
    import duckdb  # noqa: PLC0415 - only the check needs it

    try:
        duckdb.connect().execute("SELECT regexp_matches('', ?)", [pattern]).fetchall()
    except duckdb.Error as error:
        return str(error).splitlines()[0]
    return None


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


def _inherit(model: BaseModel, parent: tuple[str, ...], out: dict[int, tuple[str, ...]]) -> None:
    """Record, for every nested fact citing nothing, the sources it inherits."""
    own = tuple(model.sources) if isinstance(model, Fact) else ()
    if isinstance(model, Fact) and not own and parent:
        out[id(model)] = parent
    here = own or parent
    for name in type(model).model_fields:
        value = getattr(model, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, BaseModel):
                _inherit(item, here, out)


SECOND_HAND_WORDS = re.compile(
    r"\b(?:as (?:quoted|summarised|summarized|cited|reported) (?:in|by)|per the research notes|"
    r"via a reprint)\b",
    re.IGNORECASE,
)


class _Checker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.registry = Registry(root=root)
        self.files: list[_FileState] = []
        # (file state, path, section item) for the cross-file checks
        self.items: list[tuple[_FileState, PathKey, BaseModel]] = []

    def problem(self, state: _FileState, line: int | None, message: str) -> None:
        self.problems.append(Problem(state.shown, line or 0, message))

    def where(self, state: _FileState, path: PathKey) -> Location:
        return Location(state.path, state.located.line(path))

    def run(self) -> None:
        if not self.root.is_dir():
            raise RegistryError(f"no registry folder at {self.root}")
        for path in _files(self.root):
            self.read_file(path)
        self.check_ids_and_sources()
        self.check_references()
        self.check_ownership()
        self.check_names()
        self.registry.index_ownership()
        self.problems.sort()

    def read_file(self, path: Path) -> None:
        state = _FileState(path, _shown(path), read_yaml(path))
        self.files.append(state)
        for p in state.located.problems:
            self.problem(state, p.line, p.message)
        data = state.located.data
        if data is None:
            return
        if not isinstance(data, dict):
            self.problem(state, 1, "a registry file must be a mapping of sections")
            return
        for section, items in data.items():
            line = state.located.line((section,))
            if section not in SECTIONS:
                known = ", ".join(SECTIONS)
                self.problem(state, line, f"unknown section {section!r} (known: {known})")
                continue
            if not isinstance(items, list):
                self.problem(state, line, f"section {section!r} must be a list")
                continue
            model = SECTIONS[section]
            for index, item in enumerate(items):
                self.read_item(state, section, index, item, model)

    def read_item(
        self, state: _FileState, section: str, index: int, item: Any, model: type[BaseModel]
    ) -> None:
        path: PathKey = (section, index)
        try:
            value = model.model_validate(item)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(p for p in error["loc"] if isinstance(p, str | int))
                self.problem(state, state.located.line((*path, *loc)), _error_message(error))
            return
        self.items.append((state, path, value))
        where = self.where(state, path)
        reg = self.registry
        if isinstance(value, RecipientList):
            self.expand_recipients(state, path, value)
            return
        keyed: dict[type[BaseModel], dict[str, Any]] = {
            Source: reg.sources,
            Organisation: reg.organisations,
            Product: reg.products,
            Alternative: reg.alternatives,
            FoiaOffice: reg.foia_offices,
            JurisdictionList: reg.jurisdiction_lists,
            Claim: reg.claims,
            Event: reg.events,
            ClassificationCategory: reg.categories,
            ClassificationRule: reg.classification_rules,
        }
        if isinstance(value, ClassificationSpelling):
            self.add_spelling(state, path, value, where)
            return
        if isinstance(value, Ownership):
            reg.ownership.append(Entry(value, where))
        elif isinstance(value, Override):
            reg.overrides.append(Entry(value, where))
        else:
            self.add_keyed(state, keyed[type(value)], value, where, section)

    def add_keyed(
        self, state: _FileState, table: dict[str, Any], value: Any, where: Location, section: str
    ) -> None:
        key = value.id
        if key in table:
            first = table[key].where
            self.problem(state, where.line, f"{section} id {key!r} already used at {first}")
            return
        table[key] = Entry(value, where)

    def add_spelling(
        self, state: _FileState, path: PathKey, value: ClassificationSpelling, where: Location
    ) -> None:
        if (error := re2_error(value.wrong)) is not None:
            line = state.located.line((*path, "wrong"))
            self.problem(state, line, f"wrong is not a valid RE2 expression: {error}")
            return
        table = self.registry.spellings
        if value.wrong in table:
            first = table[value.wrong].where
            self.problem(state, where.line, f"spelling {value.wrong!r} already given at {first}")
            return
        table[value.wrong] = Entry(value, where)

    def expand_recipients(self, state: _FileState, path: PathKey, value: RecipientList) -> None:
        for i, item in enumerate(value.names):
            names = [item] if isinstance(item, str) else item
            if not names:
                self.problem(state, state.located.line((*path, "names", i)), "empty name group")
                continue
            org = Organisation(
                id=recipient_id(names[0]),
                name=names[0],
                kind="recipient",
                aliases=[Alias(name=n) for n in names],
                sources=value.sources,
                verified=value.verified,
                note=value.title,
            )
            where = self.where(state, (*path, "names", i))
            self.add_keyed(state, self.registry.organisations, org, where, "organisations")

    # -- cross-file checks -------------------------------------------------------------

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

    def check_source(self, state: _FileState, path: PathKey, source: Source) -> None:
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
                self.check_claim_category(state, path, item)
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
                    if product not in self.registry.products:
                        line = state.located.line((*path, "replaces", i))
                        self.problem(state, line, f"replaces {product!r}: no such product")
            for key, ref in refs:
                if ref is not None and ref not in orgs:
                    where = tuple(int(k) if k.isdigit() else k for k in key.split("."))
                    line = state.located.line((*path, *where))
                    self.problem(state, line, f"{key} {ref!r} is no organisation in the registry")

    def check_claim_category(self, state: _FileState, path: PathKey, claim: Claim) -> None:
        if claim.category is not None and claim.category not in self.registry.categories:
            line = state.located.line((*path, "category"))
            self.problem(state, line, f"category {claim.category!r} is no classification category")

    def check_event_claims(self, state: _FileState, path: PathKey, event: Event) -> None:
        for i, claim_id in enumerate(event.claims):
            if claim_id not in self.registry.claims:
                line = state.located.line((*path, "claims", i))
                self.problem(state, line, f"claims {claim_id!r}: no such claim")

    def check_rule(self, state: _FileState, path: PathKey, rule: ClassificationRule) -> None:
        if rule.category not in self.registry.categories:
            line = state.located.line((*path, "category"))
            self.problem(state, line, f"category {rule.category!r} is no classification category")
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
                        self.problems.append(
                            Problem(
                                self.shown(this.where),
                                this.where.line or 0,
                                f"{child!r} has two owners at once: {this.value.parent!r} "
                                f"overlaps {other.value.parent!r} (at {other.where})",
                            )
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
                    self.problems.append(
                        Problem(
                            self.shown(entry.where),
                            entry.where.line or 0,
                            f"ownership cycle: {names} (edges at {at})",
                        )
                    )
                elif nxt not in state:
                    visit(nxt, [*path, entry])
            state[node] = 2

        for node in sorted(children):
            if node not in state:
                visit(node, [])

    def check_names(self) -> None:
        """One exact name or identifier must lead to one organisation, or resolution guesses."""
        seen_names: dict[str, tuple[str, Location]] = {}
        seen_ids: dict[tuple[str, str], tuple[str, Location]] = {}
        for org_id, entry in self.registry.organisations.items():
            org = entry.value
            for alias in org.aliases:
                key = " ".join(alias.name.upper().split())
                if key in seen_names and seen_names[key][0] != org_id:
                    other, where = seen_names[key]
                    self.problems.append(
                        Problem(
                            self.shown(entry.where),
                            entry.where.line or 0,
                            f"alias {alias.name!r} of {org_id!r} is already an alias of "
                            f"{other!r} (at {where})",
                        )
                    )
                seen_names.setdefault(key, (org_id, entry.where))
            for ident in org.identifiers:
                ikey = (ident.scheme, ident.value)
                if ikey in seen_ids and seen_ids[ikey][0] != org_id:
                    other, where = seen_ids[ikey]
                    self.problems.append(
                        Problem(
                            self.shown(entry.where),
                            entry.where.line or 0,
                            f"{ident.scheme.upper()} {ident.value} of {org_id!r} already "
                            f"belongs to {other!r} (at {where})",
                        )
                    )
                seen_ids.setdefault(ikey, (org_id, entry.where))
        seen_over: dict[str, Location] = {}
        for o in self.registry.overrides:
            okey = o.value.name.upper() if o.value.name else f"uei:{o.value.uei}"
            if okey in seen_over:
                self.problems.append(
                    Problem(
                        self.shown(o.where),
                        o.where.line or 0,
                        f"a second override for {okey!r} (first at {seen_over[okey]})",
                    )
                )
            seen_over.setdefault(okey, o.where)

    def shown(self, where: Location) -> str:
        return _shown(where.file)


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


def active_root() -> Path:
    """The registry in use: the ``registry`` setting (``--registry``), else the shipped one."""
    # the light reader: the same value as get_settings(), without pydantic-settings
    from vendorwatch.lightsettings import read_settings  # noqa: PLC0415 - settings read lazily

    return Path(read_settings().registry or default_root())


def registry_fingerprint(root: Path | None = None, *, fresh: bool = False) -> str:
    """A hash of the registry's content (every YAML file's path and bytes): derived data built
    from a registry records it, and a different fingerprint means it must be rebuilt. Files are
    read again only when their size or modification time changed, and looked at no more than
    once a second (the site asks on every query)."""
    root = Path(root or active_root())
    known = _FINGERPRINTS.get(root)
    now = time.monotonic()
    if known is not None and not fresh and now - known[2] < 1.0:
        return known[1]
    files = sorted(root.rglob("*.y*ml"))
    signature = tuple((f.as_posix(), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    if known is not None and known[0] == signature:
        _FINGERPRINTS[root] = (signature, known[1], now)
        return known[1]
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.relative_to(root).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    _FINGERPRINTS[root] = (signature, digest.hexdigest(), now)
    return digest.hexdigest()


_FINGERPRINTS: dict[Path, tuple[tuple[tuple[str, int, int], ...], str, float]] = {}


@lru_cache(maxsize=4)
def _checked(root: Path, fingerprint: str) -> Registry:
    from vendorwatch.registry.cache import read_cached, write_cached  # noqa: PLC0415

    if (registry := read_cached(root, fingerprint)) is not None:
        return registry
    registry = load_registry(root)
    write_cached(root, fingerprint, registry)
    return registry


def shipped_registry() -> Registry:
    """The registry in use (`active_root`), read and checked once per content (~0.5 s), and
    kept between runs in the user cache folder (`vendorwatch.registry.cache`).

    Shared by everything that only reads it (classification rules, resolution during a build,
    the site, dossiers, FOIA offices); load a copy with `load_registry` to change one. Keyed
    by the files' fingerprint, so an edited registry is read again.
    """
    root = active_root()
    return _checked(root, registry_fingerprint(root))
