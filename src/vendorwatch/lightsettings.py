"""The settings read without pydantic-settings, for commands that only read the warehouse.

`vendorwatch.settings.Settings` is the source of truth: its fields, types, bounds and defaults
are mirrored in ``FIELDS`` here (a test checks them field by field), read with the same
precedence: a command-line flag (`override`), the environment (``VENDORWATCH_<NAME>``), the
settings file (TOML), the default. Importing pydantic-settings costs a read-only command about
a tenth of its time; this reads the same values with the standard library.

Anything this cannot judge exactly as pydantic would (an empty value, ``1_000``, an unknown
key, a value out of bounds, a file that is not TOML) is handed to the full `Settings`, which
either reads it or raises its one-line error, so a setting means the same whichever reads it.
Once `vendorwatch.settings` is imported (the site, a command that writes), `read_settings`
is the full `get_settings()`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from platformdirs import user_config_path, user_data_path

API_BASE = "https://api.usaspending.gov"


def default_warehouse() -> Path:
    return user_data_path("vendorwatch", appauthor=False) / "warehouse.duckdb"


def default_app_database_url() -> str:
    return f"sqlite:///{default_warehouse().parent / 'app.sqlite3'}"


def find_sample_data() -> Path | None:
    """The bundled real snapshot: ``../shared/data/raw`` beside the checkout or the cwd."""
    here = Path(__file__).resolve()
    candidates = [Path.cwd() / ".." / "shared" / "data" / "raw"]
    candidates += [parent.parent / "shared" / "data" / "raw" for parent in here.parents]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return None


def default_config_file() -> Path:
    return user_config_path("vendorwatch", appauthor=False) / "vendorwatch.toml"


# name: (kind, default or default factory, lower bound ("ge"/"gt", value) or None). Kinds:
# str, path, int, float, bool, engine; "?" after one: None is allowed (and the default).
Default = Callable[[], Any] | Any
FIELDS: dict[str, tuple[str, Default, tuple[str, float] | None]] = {
    "warehouse": ("path", default_warehouse, None),
    "app_database_url": ("str", default_app_database_url, None),
    "sample_data": ("path?", find_sample_data, None),
    "registry": ("path?", None, None),
    "write_wait": ("float", 0.0, ("ge", 0)),
    "write_memory_limit": ("str", "1GB", None),
    "load_max_decompressed_bytes": ("int", 64 << 30, ("ge", 1)),
    "load_max_compression_ratio": ("float", 200.0, ("gt", 1)),
    "load_max_line_bytes": ("int", 8 << 20, ("ge", 1024)),
    "api_base": ("str", API_BASE, None),
    "ocid_prefix": ("str?", None, None),
    "session_secret": ("str", "", None),
    "query_threads": ("int", 4, ("ge", 1)),
    "request_time_limit": ("float", 10.0, ("gt", 0)),
    "snapshot_check_seconds": ("float", 1.0, ("ge", 0)),
    "duckdb_memory_limit": ("str", "256MB", None),
    "cube_retry_seconds": ("float", 30.0, ("ge", 0)),
    "engine": ("engine", "duckdb", None),
    "spark_master": ("str", "local[2]", None),
    "login_attempts_per_account": ("int", 5, ("ge", 1)),
    "login_attempts_per_client": ("int", 20, ("ge", 1)),
    "login_window_seconds": ("int", 900, ("ge", 1)),
    "login_throttle_storage": ("str", "memory://", None),
    "records_dir": ("path?", None, None),
    "records_max_bytes": ("int", 50 * 1024 * 1024, ("ge", 1)),
    "query_max_words": ("int", 20, ("ge", 1)),
    "query_max_chars": ("int", 300, ("ge", 1)),
    "facet_max_values": ("int", 50, ("ge", 1)),
    "page_max_size": ("int", 500, ("ge", 1)),
    "page_max_offset": ("int", 100_000, ("ge", 0)),
    "request_max_bytes": ("int", 1024 * 1024, ("ge", 1)),
    "upload_max_bytes": ("int", 50 * 1024 * 1024, ("ge", 1)),
    "audit_max_file_bytes": ("int", 50 * 1024 * 1024, ("ge", 1)),
    "audit_max_total_bytes": ("int", 200 * 1024 * 1024, ("ge", 1)),
    "audit_max_files": ("int", 20, ("ge", 1)),
    "audit_max_unpacked_bytes": ("int", 100 * 1024 * 1024, ("ge", 1)),
    "audit_max_rows": ("int", 500_000, ("ge", 1)),
    "audit_max_shared_strings": ("int", 1_000_000, ("ge", 1)),
    "audit_max_seconds": ("float", 60.0, ("gt", 0)),
    "audit_keep_seconds": ("float", 1800.0, ("gt", 0)),
    "audit_keep_reports": ("int", 50, ("ge", 1)),
    "audit_keep_bytes": ("int", 100 * 1024 * 1024, ("ge", 1)),
    "smtp_host": ("str?", None, None),
    "smtp_port": ("int", 25, None),
    "smtp_sender": ("str", "vendorwatch@localhost", None),
    "smtp_username": ("str?", None, None),
    "smtp_password": ("str?", None, None),
    "smtp_starttls": ("bool", False, None),
    "smtp_ssl": ("bool", False, None),
    "smtp_timeout": ("float", 30.0, None),
}
ENGINES = ("duckdb", "spark")
PREFIX = "vendorwatch_"
# What pydantic reads as a bool from text (pydantic-core's lax str -> bool).
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

_config_file: Path = default_config_file()
_overrides: dict[str, Any] = {}  # flags given on the command line: over everything
_view: SettingsView | None = None


class Unsure(Exception):
    """A value only pydantic can judge: the full `Settings` reads it (or says what is wrong)."""


def _from_text(kind: str, text: str) -> Any:
    base = kind.rstrip("?")
    if text == "" and kind != "str":  # pydantic's reading of an empty value varies by type
        raise Unsure
    if base == "str":
        return text
    if base == "path":
        return Path(text)
    if base == "int" and _INT.fullmatch(text):
        return int(text)
    if base == "float" and _FLOAT.fullmatch(text):
        return float(text)
    if base == "bool" and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    if base == "engine" and text in ENGINES:
        return text
    raise Unsure


def _from_toml(kind: str, value: object) -> Any:
    base = kind.rstrip("?")
    if isinstance(value, str):
        if base in ("str", "engine"):
            return _from_text(kind, value)
        if base == "path" and value:
            return Path(value)
    elif isinstance(value, bool):
        if base == "bool":
            return value
    elif isinstance(value, int):
        if base in ("int", "float"):
            return value if base == "int" else float(value)
    elif isinstance(value, float) and base == "float":
        return value
    raise Unsure


def _checked(name: str, value: Any) -> Any:
    bound = FIELDS[name][2]
    if bound is not None:
        op, limit = bound
        if not (value >= limit if op == "ge" else value > limit):
            raise Unsure
    return value


def read_values(environ: Mapping[str, str], config_file: Path) -> dict[str, Any]:
    """The settings given in the environment or the file (not the defaults), as `Settings`
    would read them; `Unsure` when only it can judge one."""
    env: dict[str, str] = {}
    for key, text in environ.items():
        low = key.lower()
        if low.startswith(PREFIX) and low[len(PREFIX) :] in FIELDS:
            if low in env:  # two spellings of one name: which wins is pydantic's to say
                raise Unsure
            env[low] = text
    values: dict[str, Any] = {}
    if config_file.is_file():
        import tomllib  # noqa: PLC0415 - only when there is a file

        try:
            data = tomllib.loads(config_file.read_text("utf-8"))
        except (OSError, ValueError):
            raise Unsure from None
        for name, value in data.items():
            if name not in FIELDS:
                raise Unsure
            values[name] = _checked(name, _from_toml(FIELDS[name][0], value))
    for low, text in env.items():
        name = low[len(PREFIX) :]
        values[name] = _checked(name, _from_text(FIELDS[name][0], text))
    return values


class SettingsView:
    """Every setting by its `Settings` name; a default is worked out when first asked for.
    Anything else (``smtp``) is the full `Settings`' answer."""

    def __init__(self, given: dict[str, Any]) -> None:
        self.__dict__.update(given)

    def __getattr__(self, name: str) -> Any:
        if name in FIELDS:
            default = FIELDS[name][1]
            value = default() if callable(default) else default
            self.__dict__[name] = value
            return value
        return getattr(_full(), name)


def _full() -> Any:
    from vendorwatch.settings import get_settings  # noqa: PLC0415 - the slow path, on demand

    return get_settings()


def read_settings() -> Any:
    """The settings (attribute by attribute as `vendorwatch.settings.Settings`): the full
    object if it is loaded already or a value needs it, else a `SettingsView`."""
    global _view  # noqa: PLW0603 - one view per process, like get_settings()
    if "vendorwatch.settings" in sys.modules:
        return _full()
    if _view is None:
        try:
            _view = SettingsView({**read_values(os.environ, _config_file), **_overrides})
        except Unsure:
            return _full()
    return _view


def override(name: str, value: Any) -> None:
    """A command-line flag's value for setting ``name``, over the environment and the file:
    set on the full settings if they are loaded (as the CLI always did), else on the view and
    kept for the full settings to take when they are read (`take_overrides`)."""
    settings = sys.modules.get("vendorwatch.settings")
    if settings is not None:
        setattr(settings.get_settings(), name, value)
        return
    _overrides[name] = value
    if _view is not None:
        _view.__dict__[name] = value


def take_overrides() -> dict[str, Any]:
    """The flags given before the full settings were read, for them to apply (once)."""
    taken = dict(_overrides)
    _overrides.clear()
    return taken


def config_file() -> Path:
    """The settings file in use (``--config``, else the default one)."""
    return _config_file


def use_config_file(path: Path | None) -> Any:
    """Read settings from ``path`` (``--config``; None: the default file) from now on; returns
    them, read now, so that a bad file is refused at once."""
    global _config_file, _view  # noqa: PLW0603 - the one place the file is chosen
    if path is not None and not path.is_file():
        from vendorwatch.errors import VendorwatchError  # noqa: PLC0415

        raise VendorwatchError(f"--config {path}: no such file")
    _config_file = default_config_file() if path is None else path
    _view = None
    settings = sys.modules.get("vendorwatch.settings")
    if settings is not None:
        settings.get_settings.cache_clear()
    return read_settings()
