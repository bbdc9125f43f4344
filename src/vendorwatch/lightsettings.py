"""The settings read without pydantic-settings, for commands that only read the warehouse.

`vendorwatch.settings.Settings` is the one source of the fields: their names, types, bounds
and defaults. This module reads the same values with the same precedence: a command-line flag
(`override`), the environment (``VENDORWATCH_<NAME>``), the settings file (TOML), the default.
Importing pydantic-settings costs a read-only command about a tenth of its time, so the table
of fields it needs (`fields`) is derived from ``Settings.model_fields`` once per version of the
settings code and kept in the user cache folder (a `marshal` file named by the size and time
of settings.py and of this file, so it is always that code's); the light path reads it.

Anything this cannot judge exactly as pydantic would (an empty value, ``1_000``, an unknown
key, a value out of bounds, a type or constraint it does not know, a file that is not TOML) is
handed to the full `Settings`, which either reads it or raises its one-line error, so a
setting means the same whichever reads it. Once `vendorwatch.settings` is imported (the site,
a command that writes, the first command after the settings code changed), `read_settings`
is the full `get_settings()`.
"""

from __future__ import annotations

import importlib.util
import marshal
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from platformdirs import user_cache_path, user_config_path, user_data_path

API_BASE = "https://api.usaspending.gov"
PREFIX = "vendorwatch_"  # Settings' env_prefix, in lower case


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


# The default factories `Settings` may name: the table refers to them by name.
FACTORIES: dict[str, Callable[[], Any]] = {
    f.__name__: f for f in (default_warehouse, default_app_database_url, find_sample_data)
}


class Field:
    """What the light reader knows of one `Settings` field. (A plain class: a NamedTuple or a
    dataclass is built by ``exec``, which cost this module's import five times its own time.)"""

    __slots__ = ("bound", "choices", "default", "factory", "kind", "known_default")

    def __init__(  # noqa: PLR0917 - the row as stored (`row`)
        self,
        kind: str | None,
        default: Any,
        factory: str | None,
        known_default: bool,
        bound: tuple[str, float] | None,
        choices: tuple[str, ...],
    ) -> None:
        # str, path, int, float, bool, choice; "?" after one: None is allowed; None: a type or
        # constraint only pydantic reads, so any value given is handed to `Settings`
        self.kind = kind
        self.default = default  # the default value, when `factory` is None
        self.factory = factory  # the default is FACTORIES[factory]()
        self.known_default = known_default  # False: only `Settings` can say the default
        self.bound = bound  # ("ge" or "gt", the limit)
        self.choices = choices  # a Literal's values (kind "choice")

    def row(self) -> tuple[Any, ...]:
        """The field as stored in the cache file."""
        return (self.kind, self.default, self.factory, self.known_default, self.bound, self.choices)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Field) and self.row() == other.row()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Field{self.row()!r}"


# What pydantic reads as a bool from text (pydantic-core's lax str -> bool).
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
# Compiled (by `re`, once) only when a number is given: compiling both costs ~0.4 ms.
_INT = r"[+-]?\d+"
_FLOAT = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
_CODE = ("settings.py", "lightsettings.py")  # what the table is derived by

_config_file: Path = default_config_file()
_overrides: dict[str, Any] = {}  # flags given on the command line: over everything
_view: SettingsView | None = None
_fields: dict[str, Field] | None = None


class Unsure(Exception):
    """A value only pydantic can judge: the full `Settings` reads it (or says what is wrong)."""


def derive_fields() -> dict[str, Field]:
    """The table, from ``Settings.model_fields`` (imports pydantic-settings)."""
    import typing  # noqa: PLC0415 - the slow path

    import annotated_types  # noqa: PLC0415

    from vendorwatch.settings import Settings  # noqa: PLC0415

    kinds: dict[Any, str] = {str: "str", Path: "path", int: "int", float: "float", bool: "bool"}
    table: dict[str, Field] = {}
    for name, info in Settings.model_fields.items():
        base, args = info.annotation, typing.get_args(info.annotation)
        optional = len(args) == 2 and type(None) in args and typing.get_origin(base) is not None
        if optional:
            base = next(arg for arg in args if arg is not type(None))
        choices: tuple[str, ...] = ()
        kind: str | None = kinds.get(base)
        if typing.get_origin(base) is typing.Literal and all(
            isinstance(c, str) for c in typing.get_args(base)
        ):
            kind, choices = "choice", typing.get_args(base)
        bound: tuple[str, float] | None = None
        for meta in info.metadata:
            is_ge, is_gt = (
                isinstance(meta, annotated_types.Ge),
                isinstance(meta, annotated_types.Gt),
            )
            op = "ge" if is_ge else "gt" if is_gt else ""
            limit = getattr(meta, op, None) if op else None
            if bound is None and isinstance(limit, int | float):
                bound = (op, limit)
            else:
                kind = None  # another constraint: pydantic's to check
        if kind is not None and optional:
            kind += "?"
        factory = info.default_factory
        if factory is not None:
            named = getattr(factory, "__name__", "")
            known = FACTORIES.get(named) is factory
            table[name] = Field(kind, None, named if known else None, known, bound, choices)
        else:
            known = type(info.default) in (str, int, float, bool, type(None))
            default = info.default if known else None
            table[name] = Field(kind, default, None, known, bound, choices)
    return table


def fields_file() -> Path | None:
    """The cached table for this settings code (each file's size and time, as the registry
    cache keys its code) and this Python; None: the code cannot be found."""
    here = os.path.dirname(__file__)
    parts = []
    for name in _CODE:
        try:
            stat = os.stat(os.path.join(here, name))
        except OSError:
            return None
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    signature = "|".join(parts)
    key = importlib.util.source_hash(signature.encode()).hex()
    folder = os.environ.get("VENDORWATCH_CACHE_DIR")  # as vendorwatch.registry.cache
    root = Path(folder) if folder else user_cache_path("vendorwatch", appauthor=False)
    return root / "settings" / f"fields-{sys.implementation.cache_tag}-{key}.marshal"


def _read_cached(path: Path) -> dict[str, Field] | None:
    try:
        # Our own file in the user's own cache folder, written by `_write_cached`.
        with open(path, "rb") as file:  # a little less than Path.read_bytes
            data = marshal.loads(file.read())  # noqa: S302
        return {name: Field(*row) for name, row in data.items()}
    except Exception:  # noqa: BLE001 - any failure means: derive it again
        return None


def _write_cached(path: Path, table: dict[str, Field]) -> None:
    """Store the table atomically, removing older ones; a folder that cannot be written is
    left alone (the table is derived again next time)."""
    from vendorwatch.cachefile import keep_newest, write_whole  # noqa: PLC0415 - once per code

    try:
        data = marshal.dumps({name: field.row() for name, field in table.items()})
        write_whole(path, lambda out: out.write(data))
        keep_newest(path, f"fields-{sys.implementation.cache_tag}-*.marshal", keep=1)
    except (OSError, ValueError):
        return


def fields() -> dict[str, Field]:
    """Every setting's `Field`: the cached table for this code, else derived (and cached)."""
    global _fields  # noqa: PLW0603 - one table per process
    if _fields is None:
        path = fields_file()
        table = _read_cached(path) if path is not None else None
        if table is None:
            table = derive_fields()
            if path is not None:
                _write_cached(path, table)
        _fields = table
    return _fields


def _from_text(field: Field, text: str) -> Any:
    kind = field.kind or ""
    base = kind.rstrip("?")
    if text == "" and kind != "str":  # pydantic's reading of an empty value varies by type
        raise Unsure
    if base == "str":
        return text
    if base == "path":
        return Path(text)
    if base == "int" and re.fullmatch(_INT, text):
        return int(text)
    if base == "float" and re.fullmatch(_FLOAT, text):
        return float(text)
    if base == "bool" and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    if base == "choice" and text in field.choices:
        return text
    raise Unsure


def _from_toml(field: Field, value: object) -> Any:
    base = (field.kind or "").rstrip("?")
    if isinstance(value, str):
        if base in ("str", "choice"):
            return _from_text(field, value)
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


def _checked(field: Field, value: Any) -> Any:
    if field.bound is not None:
        op, limit = field.bound
        if not (value >= limit if op == "ge" else value > limit):
            raise Unsure
    return value


def read_values(environ: Mapping[str, str], config_file: Path) -> dict[str, Any]:
    """The settings given in the environment or the file (not the defaults), as `Settings`
    would read them; `Unsure` when only it can judge one."""
    table = fields()
    env: dict[str, str] = {}
    for key, text in environ.items():
        low = key.lower()
        if low.startswith(PREFIX) and low[len(PREFIX) :] in table:
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
            if name not in table:
                raise Unsure
            values[name] = _checked(table[name], _from_toml(table[name], value))
    for low, text in env.items():
        name = low[len(PREFIX) :]
        values[name] = _checked(table[name], _from_text(table[name], text))
    return values


class SettingsView:
    """Every setting by its `Settings` name; a default is worked out when first asked for.
    Anything else (``smtp``, a default only pydantic knows) is the full `Settings`' answer."""

    def __init__(self, given: dict[str, Any]) -> None:
        self.__dict__.update(given)

    def __getattr__(self, name: str) -> Any:
        field = fields().get(name)
        if field is not None and field.known_default:
            value = FACTORIES[field.factory]() if field.factory else field.default
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
        if "vendorwatch.settings" in sys.modules:  # the table was derived: Settings is loaded
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
