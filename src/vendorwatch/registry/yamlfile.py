"""Reading registry YAML while keeping where every value sits.

PyYAML's composer gives each node a start mark; walking the node tree ourselves lets every
problem — a schema error deep in a list, a dangling id, a duplicated key that a plain load
would silently drop — be reported with the file and line a curator must edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]


@dataclass
class YamlProblem:
    """A problem found while reading, before any schema applies."""

    line: int | None
    message: str


@dataclass
class LocatedYaml:
    """A parsed document and the 1-based line of every mapping key, list item and value."""

    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)

    def line(self, path: PathKey) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return None


def _walk(loader: yaml.SafeLoader, node: yaml.Node, path: PathKey, out: LocatedYaml) -> Any:
    out.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int):
                out.problems.append(
                    YamlProblem(key_node.start_mark.line + 1, f"a key must be text, not {key!r}")
                )
                continue
            if key in result:
                out.problems.append(
                    YamlProblem(
                        key_node.start_mark.line + 1,
                        f"duplicate key {key!r} (a YAML loader would silently keep the last one)",
                    )
                )
            # The key's own line, so an error about a value points at "key: value".
            out.lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _walk(loader, value_node, (*path, key), out)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_walk(loader, item, (*path, i), out) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str) -> LocatedYaml:
    """Parse one YAML document; syntax errors become problems with their line."""
    loader = yaml.SafeLoader(text)
    out = LocatedYaml(data=None)
    try:
        node = loader.get_single_node()
        if node is not None:
            out.data = _walk(loader, node, (), out)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        out.problems.append(YamlProblem(line, f"not valid YAML: {exc.problem or exc}"))
        out.data = None
    except yaml.YAMLError as exc:
        out.problems.append(YamlProblem(None, f"not valid YAML: {exc}"))
        out.data = None
    finally:
        loader.dispose()
    return out


def read_yaml(path: Path) -> LocatedYaml:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return LocatedYaml(data=None, problems=[YamlProblem(None, f"cannot read: {exc}")])
    return parse_yaml(text)
