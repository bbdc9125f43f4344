"""Run the real CLI entry point (`vendorwatch.cli.app.main`) in this process, as a user would
from a shell (its exit status, stdout and stderr), optionally with a fault injected at one of
the named `vendorwatch.faults` points. In-process: a subprocess costs seconds of imports each."""

from __future__ import annotations

import contextlib
import errno
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import typer
import typer.main

from vendorwatch.faults import fault_hooks
from vendorwatch.warehouse import open_warehouse, snapshots
from vendorwatch.warehouse.schema import TABLES


@dataclass(frozen=True)
class Ran:
    status: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.out + self.err).splitlines() if line.strip()]


def raise_for(action: str) -> BaseException:
    """What a fault point raises: Ctrl-C's KeyboardInterrupt, or a full disk in either form."""
    if action == "interrupt":
        return KeyboardInterrupt()
    if action == "enospc":
        return OSError(errno.ENOSPC, "No space left on device")
    if action == "enospc-duckdb":
        return duckdb.IOException('Could not write file "x.duckdb.wal": No space left on device')
    raise ValueError(action)


@contextlib.contextmanager
def fault(spec: str | None) -> Iterator[None]:
    """``point=action`` armed while the block runs (tests only: see `vendorwatch.faults`)."""
    if spec is None:
        yield
        return
    point, action = spec.split("=")

    def hook(name: str) -> None:
        if name == point:
            raise raise_for(action)

    fault_hooks.append(hook)
    try:
        yield
    finally:
        fault_hooks.remove(hook)


_commands: dict[int, Any] = {}
_get_command = typer.main.get_command


def _built_once(app: typer.Typer) -> Any:
    """Typer rebuilds its click command tree on every call (about a second); build it once."""
    if id(app) not in _commands:
        _commands[id(app)] = _get_command(app)
    return _commands[id(app)]


def cli(*args: str, inject: str | None = None) -> Ran:
    """``vendorwatch args...`` through the CLI's own entry point, ``main``."""
    from vendorwatch.cli.app import main

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["vendorwatch", *args]
    typer.main.get_command = _built_once  # type: ignore[assignment]
    status: int = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), fault(inject):
            main()
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
        typer.main.get_command = _get_command
    return Ran(status, out.getvalue(), err.getvalue())


def state(link: Path) -> tuple[object, ...]:
    """All a write could change: the published version, the versions folder (names, sizes,
    times: a published version is never written again), and every table's row count."""
    con = open_warehouse(link, read_only=True)
    try:
        counts = {
            name: con.execute(f"SELECT count(*) FROM {name}").fetchone()
            for name in ("source_files", *TABLES)
        }
    finally:
        con.close()
    folder = snapshots.layout(link).versions
    files = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir())
    return snapshots.version_id(link), files, counts
