"""How the CLI shows things: Rich for people, one JSON document for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

# Piped output is read in wide editors and logs; Rich's 80-column default would fold tables.
console = Console(width=None if sys.stdout.isatty() else 120)
errors = Console(stderr=True, width=None if sys.stderr.isatty() else 120)


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


@contextmanager
def file_progress(enabled: bool) -> Iterator[Callable[[Path], Callable[[str, float | None], None]]]:
    """A progress bar per file, on stderr so that --json output stays clean."""
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=not enabled,
    )

    def for_file(path: Path) -> Callable[[str, float | None], None]:
        task = bars.add_task(f"{path.name}: starting", total=None)

        def report(step: str, fraction: float | None) -> None:
            bars.update(
                task,
                description=f"{path.name}: {step}",
                total=1.0 if fraction is not None else None,
                completed=fraction or 0.0,
            )

        return report

    with bars:
        yield for_file


def money(text: str) -> str:
    """``$1,234.56`` from an exact decimal string, without going through float."""
    negative = text.startswith("-")
    whole, _, cents = text.lstrip("-").partition(".")
    return f"{'-' if negative else ''}${int(whole):,}.{(cents or '00').ljust(2, '0')}"


def titled_table(title: str, columns: list[str], *, right: set[str]) -> Table:
    """A table under a left-aligned title; the ``right`` columns (figures) align right."""
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left")
    return table
