"""Loading the registry and checking it: every problem, each with its file and line.

The registry is a folder of YAML files; each file may hold any of the sections in
`models.SECTIONS`. One module per concern: `read` finds the folder and reads its YAML, item by
item; `checks` checks what was read across files; `registry` is the loaded `Registry` and its
lookups (members, owners on a date, the sources a fact inherits); `fingerprint` names a
registry's content; `shipped` keeps the one checked copy everything that only reads shares.
Everything importable from here before the split still is.
"""

from __future__ import annotations

from vendorwatch.registry.load.checks import SECOND_HAND_WORDS, check_registry, load_registry
from vendorwatch.registry.load.fingerprint import registry_fingerprint
from vendorwatch.registry.load.problems import Problem, RegistryError
from vendorwatch.registry.load.read import active_root, default_root, re2_error, recipient_id
from vendorwatch.registry.load.registry import Entry, Registry
from vendorwatch.registry.load.shipped import shipped_registry

__all__ = [
    "SECOND_HAND_WORDS",
    "Entry",
    "Problem",
    "Registry",
    "RegistryError",
    "active_root",
    "check_registry",
    "default_root",
    "load_registry",
    "re2_error",
    "recipient_id",
    "registry_fingerprint",
    "shipped_registry",
]
