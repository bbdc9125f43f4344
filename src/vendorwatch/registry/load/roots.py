"""Where the registry is: the shipped folder, or the one the settings name. No models here:
the fingerprint (asked by every reading command) needs only the folder."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def default_root() -> Path:
    """The registry shipped inside the package (``vendorwatch/registry/data``)."""
    return Path(str(resources.files("vendorwatch.registry") / "data"))


def active_root() -> Path:
    """The registry in use: the ``registry`` setting (``--registry``), else the shipped one."""
    # the light reader: the same value as get_settings(), without pydantic-settings
    from vendorwatch.lightsettings import read_settings  # noqa: PLC0415 - settings read lazily

    return Path(read_settings().registry or default_root())
