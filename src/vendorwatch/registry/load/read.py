"""Finding the registry and reading its YAML: every file under the folder, every item
validated on its own (one bad entry neither hides the others' problems nor takes valid entries
down with it), each kept with its file and line."""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from vendorwatch.errors import Location
from vendorwatch.registry.load.problems import Problem, RegistryError
from vendorwatch.registry.load.registry import Entry, Registry
from vendorwatch.registry.models import (
    SECTIONS,
    Alias,
    Alternative,
    Claim,
    ClassificationCategory,
    ClassificationRule,
    ClassificationSpelling,
    Event,
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


def recipient_id(name: str) -> str:
    """A stable id for a recipient registered as its own organisation."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return f"r-{slug[:70].rstrip('-')}"


@dataclass
class FileState:
    """A registry file as read: where it is, how it is shown, its YAML with line numbers."""

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


class Reader:
    """Reads every file under ``root`` into `registry`, noting each problem."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.registry = Registry(root=root)
        self.files: list[FileState] = []
        # (file state, path, section item) for the cross-file checks
        self.items: list[tuple[FileState, PathKey, BaseModel]] = []

    def problem(self, state: FileState, line: int | None, message: str) -> None:
        self.problems.append(Problem(state.shown, line or 0, message))

    def where(self, state: FileState, path: PathKey) -> Location:
        return Location(state.path, state.located.line(path))

    def read_all(self) -> None:
        if not self.root.is_dir():
            raise RegistryError(f"no registry folder at {self.root}")
        for path in _files(self.root):
            self.read_file(path)

    def read_file(self, path: Path) -> None:
        state = FileState(path, _shown(path), read_yaml(path))
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
        self, state: FileState, section: str, index: int, item: Any, model: type[BaseModel]
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
        keyed: dict[type[BaseModel], MutableMapping[str, Any]] = {
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
        self,
        state: FileState,
        table: MutableMapping[str, Any],
        value: Any,
        where: Location,
        section: str,
    ) -> None:
        key = value.id
        if key in table:
            first = table[key].where
            self.problem(state, where.line, f"{section} id {key!r} already used at {first}")
            return
        table[key] = Entry(value, where)

    def add_spelling(
        self, state: FileState, path: PathKey, value: ClassificationSpelling, where: Location
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

    def expand_recipients(self, state: FileState, path: PathKey, value: RecipientList) -> None:
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

    def shown(self, where: Location) -> str:
        return _shown(where.file)
