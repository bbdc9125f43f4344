"""Which changes a watchlist wants: criteria against hand-made changes and the real registry."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from vendorwatch.alerts.matching import Criteria, WarehouseChange, keyword_pattern, match, validate
from vendorwatch.errors import VendorwatchError
from vendorwatch.registry import Registry, load_registry

ICE = "U.S. Immigration and Customs Enforcement"
CBP = "U.S. Customs and Border Protection"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def change(**values: object) -> WarehouseChange:
    base = WarehouseChange(
        change_id="c1",
        run_id="r1",
        detected_at=datetime(2025, 3, 1, 12, 0),
        kind="new_modification",
        obligation_change="obligation",
        award_key="CONT_AWD_70CDCR25C00000007_7012_-NONE-_-NONE-",
        piid="70CDCR25C00000007",
        transaction_key="7012_-NONE-_70CDCR25C00000007_P00009_-NONE-_0",
        modification_number="P00009",
        action_date=date(2025, 2, 10),
        amount=Decimal("2500.00"),
        old_value=None,
        new_value=None,
        recipient_name="RELX INC.",
        sub_agency=ICE,
        top_agency="Department of Homeland Security",
        award_total=Decimal("9000.00"),
        source_sha256="ab" * 32,
        source_row=3,
        organisation="relx-inc",
        resolution="UEI LKAAJG8KK4U1",
        owners=("relx-inc", "relx-plc"),
        classification="detainee_law_library",
        text="ONLINE LAW LIBRARY FOR DETAINEES | OUTLOOK LICENCES",
    )
    return replace(base, **values)  # type: ignore[arg-type]


def test_family_and_company_follow_the_ownership_chain(registry: Registry) -> None:
    family = Criteria("family", "relx-plc")
    reason = match(family, change(), registry)
    assert reason is not None and "RELX INC. is RELX Inc." in reason and "owned by" in reason
    assert match(Criteria("company", "relx-inc"), change(), registry) is not None
    assert match(Criteria("family", "thomson-reuters-corp"), change(), registry) is None
    unresolved = change(organisation=None, owners=())
    assert match(family, unresolved, registry) is None


def test_product_class_and_keywords_on_whole_words(registry: Registry) -> None:
    assert match(Criteria("product_class", "detainee_law_library"), change(), registry)
    assert match(Criteria("product_class", "facial_recognition"), change(), registry) is None
    assert match(Criteria("keyword", "law  library"), change(), registry)
    assert match(Criteria("keyword", "relx"), change(), registry)  # the recipient's name
    assert match(Criteria("keyword", "TLO"), change(), registry) is None  # not in OUTLOOK
    assert keyword_pattern("c++").search("C++ TOOLS") is not None


def test_agencies_amounts_and_kinds(registry: Registry) -> None:
    relx = Criteria("family", "relx-plc")
    assert match(replace(relx, agencies=("cbp",)), change(), registry) is None
    assert match(replace(relx, agencies=("cbp", "ice")), change(), registry)
    assert match(replace(relx, agencies=("dhs",)), change(sub_agency=CBP), registry)
    assert match(replace(relx, min_amount=Decimal("2500.00")), change(), registry)
    assert match(replace(relx, min_amount=Decimal("2500.01")), change(), registry) is None
    # a de-obligation is as large as its magnitude
    cut = change(amount=Decimal("-3000.00"), obligation_change="deobligation")
    assert match(replace(relx, min_amount=Decimal("2500")), cut, registry)
    assert match(replace(relx, change_kinds=("deobligation",)), cut, registry)
    assert match(replace(relx, change_kinds=("obligation",)), cut, registry) is None
    assert match(replace(relx, change_kinds=("new_award",)), cut, registry) is None
    assert match(replace(relx, change_kinds=("new_modification",)), cut, registry)
    # an end date carries no money: the award's total obligation is what it is worth
    moved = change(
        kind="end_date_changed", amount=None, obligation_change="none",
        old_value="2025-10-14", new_value="2026-10-14",
    )  # fmt: skip
    assert match(replace(relx, min_amount=Decimal("9000")), moved, registry)
    assert match(replace(relx, min_amount=Decimal("9000.01")), moved, registry) is None
    assert match(replace(relx, change_kinds=("end_date_changed",)), moved, registry)
    assert match(replace(relx, change_kinds=("obligation",)), moved, registry) is None
    # changes the warehouse recorded before the list existed are not alerted
    assert match(replace(relx, since=datetime(2025, 3, 1, 12, 0, 1)), change(), registry) is None


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        (Criteria("vendor", "x"), "use one of"),
        (Criteria("family", "no-such-org"), "no organisation"),
        (Criteria("family", "relx-inc"), "owned by 'relx-plc'"),
        (Criteria("product_class", "spyware"), "no product class"),
        (Criteria("keyword", " -- "), "no letters"),
        (Criteria("keyword", "x", agencies=("fbi",)), "unknown agency"),
        (Criteria("keyword", "x", change_kinds=("cancelled",)), "unknown change kind"),
        (Criteria("keyword", "x", min_amount=Decimal(-1)), "negative"),
    ],
)
def test_bad_criteria_are_user_errors(registry: Registry, criteria: Criteria, message: str) -> None:
    with pytest.raises(VendorwatchError, match=message):
        validate(criteria, registry)
