"""``vendorwatch agreement PIID``: the orders placed under one agreement, across agencies.

A thin shell over `vendorwatch.analysis.agreements` (the same answer as /agreement/PIID and
/api/agreements/PIID); imported inside the command so ``--help`` stays light.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from vendorwatch.cli.options import JsonOption, WarehouseOption, current_warehouse
from vendorwatch.cli.output import console, money, print_json, show, titled_table


def agreement_command(
    piid: Annotated[
        str, typer.Argument(help="The agreement's PIID (an IDV, BPA or schedule), e.g. GS02F026DA.")
    ],
    warehouse: WarehouseOption = None,
    as_json: JsonOption = False,
) -> None:
    """The orders placed under an agreement (IDV, BPA, schedule) by every loaded agency, with
    totals per agency and in all, and what those totals cover."""
    from vendorwatch.analysis import connect
    from vendorwatch.analysis.agreements import agreement

    answer = agreement(connect(current_warehouse(warehouse)), piid)
    if as_json:
        print_json(answer)
        return
    _print(answer)


def _print(answer: dict[str, Any]) -> None:
    totals = answer["totals"]
    console.print(
        f"[bold]{answer['piid']}[/]: {totals['orders']:,} orders, "
        f"{money(totals['obligated'])} obligated",
        highlight=False,
    )
    console.print(answer["covers"], highlight=False, soft_wrap=True)
    agencies = titled_table(
        "By agency", ["agency", "orders", "obligated"], right={"orders", "obligated"}
    )
    for row in answer["by_agency"]:
        agencies.add_row(
            row["short"] or row["sub_agency"], f"{row['orders']:,}", money(row["obligated"])
        )
    show(agencies)
    orders = titled_table(
        "Orders", ["order", "recipient", "agency", "obligated", "from"], right={"obligated"}
    )
    for o in answer["orders"]:
        orders.add_row(
            o["award_id_piid"] or o["award_key"],
            o["recipient_name"] or "",
            o["awarding_sub_agency_name"] or "",
            money(o["obligated"]) if o["obligated"] is not None else "",
            o["obligated_source"] or "",
        )
    show(orders)
