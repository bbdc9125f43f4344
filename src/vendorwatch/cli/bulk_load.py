"""``vendorwatch load --bulk FOLDER``: a thin shell over `vendorwatch.sources.archives`."""

from __future__ import annotations

from pathlib import Path

from vendorwatch.cli.output import console, errors, print_json


def load_bulk(warehouse: Path, paths: list[Path], *, wait: float | None, as_json: bool) -> bool:
    """Load a folder of bulk archives one at a time (resumable); True when none failed."""
    from vendorwatch.cli.sync import _progress, _reporter
    from vendorwatch.sources.archives import load_folder

    with _progress(enabled=not as_json) as bars:
        loads = load_folder(warehouse, paths, wait=wait, progress=_reporter(bars))
    if as_json:
        print_json([load.as_dict() for load in loads])
    else:
        for load in loads:
            if load.status == "done before":
                line = f"[cyan]done before[/] {load.path.name} [dim](journal)[/]"
            elif load.status == "error":
                errors.print(f"[red]error[/] {load.path.name}: {load.error}", highlight=False)
                continue
            else:
                line = f"[green]loaded[/] {load.path.name} [dim]({load.rows:,} rows)[/]"
            console.print(line, highlight=False)
        console.print(
            f"{sum(load.status == 'loaded' for load in loads)} archive(s) loaded, "
            f"{sum(load.status == 'done before' for load in loads)} done before, "
            f"{sum(load.rows for load in loads):,} rows",
            highlight=False,
        )
    if not loads:
        errors.print("[red]error[/] no bulk files found", highlight=False)
    return bool(loads) and all(load.status != "error" for load in loads)
