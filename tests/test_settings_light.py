"""The light settings reader agrees with `Settings` field by field: names, types, bounds and
defaults, and every value given in the environment or the file is read the same or handed to
`Settings` (never read differently)."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import annotated_types
import pytest

from vendorwatch import lightsettings
from vendorwatch.lightsettings import FIELDS, Unsure, read_values
from vendorwatch.settings import Settings

KINDS: dict[Any, str] = {
    str: "str", Path: "path", int: "int", float: "float", bool: "bool",
    str | None: "str?", Path | None: "path?", typing.Literal["duckdb", "spark"]: "engine",
}  # fmt: skip


def test_the_fields_are_the_settings_fields() -> None:
    assert list(FIELDS) == list(Settings.model_fields)
    for name, field in Settings.model_fields.items():
        kind, default, bound = FIELDS[name]
        assert kind == KINDS[field.annotation], name
        theirs = field.get_default(call_default_factory=True)
        assert (default() if callable(default) else default) == theirs, name
        bounds = [
            ("ge", m.ge) if isinstance(m, annotated_types.Ge) else ("gt", m.gt)
            for m in field.metadata
            if isinstance(m, annotated_types.Ge | annotated_types.Gt)
        ]
        assert bounds == ([bound] if bound else []), name
    assert typing.get_args(Settings.model_fields["engine"].annotation) == lightsettings.ENGINES


# Texts a person might set, right and wrong, per kind; each is read as Settings reads it or
# left to Settings (Unsure).
TEXTS = {
    "str": ["x", "", " spaced ", "sqlite:///a b"],
    "str?": ["x", "", "none"],
    "path": ["/tmp/w.duckdb", "rel/w.duckdb", "~/w", ""],
    "path?": ["/tmp/reg", ""],
    "int": ["0", "1", "25", "+7", "-3", "1024", "1_000", "1.0", "1e3", " 5", "five", ""],
    "float": ["0", "1", "2.5", ".5", "1e2", "-1", "0.0", "inf", "nan", "1,5", " 2", ""],
    "bool": ["1", "0", "true", "False", "YES", "no", "on", "off", "t", "n", "2", "maybe", ""],
    "engine": ["duckdb", "spark", "DuckDB", "", "sqlite"],
}


def _settings(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], config: Path) -> Any:
    """What `Settings` reads, or None where it refuses."""
    for name, text in env.items():
        monkeypatch.setenv(name, text)
    monkeypatch.setattr(lightsettings, "_config_file", config)
    try:
        return Settings()
    except ValueError:  # pydantic's ValidationError, or the file is not TOML
        return None


@pytest.mark.parametrize("name", list(FIELDS))
def test_every_field_from_the_environment(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for variable in [k for k in __import__("os").environ if k.upper().startswith("VENDORWATCH_")]:
        monkeypatch.delenv(variable)
    no_file = tmp_path / "none.toml"
    for text in TEXTS[FIELDS[name][0]]:
        env = {f"VENDORWATCH_{name.upper()}": text}
        with monkeypatch.context() as patch:
            theirs = _settings(patch, env, no_file)
        try:
            ours = read_values(env, no_file)
        except Unsure:
            continue  # Settings reads it (or refuses it): never read differently
        assert theirs is not None, (name, text)  # we never accept what Settings refuses
        assert ours == {name: getattr(theirs, name)}, (name, text)
        assert type(ours[name]) is type(getattr(theirs, name)), (name, text)


TOML_VALUES = {
    "str": ['"x"', "3", "true", '""'],
    "str?": ['"x"', "3", '""'],
    "path": ['"/tmp/w.duckdb"', '""', "3"],
    "path?": ['"/tmp/reg"', "1"],
    "int": ["5", "1024", "-1", "0", "5.0", '"5"', "true"],
    "float": ["5", "2.5", "-1.0", "0", '"2.5"', "true", "inf"],
    "bool": ["true", "false", "1", '"true"'],
    "engine": ['"spark"', '"duckdb"', '"other"', "1"],
}


@pytest.mark.parametrize("name", list(FIELDS))
def test_every_field_from_the_file(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for variable in [k for k in __import__("os").environ if k.upper().startswith("VENDORWATCH_")]:
        monkeypatch.delenv(variable)
    config = tmp_path / "vendorwatch.toml"
    for value in TOML_VALUES[FIELDS[name][0]]:
        config.write_text(f"{name} = {value}\n")
        with monkeypatch.context() as patch:
            theirs = _settings(patch, {}, config)
        try:
            ours = read_values({}, config)
        except Unsure:
            continue
        assert theirs is not None, (name, value)
        assert ours == {name: getattr(theirs, name)}, (name, value)
        assert type(ours[name]) is type(getattr(theirs, name)), (name, value)


def test_environment_over_file_and_what_only_settings_can_judge(tmp_path: Path) -> None:
    config = tmp_path / "vendorwatch.toml"
    config.write_text('warehouse = "/from/file.duckdb"\nsmtp_port = 2525\n')
    env = {"VENDORWATCH_WAREHOUSE": "/from/env.duckdb", "PATH": "/bin"}
    assert read_values(env, config) == {"warehouse": Path("/from/env.duckdb"), "smtp_port": 2525}
    for text in ("warehous = 3\n", "warehouse = [\n", "[smtp]\nport = 1\n"):
        config.write_text(text)
        with pytest.raises(Unsure):
            read_values({}, config)
    with pytest.raises(Unsure):  # two spellings of one variable
        read_values({"VENDORWATCH_ENGINE": "spark", "vendorwatch_engine": "duckdb"}, tmp_path)
