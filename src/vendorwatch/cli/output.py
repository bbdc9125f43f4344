"""How the CLI shows things: Rich for people at a terminal, plain lines when piped, one JSON
document for scripts.

Rich is imported on first use, not at import: ``vendorwatch --help`` must not pay for it; and
piped, a line of markup Rich would print as plain text is written without it
(`vendorwatch.cli.plain`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from rich.console import Console


PIPED = 120  # columns of piped output
# What makes Rich write colour to a pipe (rich.console.Console.is_terminal)
_COLOUR_FORCED = frozenset({"FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"})


class _LazyConsole:
    """A Rich console made on first use (stdout, or stderr for errors)."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Any = None

    def get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            stream = sys.stderr if self._stderr else sys.stdout
            # Piped output is read in wide editors and logs; Rich's 80 columns would fold tables.
            self._console = Console(stderr=self._stderr, width=None if stream.isatty() else PIPED)
        return cast("Console", self._console)

    def print(self, *objects: Any, **options: Any) -> None:
        """Rich's ``print``; one line of markup to a pipe is written as Rich would write it."""
        stream = sys.stderr if self._stderr else sys.stdout
        if (
            len(objects) == 1
            and isinstance(objects[0], str)
            and set(options) <= {"highlight", "soft_wrap"}  # highlighting: colour only
            and not _COLOUR_FORCED & set(os.environ)
            and not stream.isatty()
        ):
            from vendorwatch.cli.plain import piped_text

            text = piped_text(objects[0], width=PIPED, soft_wrap=bool(options.get("soft_wrap")))
            if text is not None:
                stream.write(text)
                stream.flush()
                return
        self.get().print(*objects, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


console = cast("Console", _LazyConsole(stderr=False))
errors = cast("Console", _LazyConsole(stderr=True))


def real(shown: Console) -> Console:
    """The Rich console itself, for Rich objects that take one (progress bars)."""
    return shown.get() if isinstance(shown, _LazyConsole) else shown


def plain_output() -> bool:
    """True when stdout is not a terminal: tables are written as tab-separated lines, which
    scripts read and which are written in a fraction of the time Rich takes to draw them."""
    return not sys.stdout.isatty()


def print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


@contextmanager
def file_progress(enabled: bool) -> Iterator[Callable[[Path], Callable[[str, float | None], None]]]:
    """A progress bar per file, on stderr so that --json output stays clean."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=real(errors),
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


class PlainTable:
    """A table written as its title, a header line and one tab-separated line per row."""

    def __init__(self, title: str, columns: list[str]) -> None:
        self.title = title
        self.columns = columns
        self.rows: list[tuple[str, ...]] = []

    def add_row(self, *cells: str | None) -> None:
        self.rows.append(tuple("" if c is None else str(c) for c in cells))

    def lines(self) -> Iterator[str]:
        if self.title:
            yield f"# {self.title}"
        yield "\t".join(self.columns)
        for row in self.rows:
            yield "\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row)

    def __rich__(self) -> Any:
        """Printed through a Rich console: the same lines, never wrapped or cropped."""
        from rich.text import Text

        return Text("\n".join(self.lines()), no_wrap=True, overflow="ignore")


def titled_table(title: str, columns: list[str], *, right: set[str]) -> Any:
    """A table under a left-aligned title; the ``right`` columns (figures) align right.

    A Rich table at a terminal, a `PlainTable` when stdout is piped; show it with `show`."""
    if plain_output():
        return PlainTable(title, columns)
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left")
    return table


def show(table: Any) -> None:
    """Print a `titled_table`: plain lines straight to stdout, or Rich's drawing."""
    if isinstance(table, PlainTable):
        sys.stdout.write("".join(f"{line}\n" for line in table.lines()))
        sys.stdout.flush()
    else:
        console.print(table)
