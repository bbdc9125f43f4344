"""Run the vendorwatch CLI with a kill switch at one named fault point (crash tests only).

    python tests/crash.py POINT vendorwatch-args...

installs a `vendorwatch.faults` hook that SIGKILLs this process when it reaches ``POINT``
(e.g. ``before-commit``, ``sync-before-commit``, ``sync-request-40``; ``POINT=ACTION`` does
something else there, see `_kill_at`), then runs the CLI as
``python -m vendorwatch`` would. Production code has no way to arm a fault point: only a
process started through this script has the hook.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve()


def command(point: str, *args: str) -> list[str]:
    """The argv that runs ``vendorwatch args...`` and dies at ``point``."""
    return [sys.executable, str(SCRIPT), point, *args]


def run(point: str, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """``vendorwatch args...`` killed at ``point``; returncode -9 when it got there."""
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        command(point, *args), capture_output=True, text=True, check=False, **kwargs
    )


def _kill_at(spec: str) -> None:
    """``POINT`` (SIGKILL there) or ``POINT=ACTION``: ``sigint`` (a real Ctrl-C), ``enospc``
    (OSError: no space left on device), ``enospc-duckdb`` (DuckDB's form of it), or
    ``pause:DIR`` (create DIR/reached, then wait for DIR/go)."""
    import errno
    import time

    from vendorwatch.faults import fault_hooks

    point, _, action = spec.partition("=")

    def hook(name: str) -> None:
        if name != point:
            return
        if action in ("", "kill"):
            os.kill(os.getpid(), signal.SIGKILL)
        elif action == "sigint":
            os.kill(os.getpid(), signal.SIGINT)
        elif action == "enospc":
            raise OSError(errno.ENOSPC, "No space left on device")
        elif action == "enospc-duckdb":
            import duckdb

            raise duckdb.IOException('Could not write "v.duckdb.wal": No space left on device')
        elif action.startswith("pause:"):
            folder = Path(action.removeprefix("pause:"))
            (folder / "reached").touch()
            deadline = time.monotonic() + 120
            while not (folder / "go").exists() and time.monotonic() < deadline:
                time.sleep(0.05)

    fault_hooks.append(hook)


if __name__ == "__main__":
    # run as a script, this folder is first on the path: its test packages (web, cli, ...)
    # must not shadow anything the CLI imports
    if sys.path and Path(sys.path[0]).resolve() == SCRIPT.parent:
        sys.path.pop(0)
    _kill_at(sys.argv[1])
    sys.argv = ["vendorwatch", *sys.argv[2:]]
    from vendorwatch.cli.app import main

    main()
