"""What every command pays before it starts: imports, the registry, drawing the output.

No timings here (benchmarks/cli_startup.py measures them); these check the causes: ``--help``
imports nothing heavy, the checked registry is reused between runs until a file changes, and
piped output is plain lines.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from vendorwatch.registry.load import default_root, load_registry, registry_fingerprint

HEAVY = ("duckdb", "ibis", "pydantic_settings", "pydantic", "rich.table", "rapidfuzz", "yaml")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vendorwatch", *args],
        capture_output=True, text=True, check=False, env={**os.environ, **(env or {})},
    )  # fmt: skip


def nothing_heavy(flag: str, heavy: tuple[str, ...]) -> str:
    """``vendorwatch FLAG``'s output, checking in its own interpreter that it imported none
    of ``heavy``."""
    code = (
        "import sys\n"
        f"sys.argv = ['vendorwatch', {flag!r}]\n"
        "import vendorwatch.cli.app as cli\n"
        "try:\n    cli.app()\nexcept SystemExit as done:\n    assert done.code in (0, None)\n"
        f"heavy = [m for m in {heavy!r} if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_help_imports_nothing_heavy() -> None:
    shown = nothing_heavy("--help", HEAVY)
    assert "Commands:" in shown and "rollup" in shown


def test_help_of_every_command_group_still_works() -> None:
    for args in (["--help"], ["rollup", "--help"], ["foia", "--help"], ["export", "--help"]):
        done = run(*args)
        assert done.returncode == 0, (args, done.stderr)
        assert "Usage:" in done.stdout


def test_a_command_built_alone_reads_as_in_the_full_app() -> None:
    """`only_command` builds the one command named (not ~60): its help and its usage errors
    are the full app's word for word; no command, an option first or a misspelt name (which
    the full app answers with a suggestion) get the full app."""
    from typer.testing import CliRunner

    from vendorwatch.cli.app import app, only_command

    runner = CliRunner()
    for args in (
        ["family", "--help"],
        ["award"],
        ["rollup", "--by", "no-such-dimension", "--help"],
        ["foia", "--help"],
        ["registry", "check", "--help"],
        ["export", "awards", "--help"],
    ):
        alone = only_command(args)
        assert len(alone.registered_commands) + len(alone.registered_groups) == 1, args
        full, trimmed = runner.invoke(app, args), runner.invoke(alone, args)
        assert (trimmed.exit_code, trimmed.output) == (full.exit_code, full.output), args
    for args in ([], ["--help"], ["--registry", "x", "family"], ["famly", "relx-plc"]):
        assert only_command(args) is app, args
    assert len(app.registered_commands) > 10 and len(app.registered_groups) > 5  # left whole


def test_dates_choice_matches_the_warehouse() -> None:
    from vendorwatch.cli.app import Dates
    from vendorwatch.warehouse import DateConvention

    assert [d.value for d in Dates] == [d.value for d in DateConvention]


# --- the registry cache ---------------------------------------------------------------------


@pytest.fixture
def registry_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "registry"
    shutil.copytree(default_root(), folder)
    return folder


def offices(registry: Path, cache: Path) -> dict[str, str]:
    done = run("--registry", str(registry), "foia", "offices", "--json",
               env={"VENDORWATCH_CACHE_DIR": str(cache)})  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {o["id"]: o["name"] for o in json.loads(done.stdout)}


def test_registry_cache_is_used_then_rebuilt_when_a_file_changes(
    registry_copy: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    assert offices(registry_copy, cache)["ice-foia"] == "ICE Freedom of Information Act Office"
    pickles = list((cache / "registry").glob("*.pickle"))
    assert len(pickles) == 1

    # The next run reads the pickle, not the YAML: plant a registry that differs from the files.
    from vendorwatch.registry.cache import cache_file, write_cached

    planted = load_registry(registry_copy)
    office = planted.foia_offices["ice-foia"].value
    planted.foia_offices["ice-foia"].value.__dict__["name"] = "from the cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VENDORWATCH_CACHE_DIR", str(cache))
        fingerprint = registry_fingerprint(registry_copy, fresh=True)
        write_cached(registry_copy, fingerprint, planted)
        assert cache_file(registry_copy, fingerprint) == pickles[0]
    assert office.name == "from the cache"
    assert offices(registry_copy, cache)["ice-foia"] == "from the cache"

    # An edited file misses the cache: the YAML is read (and checked) again.
    yaml_file = registry_copy / "foia-offices.yaml"
    text = yaml_file.read_text("utf-8")
    yaml_file.write_text(
        text.replace("name: ICE Freedom of Information Act Office", "name: ICE FOIA (edited)"),
        "utf-8",
    )
    assert offices(registry_copy, cache)["ice-foia"] == "ICE FOIA (edited)"
    assert [p.name for p in (cache / "registry").glob("*.pickle")] != [pickles[0].name]
    assert len(list((cache / "registry").glob("*.pickle"))) == 1  # the stale one removed


def test_a_broken_or_unwritable_cache_is_only_slower(registry_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    offices(registry_copy, cache)
    (pickle,) = (cache / "registry").glob("*.pickle")
    pickle.write_bytes(b"not a pickle")
    assert offices(registry_copy, cache)["ice-foia"] == "ICE Freedom of Information Act Office"

    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("x")
    assert offices(registry_copy, not_a_folder)["cbp-foia"]


def test_a_registry_with_problems_is_never_cached(registry_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    yaml_file = registry_copy / "foia-offices.yaml"
    yaml_file.write_text(yaml_file.read_text("utf-8").replace("agency: ice", "agency: no-such-org"))
    done = run("--registry", str(registry_copy), "foia", "offices", "--json",
               env={"VENDORWATCH_CACHE_DIR": str(cache)})  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("error: registry problem"), done.stderr
    assert not list(cache.rglob("*.pickle"))


# --- output for people and for pipes ------------------------------------------------------


def test_piped_rollup_is_plain_and_limited(sample_warehouse: Path) -> None:
    done = run("rollup", "--by", "recipient", "--warehouse", str(sample_warehouse))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "recipient\tobligations\ttransactions\tawards"
    assert len(lines) == 1 + 50
    assert not set("│┃━─┏└") & set(done.stdout)
    everything = run("rollup", "--by", "recipient", "--json", "--warehouse", str(sample_warehouse))
    rows = json.loads(everything.stdout)
    assert f"{len(rows) - 50:,} more rows (use --limit 0 for all)" in done.stderr
    whole = run("rollup", "--by", "recipient", "--limit", "0", "--warehouse",
                str(sample_warehouse))  # fmt: skip
    assert len(whole.stdout.splitlines()) == 1 + len(rows)
    assert "more row" not in whole.stderr


def test_compiled_questions_are_kept_between_runs(sample_warehouse: Path, tmp_path: Path) -> None:
    """The second `award` reads its SQL from the cache and answers the same; a planted wrong
    SQL would be run, so the cache is keyed by the code and the facts columns (see sql_cache)."""
    cache = {"VENDORWATCH_CACHE_DIR": str(tmp_path / "cache")}
    args = ("award", "70CMSD21C00000001", "--json", "--warehouse", str(sample_warehouse))
    first = run(*args, env=cache)
    assert first.returncode == 0, first.stderr
    (stored,) = (tmp_path / "cache" / "sql").glob("*.json")
    questions = json.loads(stored.read_text("utf-8"))
    assert questions and all("SELECT" in sql for sql in questions.values())
    second = run(*args, env=cache)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout) == json.loads(first.stdout)
    assert json.loads(first.stdout)["obligated"]


# --- the warm read path: cached SQL on plain DuckDB, no Ibis ----------------------------------

LEIDS = "70CMSD21C00000001"  # ICE's LEIDS contract with LexisNexis Risk Solutions

# the command named by the script's arguments, run in the script's own interpreter
_RUN = """
import sys
from vendorwatch.cli.app import main
sys.argv = ["vendorwatch", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    assert done.code in (0, None), done.code
"""

_MODULES_AFTER = (
    _RUN
    + """
sys.stderr.write("\\nIMPORTED " + " ".join(sorted(m for m in sys.modules if m.split(".")[0] in
                                                    ("ibis", "sqlglot", "duckdb",
                                                     "pydantic_settings", "filelock"))))
"""
)


def imported(*args: str, cache: Path) -> tuple[str, set[str]]:
    """The command's stdout, and which of Ibis, sqlglot, DuckDB, pydantic-settings and filelock
    it imported."""
    done = subprocess.run(
        [sys.executable, "-c", _MODULES_AFTER, *args], capture_output=True, text=True,
        check=False, env={**os.environ, "VENDORWATCH_CACHE_DIR": str(cache)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    modules = done.stderr.rpartition("IMPORTED ")[2].split()
    return done.stdout, {m.split(".")[0] for m in modules}


def test_a_warm_family_and_award_import_no_ibis_and_answer_as_the_cold_run(
    sample_warehouse: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    wh = ("--warehouse", str(sample_warehouse))
    first_modules: set[str] | None = None
    for args in (("family", "relx-plc"), ("family", "relx-plc", "--json"),
                 ("award", LEIDS), ("award", LEIDS, "--json")):  # fmt: skip
        cold, cold_modules = imported(*args, *wh, cache=cache)  # compiled through Ibis
        first_modules = cold_modules if first_modules is None else first_modules
        warm, warm_modules = imported(*args, *wh, cache=cache)
        assert warm == cold, args  # byte for byte
        if args[1:] == ("relx-plc", "--json"):
            continue  # the whole dossier: sub-awards, sanctuary, claims still ask through Ibis
        assert "duckdb" in warm_modules and "ibis" not in warm_modules, (args, warm_modules)
        assert "sqlglot" not in warm_modules
        assert "filelock" not in warm_modules  # only writers lock (warehouse.snapshots)
        # the settings came from vendorwatch.lightsettings (tests/test_settings_light.py)
        assert "pydantic_settings" not in warm_modules, (args, warm_modules)
    assert first_modules is not None and "ibis" in first_modules  # the very first run compiled
    # The figures are the raw files' (docs: $8,276,020.00 as of 2022-07-15 is the journalist's).
    award = json.loads(warm)
    assert award["piid"] == LEIDS and award["transactions"]
    family, _ = imported("family", "relx-plc", *wh, cache=cache)
    assert family.startswith("RELX PLC  $")


def test_the_sql_cache_is_missed_when_what_it_was_built_from_changes(
    sample_warehouse: Path, tmp_path: Path, registry_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is named by the code, the registry and every table's columns: change one and
    the stored SQL is not used (a new file is, compiled through Ibis)."""
    import duckdb

    from vendorwatch.analysis import sql_cache
    from vendorwatch.analysis.readcon import ReadConnection

    monkeypatch.setenv("VENDORWATCH_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "copy.duckdb"
    source = duckdb.connect(str(sample_warehouse.resolve()), read_only=True)
    tables = [t for (t,) in source.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    source.close()
    raw = duckdb.connect(str(copy))
    raw.execute(f"ATTACH '{sample_warehouse.resolve()}' AS sample (READ_ONLY)")
    for table in tables:
        raw.execute(f"CREATE TABLE main.{table} AS SELECT * FROM sample.{table} LIMIT 0")
    con = ReadConnection(raw)
    first = sql_cache.cache_path(con)
    assert sql_cache.cache_path(con) == first  # the same inputs: the same file

    raw.execute("ALTER TABLE source_files ADD COLUMN note VARCHAR")  # a table beside facts
    changed_schema = sql_cache.cache_path(con)
    assert changed_schema != first

    from vendorwatch.settings import get_settings

    get_settings().registry = registry_copy
    try:
        same_registry = sql_cache.cache_path(con)
        yaml_file = registry_copy / "foia-offices.yaml"
        yaml_file.write_text(yaml_file.read_text("utf-8") + "\n# edited\n", "utf-8")
        from vendorwatch.registry.load import registry_fingerprint

        registry_fingerprint(fresh=True)
        assert sql_cache.cache_path(con) not in (same_registry, changed_schema, first)
    finally:
        get_settings().registry = None
    raw.close()


def test_version_imports_nothing_heavy() -> None:
    assert nothing_heavy("--version", (*HEAVY, "ibis", "sqlglot")).startswith("vendorwatch ")


_CONNECTS = (
    """
import sys
import duckdb
opened = []
real = duckdb.connect
def counting(*args, **kwargs):
    opened.append(args[0] if args else kwargs.get("database"))
    return real(*args, **kwargs)
duckdb.connect = counting
"""
    + _RUN
    + """
sys.stderr.write(f"\\nOPENED {len(opened)}")
"""
)


def test_a_reading_command_opens_the_warehouse_once(
    sample_warehouse: Path, tmp_path: Path, registry_copy: Path
) -> None:
    """`ensure_current` asks the command's own connection (it opened a second one); after a
    rebuild the command reads the new version on a new connection, and answers as a current
    warehouse does."""
    env = {**os.environ, "VENDORWATCH_CACHE_DIR": str(tmp_path / "cache")}

    def family(*options: str) -> tuple[str, str]:
        done = subprocess.run(
            [sys.executable, "-c", _CONNECTS, *options, "family", "relx-plc", "--warehouse",
             str(copy)], capture_output=True, text=True, check=False, env=env,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout, done.stderr

    copy = tmp_path / "w.duckdb"
    shutil.copy(sample_warehouse.resolve(), copy)  # a warehouse made before versions: one file
    first, _ = family()
    again, said = family()
    assert again == first and said.endswith("OPENED 1"), said
    # A changed registry: the check on the command's connection finds it stale, a new version
    # is derived (its writer opens its own), and the command reads that one.
    yaml_file = registry_copy / "foia-offices.yaml"
    yaml_file.write_text(yaml_file.read_text("utf-8") + "\n# edited\n", "utf-8")
    rebuilt, said = family("--registry", str(registry_copy))
    assert "rebuilding families and facts" in said
    assert rebuilt == first
    opened = int(said.rpartition("OPENED ")[2])
    assert opened >= 3, said  # the check, the writer, the new version's reader
    current, said = family("--registry", str(registry_copy))
    assert current == first and said.endswith("OPENED 1"), said


_REGISTRY_AFTER = (
    _RUN
    + """
import json
seen = {"modules": sorted(m for m in sys.modules
                          if m.startswith("vendorwatch.registry") or m in ("rapidfuzz", "rich"))}
if "vendorwatch.registry.load.shipped" in sys.modules and sys.argv[1] == "family":
    from vendorwatch.registry import shipped_registry
    registry = shipped_registry()
    seen["opened"] = getattr(registry.organisations, "opened", None)  # None: read from YAML
    seen["organisations"] = len(registry.organisations)
    seen["family"] = sorted({sys.argv[2], *registry.members(sys.argv[2])})
sys.stderr.write("\\nREGISTRY " + json.dumps(seen))
"""
)


def registry_use(*args: str, cache: Path) -> dict[str, Any]:
    """What of the registry a command used: the modules it imported and, for ``family``,
    how many organisations it unpickled from the cached registry."""
    done = subprocess.run(
        [sys.executable, "-c", _REGISTRY_AFTER, *args], capture_output=True, text=True,
        check=False, env={**os.environ, "VENDORWATCH_CACHE_DIR": str(cache)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    seen: dict[str, Any] = json.loads(done.stderr.rpartition("REGISTRY ")[2])
    return seen


# Reading and checking the YAML: a command answered from the cached registry needs none of it.
READING = ("vendorwatch.registry.load.read", "vendorwatch.registry.load.checks",
           "vendorwatch.registry.yamlfile")  # fmt: skip


def test_a_warm_command_unpickles_only_the_organisations_it_reads(
    sample_warehouse: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    wh = ("--warehouse", str(sample_warehouse))
    registry_use("family", "relx-plc", *wh, cache=cache)  # the YAML read, the pickle written
    family = registry_use("family", "relx-plc", *wh, cache=cache)
    assert family["organisations"] > 2000
    assert 0 < family["opened"] <= len(family["family"]) < 20, family  # RELX's own, no others
    assert not set(READING) & set(family["modules"]), family["modules"]
    assert "vendorwatch.registry.models.foia" not in family["modules"]  # no FOIA office read
    assert "rapidfuzz" not in family["modules"]  # only to suggest ids for one it lacks
    assert "rich" not in family["modules"]  # piped lines are written as Rich would write them
    # award asks only the registry's fingerprint and its classification rules
    registry_use("award", LEIDS, *wh, cache=cache)  # compiled through Ibis (which imports Rich)
    award = registry_use("award", LEIDS, *wh, cache=cache)["modules"]
    assert not {*READING, "vendorwatch.registry.models.organisations"} & set(award), award
    assert "vendorwatch.registry.load.fingerprint" in award
    assert "rich" not in award
