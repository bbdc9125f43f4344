"""Loading the registry and checking it: every problem, each with its file and line.

The registry is a folder of YAML files; each file may hold any of the sections in
`models.SECTIONS`. One module per concern: `read` finds the folder and reads its YAML, item by
item; `checks` checks what was read across files; `registry` is the loaded `Registry` and its
lookups (members, owners on a date, the sources a fact inherits); `fingerprint` names a
registry's content; `shipped` keeps the one checked copy everything that only reads shares.
Everything importable from here before the split still is.
Each name is imported from its module when first used (PEP 562): the fingerprint and the
roots need no model, and a registry read from the cache needs neither the reader nor the
checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vendorwatch.lazynames import lazy_names

if TYPE_CHECKING:
    from vendorwatch.registry.load.checks import SECOND_HAND_WORDS, check_registry, load_registry
    from vendorwatch.registry.load.fingerprint import registry_fingerprint
    from vendorwatch.registry.load.problems import Problem, RegistryError
    from vendorwatch.registry.load.read import re2_error, recipient_id
    from vendorwatch.registry.load.registry import Entry, Registry
    from vendorwatch.registry.load.roots import active_root, default_root
    from vendorwatch.registry.load.shipped import shipped_registry

__getattr__ = lazy_names(
    __name__,
    {
        "checks": ("SECOND_HAND_WORDS", "check_registry", "load_registry"),
        "fingerprint": ("registry_fingerprint",),
        "problems": ("Problem", "RegistryError"),
        "read": ("re2_error", "recipient_id"),
        "registry": ("Entry", "Registry"),
        "roots": ("active_root", "default_root"),
        "shipped": ("shipped_registry",),
    },
)

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
