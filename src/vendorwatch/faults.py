"""Named points where a crash test can make the process fail, and nothing else can.

Write paths call `fault_point` at the moments that matter for all-or-nothing (just before a
load's or a sync's COMMIT, after each request a sync sends). In production no hook is
installed and a fault point does nothing: no environment variable or setting reaches it. The
crash tests install a hook in the process they start (``tests/crash.py`` wraps the CLI) that
SIGKILLs it at the point they name, so the kill lands exactly there.
"""

from __future__ import annotations

from collections.abc import Callable

FaultHook = Callable[[str], None]
"""Told each fault point's name as the process reaches it."""

fault_hooks: list[FaultHook] = []
"""The installed hooks, called in order; empty unless a test installed one."""


def fault_point(name: str) -> None:
    """Give every installed hook the chance to fail the process here."""
    for hook in tuple(fault_hooks):
        hook(name)
