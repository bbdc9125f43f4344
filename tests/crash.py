"""Run the vendorwatch CLI with a kill switch at one named fault point (crash tests only).

    python tests/crash.py POINT vendorwatch-args...

installs a `vendorwatch.faults` hook that SIGKILLs this process when it reaches ``POINT``
(e.g. ``before-commit``, ``sync-before-commit``, ``sync-request-40``), then runs the CLI as
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


def _kill_at(point: str) -> None:
    from vendorwatch.faults import fault_hooks

    def hook(name: str) -> None:
        if name == point:
            os.kill(os.getpid(), signal.SIGKILL)

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
