"""What is wrong in a registry, and the error a command raises for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vendorwatch.errors import VendorwatchError


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the registry, where a curator must look to fix it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.message}"
            if self.line
            else (f"{self.file}: {self.message}")
        )

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line or None, "message": self.message}


class RegistryError(VendorwatchError):
    """The registry has problems; `vendorwatch registry check` lists them all."""
