"""``vendorwatch notice PRODUCT`` and ``vendorwatch handout``: the patron risk notice for a
shared account and the one-page data-literacy handout (`vendorwatch.audit.notice`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from vendorwatch.cli.options import WarehouseOption, current_warehouse
from vendorwatch.cli.output import console
from vendorwatch.errors import VendorwatchError

LanguageOption = Annotated[str, typer.Option("--lang", help="en (English) or es (Spanish).")]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "-o", "--output", help="FILE.html, FILE.pdf or FILE.txt (default: plain text on stdout)."
    ),
]


def _format_of(output: Path | None) -> str:
    if output is None:
        return "txt"
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in ("html", "pdf", "txt"):
        raise VendorwatchError(f"{output}: write .html, .pdf or .txt, not .{suffix or '(none)'}")
    return suffix


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    output.write_bytes(data)
    console.print(f"wrote {output}", highlight=False)


def notice_command(
    product: Annotated[str, typer.Argument(help="A product's id or name: westlaw, 'Nexis Uni'.")],
    lang: LanguageOption = "en",
    library: Annotated[
        str | None, typer.Option(help="The library's name, printed at the top.")
    ] = None,
    output: OutputOption = None,
    warehouse: WarehouseOption = None,
) -> None:
    """A notice to post beside a shared account of PRODUCT: what its owner sells to
    immigration enforcement, what the contract records show, what a search may still reveal,
    safer practices and where to ask."""
    from vendorwatch.analysis import connect
    from vendorwatch.audit.notice import patron_notice
    from vendorwatch.audit.notice_render import render_notice
    from vendorwatch.registry import shipped_registry

    fmt = _format_of(output)
    con = connect(current_warehouse(warehouse))
    notice = patron_notice(con, shipped_registry(), product, lang=lang, library=library)
    _write(render_notice(notice, fmt), output)


def handout_command(lang: LanguageOption = "en", output: OutputOption = None) -> None:
    """The one-page data-literacy handout that goes with the notice."""
    from vendorwatch.audit.notice import handout
    from vendorwatch.audit.notice_render import render_handout

    _write(render_handout(handout(lang), _format_of(output)), output)
