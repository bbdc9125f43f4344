"""The light settings reader agrees with `Settings` field by field: its table (derived from
``Settings.model_fields`` and cached per version of the settings code) has the same names,
types, bounds and defaults, and every value given in the environment or the file is read the
same or handed to `Settings` (never read differently)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import annotated_types
import pydantic
import pytest

from vendorwatch import lightsettings
from vendorwatch.lightsettings import Unsure, fields, read_values
from vendorwatch.settings import Settings

KINDS: dict[Any, str] = {
    str: "str", Path: "path", int: "int", float: "float", bool: "bool",
    str | None: "str?", Path | None: "path?", typing.Literal["duckdb", "spark"]: "choice",
}  # fmt: skip
NAMES = list(Settings.model_fields)


def test_the_table_is_the_settings_fields() -> None:
    table = fields()
    assert list(table) == NAMES
    view = lightsettings.SettingsView({})
    for name, field in Settings.model_fields.items():
        ours = table[name]
        assert ours.kind == KINDS[field.annotation], name  # every setting today: read light
        assert ours.known_default, name
        assert getattr(view, name) == field.get_default(call_default_factory=True), name
        assert name in view.__dict__, name  # the view's own default, not the full settings'
        bounds = [
            ("ge", m.ge) if isinstance(m, annotated_types.Ge) else ("gt", m.gt)
            for m in field.metadata
            if isinstance(m, annotated_types.Ge | annotated_types.Gt)
        ]
        assert bounds == ([ours.bound] if ours.bound else []), name
    assert table["engine"].choices == typing.get_args(Settings.model_fields["engine"].annotation)
    assert Settings.model_config.get("env_prefix", "").lower() == lightsettings.PREFIX


def test_the_table_is_cached_per_version_of_the_settings_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = tmp_path / "code"
    code.mkdir()
    for name in ("settings.py", "lightsettings.py"):
        shutil.copy(Path(lightsettings.__file__).parent / name, code)
    monkeypatch.setattr(lightsettings, "__file__", str(code / "lightsettings.py"))
    monkeypatch.setenv("VENDORWATCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(lightsettings, "_fields", None)
    first = lightsettings.fields_file()
    assert first is not None and not first.exists()
    derived = fields()
    assert first.is_file()
    monkeypatch.setattr(lightsettings, "_fields", None)
    assert fields() == derived == lightsettings.derive_fields()  # read back from the file

    (code / "settings.py").write_text((code / "settings.py").read_text() + "\n# a new field\n")
    second = lightsettings.fields_file()
    assert second is not None and second != first and not second.exists()
    monkeypatch.setattr(lightsettings, "_fields", None)
    assert fields() == derived
    assert second.is_file() and not first.exists()  # the old code's table is removed

    second.write_bytes(b"not marshal")  # a corrupt cache is derived again, never an error
    monkeypatch.setattr(lightsettings, "_fields", None)
    assert fields() == derived


def test_what_the_light_reader_does_not_know_is_left_to_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A new setting of a type or constraint the table has no kind for is still one field in
    `Settings`: the light reader hands any value of it, and its default, to `Settings`."""
    import vendorwatch.settings

    class Wider(Settings):
        tags: list[str] = pydantic.Field(default_factory=list)
        at_most: int = pydantic.Field(default=5, le=10)

    monkeypatch.setattr(vendorwatch.settings, "Settings", Wider)
    table = lightsettings.derive_fields()
    assert table["tags"].kind is None and not table["tags"].known_default
    assert table["at_most"].kind is None and table["at_most"].default == 5
    monkeypatch.setattr(lightsettings, "_fields", table)
    for variable in ("VENDORWATCH_TAGS", "VENDORWATCH_AT_MOST"):
        with pytest.raises(Unsure):
            read_values({variable: "3"}, tmp_path / "none.toml")


def test_a_second_process_reads_the_settings_from_the_cached_table(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom vendorwatch import lightsettings\n"
        "s = lightsettings.read_settings()\n"
        "print(type(s).__name__, 'pydantic_settings' in sys.modules, s.query_max_words)"
    )
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("VENDORWATCH_")}
    env |= {"VENDORWATCH_CACHE_DIR": str(tmp_path), "VENDORWATCH_QUERY_MAX_WORDS": "7"}
    env["PYTHONPATH"] = str(Path(lightsettings.__file__).parents[1])
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs == [["Settings", "True", "7"], ["SettingsView", "False", "7"]]


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
}
TOML_VALUES = {
    "str": ['"x"', "3", "true", '""'],
    "str?": ['"x"', "3", '""'],
    "path": ['"/tmp/w.duckdb"', '""', "3"],
    "path?": ['"/tmp/reg"', "1"],
    "int": ["5", "1024", "-1", "0", "5.0", '"5"', "true"],
    "float": ["5", "2.5", "-1.0", "0", '"2.5"', "true", "inf"],
    "bool": ["true", "false", "1", '"true"'],
}


def _texts(name: str) -> list[str]:
    field = fields()[name]
    if field.kind == "choice":
        return [*field.choices, field.choices[0].upper(), "", "other"]
    return TEXTS[str(field.kind)]


def _toml_values(name: str) -> list[str]:
    field = fields()[name]
    if field.kind == "choice":
        return [*(f'"{c}"' for c in field.choices), '"other"', "1"]
    return TOML_VALUES[str(field.kind)]


def _agree(
    name: str, given: object, env: dict[str, str], config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the light reader reads of ``env`` and ``config`` is what `Settings` reads, of the
    same type, or it leaves it to `Settings` (Unsure); never accepts what Settings refuses."""
    with monkeypatch.context() as patch:
        for variable, text in env.items():
            patch.setenv(variable, text)
        patch.setattr(lightsettings, "_config_file", config)
        try:
            theirs: Any = Settings()
        except ValueError:  # pydantic's ValidationError, or the file is not TOML
            theirs = None
    try:
        ours = read_values(env, config)
    except Unsure:
        return  # Settings reads it (or refuses it): never read differently
    assert theirs is not None, (name, given)
    assert ours == {name: getattr(theirs, name)}, (name, given)
    assert type(ours[name]) is type(getattr(theirs, name)), (name, given)


@pytest.fixture
def _no_settings_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in [k for k in os.environ if k.upper().startswith("VENDORWATCH_")]:
        if variable.upper() != "VENDORWATCH_CACHE_DIR":
            monkeypatch.delenv(variable)


@pytest.mark.usefixtures("_no_settings_in_the_environment")
@pytest.mark.parametrize("name", NAMES)
def test_every_field_from_the_environment(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for text in _texts(name):
        env = {f"VENDORWATCH_{name.upper()}": text}
        _agree(name, text, env, tmp_path / "none.toml", monkeypatch)


@pytest.mark.usefixtures("_no_settings_in_the_environment")
@pytest.mark.parametrize("name", NAMES)
def test_every_field_from_the_file(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "vendorwatch.toml"
    for value in _toml_values(name):
        config.write_text(f"{name} = {value}\n")
        _agree(name, value, {}, config, monkeypatch)


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
