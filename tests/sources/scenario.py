"""Recorded API exchanges for a sync: an initial multi-page one and an incremental one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tests.sources.api import CBP, ICE, Award, Tx, award_page, make_awards
from tests.sources.replay import exchange

CONTRACTS = ["A", "B", "C", "D"]
IDVS = ["IDV_A", "IDV_B", "IDV_B_A", "IDV_B_B", "IDV_B_C", "IDV_C", "IDV_D", "IDV_E"]
SEARCH = "/api/v2/search/spending_by_award/"
FIRST_WINDOW = ("2024-10-01", "2025-01-31")
SECOND_END = "2025-02-28"


def search_exchanges(
    awards: list[Award], *, agency: str, types: list[str], start: str, page_size: int
) -> list[dict[str, Any]]:
    ordered = sorted(awards, key=lambda a: a.piid)
    chunks = [ordered[i : i + page_size] for i in range(0, len(ordered), page_size)] or [[]]
    return [
        exchange(
            "POST",
            SEARCH,
            award_page(
                [a.search_row() for a in chunk],
                page=number,
                limit=page_size,
                has_next=number < len(chunks),
            ),
            match={
                "page": number,
                "filters": {
                    "award_type_codes": types,
                    "agencies": [{"name": agency}],
                    "time_period": [{"start_date": start, "date_type": "last_modified_date"}],
                },
            },
        )
        for number, chunk in enumerate(chunks, start=1)
    ]


def award_exchanges(award: Award) -> list[dict[str, Any]]:
    return [
        exchange("GET", f"/api/v2/awards/{award.generated_id}/", award.detail()),
        exchange(
            "POST",
            "/api/v2/transactions/",
            award.transactions_page(),
            match={"award_id": award.generated_id},
        ),
    ]


def initial_awards() -> dict[str, list[Award]]:
    bpa = [
        Award(
            900 + n,
            kind="IDV_E",
            recipient="LEXISNEXIS RISK SOLUTIONS INC",
            transactions=[Tx("0", date(2024, 12, 2), Decimal("0.00"))],
        )
        for n in range(2)
    ]
    return {
        "ice:contracts": make_awards(120, ICE, start=1),
        "cbp:contracts": make_awards(30, CBP, start=501),
        "ice:idvs": bpa,
        "cbp:idvs": [],
    }


def recording(
    groups: dict[str, list[Award]], *, start: str, page_size: int
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key, awards in groups.items():
        agency, group = key.split(":")
        out += search_exchanges(
            awards,
            agency=(ICE if agency == "ice" else CBP)[0],
            types=CONTRACTS if group == "contracts" else IDVS,
            start=start,
            page_size=page_size,
        )
        for award in awards:
            out += award_exchanges(award)
    return out


def initial_recording(page_size: int = 50) -> tuple[list[dict[str, Any]], dict[str, list[Award]]]:
    groups = initial_awards()
    return recording(groups, start=FIRST_WINDOW[0], page_size=page_size), groups


def with_new_modification(award: Award, tx: Tx) -> Award:
    return Award(
        award.number,
        agency=award.agency,
        recipient=award.recipient,
        end_date=award.end_date,
        last_modified=tx.action_date,
        transactions=[*award.transactions, tx],
        kind=award.kind,
    )


def incremental_recording(
    groups: dict[str, list[Award]], changed: list[Award], page_size: int = 50
) -> list[dict[str, Any]]:
    """The second window: only ``changed`` awards come back (all ICE contracts here)."""
    second: dict[str, list[Award]] = {key: [] for key in groups}
    second["ice:contracts"] = changed
    return recording(second, start=FIRST_WINDOW[1], page_size=page_size)
