"""``vendorwatch timeline FAMILY``: a family's accountability timeline in the terminal.

A thin shell over `vendorwatch.analysis.timeline` (imported inside the command: Ibis takes most
of a second that ``--help`` should not pay).
"""

from __future__ import annotations

from typing import Annotated

import typer

from vendorwatch.cli.options import JsonOption, WarehouseOption, analysis_connection
from vendorwatch.cli.output import console, money, print_json, titled_table


def day(value: object) -> str:
    """`vendorwatch.formatting.day`, imported when used: ``--help`` must not load it."""
    from vendorwatch.formatting import day as human_day

    return human_day(value)


def _when(event: dict[str, str]) -> str:
    """The day as precisely as it is known: 2016, June 2022, 27 July 2022."""
    if event["precision"] == "year":
        return event["day"][:4]
    if event["precision"] == "month":
        from vendorwatch.formatting import MONTHS

        return f"{MONTHS[int(event['day'][5:7]) - 1]} {event['day'][:4]}"
    return day(event["day"])


def timeline(
    family_id: Annotated[
        str, typer.Argument(help="Family or company id, e.g. relx-plc, thomson-reuters-corp.")
    ],
    records: Annotated[
        bool,
        typer.Option("--records/--no-records", help="Include the contracts signed and extended."),
    ] = True,
    warehouse: WarehouseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Dated events with their sources (statements, hearings, shareholder actions, FOIA …) and
    the awards signed and extended, in date order, beside the obligations."""
    from vendorwatch.analysis.timeline import family_timeline
    from vendorwatch.registry import shipped_registry

    data = family_timeline(analysis_connection(warehouse), shipped_registry(), family_id)
    if as_json:
        print_json(data)
        return
    axis = data["axis"]
    span = f", {day(axis['from'])} to {day(axis['to'])}" if axis else ""
    console.print(f"[bold]{data['subject']['name']}[/]: timeline{span}", highlight=False)
    table = titled_table("Events", ["when", "kind", "what", "source"], right=set())
    for e in data["events"]:
        if e["from_records"] and not records:
            continue
        if e["from_records"]:
            source = f"{e['record']['file']} row {e['record']['row']}"
        else:
            source = "; ".join(s["title"] for s in e["sources"])
            if not e["verified"]:
                source += " (unverified)"
        what = e["title"]
        if e.get("records_beside"):
            r = e["records_beside"]
            what += (
                f"\nRecords {day(r['from'])} to {day(r['to'])}: {money(r['obligations'])} "
                f"obligated in {r['transactions']} transactions on {r['awards']} awards"
            )
        table.add_row(_when(e), e["kind_label"], what, source)
    console.print(table)
    if data["curve"]:
        console.print(
            f"Obligations in the loaded data: {money(data['curve'][-1]['cumulative'])} by "
            f"{day(data['curve'][-1]['month'])[2:].strip()}",
            highlight=False,
        )
