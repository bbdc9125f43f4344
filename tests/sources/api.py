"""Response bodies in the USAspending API's own shapes, for replay.

Each builder follows the view that makes the real response at the pinned commit
(``usaspending_api/search/v2/views/spending_by_award.py`` ``construct_es_response``,
``get_simple_pagination_metadata``, ``awards/v2/views/transactions.py``); the award detail is
the hand-made ICE contract in ``fixtures/award_detail_contract.json``, shaped like the
contract's published example.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
ICE = ("U.S. Immigration and Customs Enforcement", "7012", "ICE")
CBP = ("U.S. Customs and Border Protection", "7014", "CBP")


@cache
def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def award_page(
    results: list[dict[str, Any]],
    *,
    page: int,
    limit: int,
    has_next: bool,
    sort_field: str = "Award ID",
) -> dict[str, Any]:
    """``spending_by_award``: the cursor names the last record only when there is a next page."""
    last = results[-1] if results and has_next else None
    return {
        "spending_level": "awards",
        "limit": limit,
        "results": results,
        "page_metadata": {
            "page": page,
            "hasNext": has_next,
            "last_record_unique_id": last["internal_id"] if last else None,
            "last_record_sort_value": str(last[sort_field]) if last else "None",
        },
        "messages": [],
    }


def simple_metadata(*, page: int, has_next: bool) -> dict[str, Any]:
    """``get_simple_pagination_metadata``."""
    return {
        "page": page,
        "next": page + 1 if has_next else None,
        "previous": page - 1 if page > 1 else None,
        "hasNext": has_next,
        "hasPrevious": page > 1,
    }


@dataclass
class Tx:
    mod: str
    action_date: date
    amount: Decimal
    description: str = "ONLINE LAW LIBRARY FOR DETAINEES"


@dataclass
class Award:
    """One contract as the replay server tells it."""

    number: int
    agency: tuple[str, str, str] = ICE
    recipient: str = "RELX INC."
    end_date: date = date(2025, 10, 14)
    last_modified: date = date(2025, 1, 10)
    transactions: list[Tx] = field(default_factory=list)
    kind: str = "D"  # award type, or IDV_E for a BPA

    @property
    def piid(self) -> str:
        office = "70CDCR" if self.agency is ICE else "70B03C"
        letter = "A" if self.kind.startswith("IDV") else "C"
        return f"{office}25{letter}{self.number:08d}"

    @property
    def generated_id(self) -> str:
        prefix = "CONT_IDV" if self.kind.startswith("IDV") else "CONT_AWD"
        tail = "" if self.kind.startswith("IDV") else "_-NONE-_-NONE-"
        return f"{prefix}_{self.piid}_{self.agency[1]}{tail}"

    @property
    def internal_id(self) -> int:
        return 300_000_000 + self.number

    def search_row(self) -> dict[str, Any]:
        return {
            "internal_id": self.internal_id,
            "Award ID": self.piid,
            "generated_internal_id": self.generated_id,
            "Last Modified Date": self.last_modified.isoformat(),
            "Recipient Name": self.recipient,
            "Awarding Sub Agency": self.agency[0],
        }

    def detail(self) -> dict[str, Any]:
        body = copy.deepcopy(fixture("award_detail_contract.json"))
        total = sum((t.amount for t in self.transactions), Decimal(0))
        body.update(
            id=self.internal_id,
            generated_unique_award_id=self.generated_id,
            piid=self.piid,
            type=self.kind,
            category="idv" if self.kind.startswith("IDV") else "contract",
            total_obligation=float(total),
            base_exercised_options=float(total),
            date_signed=min(t.action_date for t in self.transactions).isoformat(),
        )
        for side in ("awarding_agency", "funding_agency"):
            body[side]["subtier_agency"] = {
                "name": self.agency[0],
                "code": self.agency[1],
                "abbreviation": self.agency[2],
            }
        body["recipient"]["recipient_name"] = self.recipient
        body["period_of_performance"]["end_date"] = self.end_date.isoformat()
        body["period_of_performance"]["last_modified_date"] = (
            f"{self.last_modified.isoformat()} 09:12:45"
        )
        return body

    def transaction_id(self, tx: Tx) -> str:
        return f"CONT_TX_{self.agency[1]}_-NONE-_{self.piid}_{tx.mod}_-NONE-_0"

    def transactions_page(self) -> dict[str, Any]:
        results = [
            {
                "id": self.transaction_id(t),
                "type": self.kind,
                "type_description": "DEFINITIVE CONTRACT",
                "action_date": t.action_date.isoformat(),
                "action_type": None if t.mod == "0" else "B",
                "action_type_description": None if t.mod == "0" else "SUPPLEMENTAL AGREEMENT",
                "modification_number": t.mod,
                "description": t.description,
                "federal_action_obligation": float(t.amount),
                "face_value_loan_guarantee": None,
                "original_loan_subsidy_cost": None,
            }
            for t in sorted(self.transactions, key=lambda t: t.action_date)
        ]
        return {"page_metadata": simple_metadata(page=1, has_next=False), "results": results}


def make_awards(count: int, agency: tuple[str, str, str], start: int = 1) -> list[Award]:
    """``count`` contracts with one to three transactions each, amounts varied but exact."""
    awards: list[Award] = []
    for number in range(start, start + count):
        txs = [Tx("0", date(2024, 10, 1 + number % 28), Decimal(f"{1000 + number}.25"))]
        for mod in range(1, number % 3 + 1):
            txs.append(Tx(f"P0000{mod}", date(2024, 11, mod), Decimal(f"{100 * mod}.50")))
        awards.append(Award(number, agency=agency, transactions=txs))
    return awards
