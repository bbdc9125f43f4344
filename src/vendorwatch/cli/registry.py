"""``vendorwatch registry …`` and ``vendorwatch resolve``: thin shells over the library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vendorwatch.cli.output import console, errors, print_json
from vendorwatch.registry import check_registry

registry_app = typer.Typer(
    name="registry",
    help="The curated registry: organisations, ownership, products, FOIA offices, lists.",
    no_args_is_help=True,
)

RegistryOption = Annotated[
    Path | None,
    typer.Option(
        "--registry",
        envvar="VENDORWATCH_REGISTRY",
        help="A registry folder to use instead of the one shipped with vendorwatch.",
        show_default="the shipped registry",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@registry_app.command("check")
def check_command(registry: RegistryOption = None, as_json: JsonOption = False) -> None:
    """Validate every registry file; list each problem with its file and line."""
    reg, problems = check_registry(registry)
    counts = {
        "organisations": len(reg.organisations),
        "ownership": len(reg.ownership),
        "products": len(reg.products),
        "sources": len(reg.sources),
        "foia_offices": len(reg.foia_offices),
        "jurisdiction_lists": len(reg.jurisdiction_lists),
        "claims": len(reg.claims),
        "overrides": len(reg.overrides),
    }
    if as_json:
        print_json(
            {"ok": not problems, "counts": counts, "problems": [p.as_dict() for p in problems]}
        )
    else:
        for problem in problems:
            errors.print(str(problem), highlight=False, markup=False, soft_wrap=True)
        if problems:
            errors.print(f"[red]{len(problems)} problem(s)[/] in the registry", highlight=False)
        else:
            summary = ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in counts.items())
            console.print(f"[green]registry OK[/]: {summary}", highlight=False)
    if problems:
        raise typer.Exit(1)
