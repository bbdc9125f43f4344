"""Errors a user can act on.

Every failure caused by input (a file, a date, an id) is raised as a `VendorwatchError`
carrying where it happened, so both shells can print one clear line and exit 1 instead of
showing a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where in a source file a problem sits (1-based line and column, as editors count)."""

    file: Path
    line: int | None = None
    column: int | None = None
    column_name: str | None = None

    def __str__(self) -> str:
        parts = [str(self.file)]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            name = f" ({self.column_name})" if self.column_name else ""
            parts.append(f"column {self.column}{name}")
        return ", ".join(parts)


class VendorwatchError(Exception):
    """A problem the user can fix; the message says what is wrong and where."""

    exit_status = 1  # what the CLI exits with

    def __init__(self, message: str, where: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class BadInputError(VendorwatchError):
    """An input file cannot be read as any supported layout, or holds a bad value."""


class AmbiguousDatesError(BadInputError):
    """A file's dates could be month-first or day-first and nothing in it tells which."""


class NotContractDataError(BadInputError):
    """The file is readable but is no contract layout (a KBART list, a spreadsheet, a note)."""


class NoRowsError(BadInputError):
    """A contract file with its header and no records: nothing to load (and nothing changed)."""


class DiskFullError(VendorwatchError):
    """The disk filled while a new version was written; the published version is untouched."""


class InterruptedByUser(VendorwatchError):
    """Ctrl-C (SIGINT) stopped a write; the CLI exits 130 as shells expect of SIGINT."""

    exit_status = 130
