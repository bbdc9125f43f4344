"""An agreement (IDV, BPA, IDIQ or schedule) and the orders placed under it, across agencies.

An order names its agreement by the parent PIID: the bulk layouts and award records carry
``parent_award_id_piid``, the API export's generated award id ends with it
(``CONT_AWD_<piid>_<agency>_<parent piid>_<parent agency>``), FPDS ATOM has
``referencedIDVID``. The agreement itself is often not in the loaded files (a GSA schedule is
GSA's), so its page is what its orders add up to, and says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from vendorwatch.analysis.base import plain
from vendorwatch.analysis.best_values import best_awards
from vendorwatch.analysis.coverage_sources import short_name
from vendorwatch.analysis.lazy import ibis, ir
from vendorwatch.analysis.prepared import Builder, Prepared
from vendorwatch.errors import VendorwatchError

_ORDER_COLUMNS = (
    "award_key",
    "award_id_piid",
    "recipient_name",
    "family",
    "awarding_agency_name",
    "awarding_sub_agency_name",
    "signed",
    "signed_source",
    "obligated",
    "obligated_source",
    "loaded_obligations",
    "transactions",
    "current_total_value_of_award",
    "current_total_value_of_award_source",
    "potential_total_value_of_award",
    "potential_total_value_of_award_source",
    "competition",
    "extent_competed_code_source",
    "record_kind",
)


def _orders(con: Any) -> Builder:
    def build(facts: ir.Table, piid: ir.Scalar) -> ir.Table:
        best = best_awards(con, facts)
        mine = best.filter(best.parent_award_id_piid.upper() == piid.upper())
        return mine.select(*_ORDER_COLUMNS).order_by([ibis.desc("obligated"), "award_key"])

    return build


def _sum(rows: Iterable[dict[str, Any]], column: str) -> Decimal:
    return sum((Decimal(r[column]) for r in rows if r[column] is not None), Decimal(0))


def agreement(con: Any, piid: str) -> dict[str, Any]:
    """The agreement's orders (largest obligations first) and their totals, per agency and in
    all, with what the totals cover; raises when no loaded order names ``piid``."""
    piid = piid.strip()
    if not piid:
        raise VendorwatchError("give the agreement's PIID (the parent award id of its orders)")
    orders = Prepared(con).records("agreement:orders", _orders(con), piid=piid)
    if not orders:
        raise VendorwatchError(
            f"no loaded order names {piid!r} as its parent agreement (IDV, BPA or schedule PIID)"
        )
    agencies: dict[str, list[dict[str, Any]]] = {}
    for o in orders:
        agencies.setdefault(o["awarding_sub_agency_name"] or "agency not named", []).append(o)
    by_agency = [
        {
            "sub_agency": name,
            "short": short_name(name),
            "department": rows[0]["awarding_agency_name"],
            "orders": len(rows),
            "obligated": plain(_sum(rows, "obligated")),
            "loaded_obligations": plain(_sum(rows, "loaded_obligations")),
        }
        for name, rows in sorted(agencies.items(), key=lambda kv: -_sum(kv[1], "obligated"))
    ]
    from_records = sum(
        1 for o in orders if o["obligated_source"] in ("award summary", "award detail")
    )
    without_tx = sum(1 for o in orders if not o["transactions"])
    covers = (
        f"{len(orders)} orders under {piid} in the loaded files, placed by "
        f"{len(by_agency)} {'agency' if len(by_agency) == 1 else 'agencies'}. "
        "Obligated is each order's total by the best source at hand "
        f"({from_records} from an award summary or detail record, the rest from the loaded "
        "transactions); orders in files not loaded, and the agreement's own record, are not "
        "counted."
    )
    if without_tx:
        covers += f" {without_tx} of the orders are known only from their award record."
    return {
        "piid": piid,
        "orders": [{k: plain(v) for k, v in o.items()} for o in orders],
        "by_agency": by_agency,
        "totals": {
            "orders": len(orders),
            "agencies": len(by_agency),
            "recipients": len({o["recipient_name"] for o in orders if o["recipient_name"]}),
            "obligated": plain(_sum(orders, "obligated")),
            "loaded_obligations": plain(_sum(orders, "loaded_obligations")),
            "potential_value": plain(_sum(orders, "potential_total_value_of_award")),
            "with_potential_value": sum(
                1 for o in orders if o["potential_total_value_of_award"] is not None
            ),
        },
        "covers": covers,
    }
