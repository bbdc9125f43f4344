"""``vendorwatch``: each command is a thin call into the library (`vendorwatch.warehouse` …)."""

from __future__ import annotations

import copy
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.main import get_command_name

from vendorwatch.cli import analysis as analysis_commands
from vendorwatch.cli.options import (
    JsonOption,
    WaitOption,
    WarehouseOption,
    current_warehouse,
    get_settings,
    warehouse_path,
)
from vendorwatch.cli.output import console, errors, file_progress, print_json
from vendorwatch.cli.warehouse_status import print_results, print_status, read_status
from vendorwatch.errors import VendorwatchError

if TYPE_CHECKING:
    pass

# Everything heavy (DuckDB, pydantic-settings, Ibis, Rich's tables) is imported inside the
# commands: `vendorwatch --help` pays only for Typer (tests/cli/test_startup.py).

app = typer.Typer(
    name="vendorwatch",
    help="Follow the money between U.S. immigration enforcement and its vendors.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help and usage errors: Rich's help formatter alone costs more than --help may.
    rich_markup_mode=None,
)


class Dates(StrEnum):
    """`vendorwatch.warehouse.DateConvention`'s values (kept in step by a test), here so that
    declaring ``--dates`` does not import DuckDB."""

    ISO = "iso"
    MONTH_FIRST = "mdy"
    DAY_FIRST = "dmy"


_warehouse = warehouse_path


def _version(show: bool) -> None:
    if show:
        from importlib.metadata import version

        console.print(f"vendorwatch {version('vendorwatch')}", highlight=False)
        raise typer.Exit


# The commands the Spark engine answers (docs/analysis.md, On Spark); the others read DuckDB.
SPARK_COMMANDS = frozenset({"award", "claim", "family", "rollup", "timeline"})


def _listed(names: list[str]) -> str:
    """``a, b and c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@app.callback()
def options(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="A settings file (TOML, keys as in docs/settings.md) instead of the default.",
            show_default="vendorwatch.toml in the user config folder, if it exists",
        ),
    ] = None,
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry",
            help="A registry folder to use instead of the shipped one, for every command "
            "(also VENDORWATCH_REGISTRY).",
            show_default="the registry shipped with vendorwatch",
        ),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            help="What answers `family` and `rollup`: duckdb (the warehouse file) or spark "
            "(its Parquet dataset; also VENDORWATCH_ENGINE). docs/analysis.md says what runs.",
            show_default="the engine setting (duckdb)",
        ),
    ] = None,
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            help="Spark master URL with --engine spark (spark://host:7077 on a cluster).",
            show_default="the spark_master setting (local[2])",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Follow the money between U.S. immigration enforcement and its vendors."""
    # Flags go to the light settings reader (vendorwatch.lightsettings): a command that only
    # reads never imports pydantic-settings; the full settings take the flags when read.
    from vendorwatch import lightsettings

    if config is not None:
        lightsettings.use_config_file(config)
    if registry is not None:
        if not registry.is_dir():
            raise typer.BadParameter(f"{registry} is not a folder", param_hint="--registry")
        lightsettings.override("registry", registry)
    if engine is not None:
        if engine not in ("duckdb", "spark"):
            raise typer.BadParameter(f"{engine!r}: duckdb or spark", param_hint="--engine")
        lightsettings.override("engine", engine)
    if spark_master is not None:
        lightsettings.override("spark_master", spark_master)
    command = ctx.invoked_subcommand
    if engine == "spark" and command is not None and command not in SPARK_COMMANDS:
        errors.print(
            f"note: the Spark engine answers {_listed(sorted(SPARK_COMMANDS))}; "
            f"`{command}` reads the DuckDB warehouse file (docs/analysis.md, On Spark)",
            highlight=False,
        )


@app.command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    dates: Annotated[
        Dates | None,
        typer.Option(help="Date convention for a file whose values cannot show it (mdy, dmy)."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List skipped files.")] = False,
    warehouse: WarehouseOption = None,
    wait: WaitOption = None,
    as_json: JsonOption = False,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="A folder of bulk archives (zip, csv, csv.gz): one at a time, each published "
            "and journaled; a re-run skips those done.",
        ),
    ] = False,
) -> None:
    """Ingest USAspending files (layout told from the header); each file all or nothing.

    The loaded rows, their families and facts are published together as a new version of the
    warehouse: a site serving it picks the new version up without a restart."""
    if bulk:
        from vendorwatch.cli.bulk_load import load_bulk

        if not load_bulk(_warehouse(warehouse), paths, wait=wait, as_json=as_json):
            raise typer.Exit(1)
        return
    from vendorwatch.build import build_warehouse  # Ibis: only when writing
    from vendorwatch.warehouse import DateConvention

    convention = DateConvention(dates.value) if dates is not None else None
    with file_progress(enabled=not as_json) as progress:
        result = build_warehouse(
            _warehouse(warehouse), paths, progress=progress, dates_override=convention, wait=wait
        )
    results, resolution = result.loads, result.resolution
    if resolution is not None and not as_json:
        console.print(
            f"resolved {resolution.identities:,} recipient identities; facts rebuilt",
            highlight=False,
        )
    if as_json:
        print_json([r.as_dict() for r in results])
    else:
        print_results(results, verbose)
    if not results:
        errors.print("[red]error[/] no files found", highlight=False)
    failed = any(r.status == "error" for r in results)
    if failed or all(r.status == "skipped" for r in results):
        raise typer.Exit(1)


@app.command("status")
def status_command(warehouse: WarehouseOption = None, as_json: JsonOption = False) -> None:
    """What is loaded: each source file's layout, rows, date range and agencies; table totals."""
    summary = read_status(_warehouse(warehouse))
    if as_json:
        print_json(summary)
    else:
        print_status(summary)


@app.command()
def layouts(as_json: JsonOption = False) -> None:
    """The file layouts `load` recognises, and the header columns that identify each."""
    from rich.table import Table

    from vendorwatch.warehouse.layouts import LAYOUTS

    rows = [
        {
            "name": layout.name,
            "title": layout.title,
            "table": layout.table.name,
            "identified_by": sorted(layout.signature),
            "standard_columns": layout.standard_columns,
        }
        for layout in LAYOUTS
    ]
    if as_json:
        print_json(rows)
        return
    table = Table()
    for column in ("layout", "what", "into", "identified by these header columns"):
        table.add_column(column)
    for layout in LAYOUTS:
        table.add_row(
            layout.name, layout.title, layout.table.name, ", ".join(sorted(layout.signature))
        )
    console.print(table)


@app.command()
def serve(
    warehouse: WarehouseOption = None,
    sample: Annotated[
        bool,
        typer.Option(
            "--sample",
            help="Load the bundled real sample data into the warehouse first (if not there yet).",
        ),
    ] = False,
    sample_data: Annotated[
        Path | None,
        typer.Option(help="The sample folder for --sample.", show_default="../shared/data/raw"),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    log_ips: Annotated[
        bool, typer.Option("--log-ips", help="Write client addresses to the access log.")
    ] = False,
    warm: Annotated[
        bool,
        typer.Option(help="Work out the home page and watched dossiers before serving."),
    ] = True,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes sharing the warehouse read-only (each holds its own caches; "
            "memory grows with each).",
        ),
    ] = 1,
) -> None:
    """Serve the site and API over the warehouse; new versions published by `load` or `sync`
    are picked up while it serves, and a changed registry is re-derived in the background."""
    import logging
    import threading

    import uvicorn

    from vendorwatch.build import build_warehouse, keep_current
    from vendorwatch.cli.serving import announce_when_answering, check_port_free
    from vendorwatch.warehouse import snapshots
    from vendorwatch.web import create_app
    from vendorwatch.web.security import configure_logging

    check_port_free(host, port)
    path = _warehouse(warehouse)
    if sample:
        folder = sample_data or get_settings().sample_data
        if folder is None:
            raise VendorwatchError(
                "--sample: no sample data folder found (../shared/data/raw); "
                "name one with --sample-data PATH"
            )
        with file_progress(enabled=True) as progress:
            result = build_warehouse(path, [folder], progress=progress)
        loaded = [r for r in result.loads if r.status == "loaded"]
        if loaded:
            console.print(f"Loaded {len(loaded)} new file(s) from {folder}", highlight=False)
        if result.resolution is not None:
            console.print(
                f"Resolved {result.resolution.identities:,} recipient identities to the registry",
                highlight=False,
            )
    elif snapshots.version_id(path) is None:
        raise VendorwatchError(
            f"no warehouse at {path}: load contract files with `vendorwatch load FILE...`, "
            "or start with `vendorwatch serve --sample` to load the bundled real sample"
        )
    current_warehouse(path)
    print_status(read_status(path))
    configure_logging(logging.INFO)  # JSON lines, no client addresses
    stop = threading.Event()
    threading.Thread(target=keep_current, args=(path, stop), daemon=True).start()
    console.print(f"Serving on http://{host}:{port}/ (starting…)", highlight=False)
    announce_when_answering(
        host, port, lambda line: console.print(line, highlight=False, soft_wrap=True), stop
    )
    try:
        # uvicorn's own access log writes client addresses; ours (PrivacyMiddleware) does not.
        if workers > 1:  # each process builds its own app (vendorwatch.web.workers)
            import os

            from vendorwatch.web.workers import handed_down

            os.environ.update(handed_down(log_ips=log_ips, warm=warm))
            os.environ["VENDORWATCH_WAREHOUSE"] = str(path)
            uvicorn.run("vendorwatch.web.workers:app", factory=True, workers=workers, host=host,
                        port=port, access_log=False)  # fmt: skip
        else:
            uvicorn.run(create_app(path, log_ips=log_ips, warm=warm), host=host, port=port,
                        access_log=False)  # fmt: skip
    finally:
        stop.set()


app.command()(analysis_commands.award)
app.command("rollup")(analysis_commands.rollup_command)
app.command()(analysis_commands.family)
app.command()(analysis_commands.dossier)


def only_command(argv: list[str]) -> typer.Typer:
    """The app with only the command ``argv`` starts with, when it starts with one.

    Typer builds every command's parameters from its signature before running one (~60
    commands: a tenth of a warm ``family``). Anything else (``--help``, a global option
    first, an unknown name, which the full app answers with suggestions) gets the full app.
    """
    if not argv or argv[0].startswith("-"):
        return app
    if argv[0] in _trimmed:
        return _trimmed[argv[0]]
    commands = [
        c
        for c in app.registered_commands
        if c.callback is not None and (c.name or get_command_name(c.callback.__name__)) == argv[0]
    ]
    groups = [g for g in app.registered_groups if g.name == argv[0]]
    if not commands and not groups:
        return app
    trimmed = copy.copy(app)
    trimmed.registered_commands, trimmed.registered_groups = commands, groups
    # Kept: one app per command name, so a caller caching Typer's build of it by identity
    # (tests/robustness/runcli.py) never meets another command's app at a reused id.
    _trimmed[argv[0]] = trimmed
    return trimmed


_trimmed: dict[str, typer.Typer] = {}


def main() -> None:
    """Entry point: user errors become one line on stderr and exit status 1."""
    try:
        only_command(sys.argv[1:])()
    except VendorwatchError as exc:
        errors.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise SystemExit(exc.exit_status) from None


from vendorwatch.cli import registry as _registry  # noqa: E402

app.add_typer(_registry.registry_app, name="registry")
app.command("resolve")(_registry.resolve_command)

from vendorwatch.cli import sync as _sync  # noqa: E402

app.command("sync")(_sync.sync_command)

from vendorwatch.cli import foia as _foia  # noqa: E402

app.add_typer(_foia.foia_app, name="foia")

from vendorwatch.cli import letters as _letters  # noqa: E402

app.add_typer(_letters.letters_app, name="letters")

from vendorwatch.cli import audit as _audit  # noqa: E402

app.command("audit")(_audit.audit_command)

from vendorwatch.cli import export as _export  # noqa: E402

app.add_typer(_export.export_app, name="export")

from vendorwatch.cli import watch as _watch  # noqa: E402

app.add_typer(_watch.watch_app, name="watch")

from vendorwatch.cli import claims as _claims  # noqa: E402

app.add_typer(_claims.claim_app, name="claim")

from vendorwatch.cli import notice as _notice  # noqa: E402

app.command("notice")(_notice.notice_command)
app.command("handout")(_notice.handout_command)

from vendorwatch.cli import sanctuary as _sanctuary  # noqa: E402

app.command("sanctuary")(_sanctuary.sanctuary_command)

from vendorwatch.cli import agreement as _agreement  # noqa: E402

app.command("agreement")(_agreement.agreement_command)

from vendorwatch.cli import timeline as _timeline  # noqa: E402

app.command("timeline")(_timeline.timeline)

from vendorwatch.cli import appdb as _appdb  # noqa: E402

app.command("backup")(_appdb.backup_command)
app.command("restore")(_appdb.restore_command)
