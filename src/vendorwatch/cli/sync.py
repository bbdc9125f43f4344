"""``vendorwatch sync``: a thin shell over `vendorwatch.sources.sync`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vendorwatch.cli.options import WaitOption, get_settings, optional_day
from vendorwatch.cli.output import console, errors, money, print_json, real
from vendorwatch.errors import VendorwatchError

if TYPE_CHECKING:  # the client, httpx and Rich load only when a command runs
    from rich.progress import Progress, TaskID

    from vendorwatch.sources import SyncOptions, UsaspendingClient


def _date(option: str, text: str | None) -> date | None:
    return optional_day(text, option)


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=real(errors),
        transient=True,
        disable=not enabled,
    )
    with bars:
        yield bars


def _fiscal_years(text: str) -> tuple[date, date]:
    from vendorwatch.sources.bulk import fiscal_years_window

    first, _, last = text.partition("-")
    try:
        return fiscal_years_window(int(first), int(last or first))
    except ValueError:
        raise VendorwatchError(
            f"--fiscal-years {text!r}: expected FIRST-LAST, e.g. 2008-2026"
        ) from None


def _reporter(bars: Progress) -> Callable[[str, int, int | None], None]:
    tasks: dict[str, TaskID] = {}

    def report(step: str, done: int, total: int | None) -> None:
        if step not in tasks:
            tasks[step] = bars.add_task(step, total=total)
        bars.update(tasks[step], completed=done, total=total)

    return report


def _bulk(
    path: Path,
    client: UsaspendingClient,
    options: SyncOptions,
    bars: Progress,
    *,
    poll_every: float,
    as_json: bool,
    wait: float | None,
) -> None:
    from vendorwatch.sources.bulk import bulk_seed

    if options.since is None:
        raise VendorwatchError("--bulk needs --since (the first day to download) or --fiscal-years")
    end = options.until or date.today()
    result = bulk_seed(  # each fiscal year's archive published whole, then journaled
        path, client, options.agencies, options.since, end,
        progress=_reporter(bars), poll_every=poll_every, wait=wait,
    )  # fmt: skip
    failed = [r for r in result.loads if r.status == "error"]
    if as_json:
        print_json(result.as_dict())
    else:
        for archive in result.done_before:
            console.print(f"{Path(archive).name}: done before (journal)", highlight=False)
        for r in result.loads:
            line = f"{r.path.name}: {r.status}" + (f", {r.rows:,} rows" if r.rows else "")
            console.print(line + (f" ({r.error})" if r.error else ""), highlight=False)
        resolved = f"; {result.identities:,} recipient identities resolved"
        console.print(
            f"{len(result.downloads)} download(s); "
            f"{sum(r.status == 'loaded' for r in result.loads)} file(s) loaded, "
            f"{sum(result.changes.values())} change(s) recorded"
            + (resolved if result.identities else ""),
            highlight=False,
        )
    if failed:
        raise VendorwatchError(f"{len(failed)} file(s) in the downloads could not be loaded")


def sync_command(
    *,
    api_base: Annotated[
        str | None,
        typer.Option(
            "--api-base",
            help="The API to ask (a mirror, or a local replay server).",
            show_default="https://api.usaspending.gov",
        ),
    ] = None,
    agencies: Annotated[
        list[str] | None,
        typer.Option("--agency", help="ice, cbp, uscis or dhs (DHS-wide); repeatable."),
    ] = None,
    families: Annotated[
        list[str] | None,
        typer.Option(
            "--family",
            help="A watched name searched as recipient_search_text (e.g. RELX); repeatable. "
            "Without it each agency is synced whole.",
        ),
    ] = None,
    groups: Annotated[
        list[str] | None,
        typer.Option("--group", help="Award type group: contracts, idvs; repeatable."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Start of the window (YYYY-MM-DD) instead of the last sync's end."),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="End of the window (YYYY-MM-DD).", show_default="today")
    ] = None,
    page_size: Annotated[int, typer.Option(min=1, max=100, help="Search page size.")] = 100,
    rate: Annotated[
        float, typer.Option(min=0.0, help="Requests per second at most (0: no spacing).")
    ] = 2.0,
    timeout: Annotated[float, typer.Option(min=1.0, help="Seconds to wait for an answer.")] = 60.0,
    warehouse: Annotated[
        Path | None,
        typer.Option("--warehouse", help="The DuckDB file."),
    ] = None,
    wait: WaitOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="Seed from bulk award downloads (one per fiscal year from --since) instead.",
        ),
    ] = False,
    poll_every: Annotated[
        float, typer.Option(min=0.0, help="With --bulk: seconds between download status checks.")
    ] = 10.0,
    all_agencies: Annotated[
        bool, typer.Option("--all-agencies", help="With --bulk: every federal agency.")
    ] = False,
    fiscal_years: Annotated[
        str | None,
        typer.Option(
            "--fiscal-years",
            help="With --bulk: FIRST-LAST (e.g. 2008-2026) instead of --since/--until.",
        ),
    ] = None,
) -> None:
    """Bring the warehouse up to date from the USAspending API (incremental, resumable)."""
    import httpx
    from rich.table import Table

    from vendorwatch.sources import SyncOptions, UsaspendingClient, sync

    first, last = _date("--since", since), _date("--until", until)
    if fiscal_years is not None:
        first, last = _fiscal_years(fiscal_years)
    if all_agencies and not bulk:
        raise VendorwatchError("--all-agencies is for --bulk (the search syncs name agencies)")
    options = SyncOptions(
        agencies=("all",) if all_agencies else tuple(agencies or ("ice", "cbp")),
        families=tuple(families or ()),
        groups=tuple(groups or ("contracts", "idvs")),
        since=first,
        until=last,
        page_size=page_size,
    )
    path = warehouse or get_settings().warehouse
    client = UsaspendingClient(
        api_base or get_settings().api_base,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        requests_per_second=rate,
    )
    if bulk:
        with client, _progress(enabled=not as_json) as bars:
            _bulk(path, client, options, bars, poll_every=poll_every, as_json=as_json, wait=wait)
        return
    from vendorwatch.build import writing

    with client, _progress(enabled=not as_json) as bars, writing(path, wait=wait) as writer:
        # a new version of the warehouse, published when the run has applied and derived
        result = sync(path, client, options, con=writer.con, progress=_reporter(bars))
        writer.changed = True  # the run's watermarks and journal rows, even with no new rows
    if as_json:
        print_json(result.as_dict())
        return
    for w in result.windows:
        console.print(
            f"{w.scope}: {w.start} to {w.end} [dim]({w.start_reason}; {w.pages} page(s), "
            f"{w.awards} award(s))[/]",
            highlight=False,
        )
    console.print(
        f"{'Resumed' if result.resumed else 'Synced'} run {result.run_id}: "
        f"{result.awards_seen} award(s) seen ({result.awards_current} already current), "
        f"{result.awards_inserted} award snapshot(s) and "
        f"{result.transactions_inserted} transaction(s) added, "
        f"{result.transactions_corrected} corrected, {result.transactions_deleted} deleted, "
        f"{len(result.changes)} change(s); "
        f"{result.requests} request(s) ({result.requests_per_award} per award), "
        f"{result.answered_from_journal} from the journal, {result.seconds:.1f}s",
        highlight=False,
    )
    if result.changes:
        table = Table(title="What changed", title_justify="left")
        for column in ("change", "award", "mod", "date", "amount", "recipient", "agency"):
            table.add_column(column, justify="right" if column == "amount" else "left")
        for c in result.changes:
            detail = f"{c.old_value} → {c.new_value}" if c.kind == "end_date_changed" else ""
            table.add_row(
                c.kind + (f" ({detail})" if detail else ""),
                c.award_id_piid or c.contract_award_unique_key,
                c.modification_number or "",
                c.action_date.isoformat() if c.action_date else "",
                money(f"{c.amount:.2f}") if c.amount is not None else "",
                c.recipient_name or "",
                c.awarding_sub_agency_name or "",
            )
        console.print(table)
