"""Timeline events and non-money claims in the registry: each problem at its file and line."""

from __future__ import annotations

from pathlib import Path

from vendorwatch.registry import check_registry

from .helpers import copy_registry, line_of, replace


def test_bad_events_and_claims_are_reported_where_written(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    campaign = root / "campaign.yaml"
    replace(campaign, "    families: [relx-plc, thomson-reuters-corp]\n    kind: hearing",
            "    families: [relx-plc, no-such-family]\n    kind: hearing")  # fmt: skip
    replace(campaign, "    kind: shareholder_action\n    day: 2021-06-09",
            "    kind: contract_signed\n    day: 2021-06-09")  # fmt: skip
    replace(campaign, "    claims: [jfl-accurint-1-2m-searches]",
            "    claims: [no-such-claim]")  # fmt: skip
    replace(campaign, "    category: licence_plates", "    category: licence_plate")
    replace(campaign, "    kind: date\n    since: 2016-01-01\n", "    kind: date\n")
    problems = {(Path(p.file).name, p.line): p.message for p in check_registry(root)[1]}
    hearing = line_of(campaign, "families: [relx-plc, no-such-family]")
    assert "no-such-family" in problems[("campaign.yaml", hearing)]
    signed = line_of(campaign, "id: bcgeu-proposal-2021-agm")
    assert "come from the warehouse" in problems[("campaign.yaml", signed)]
    assert "no such claim" in problems[("campaign.yaml", line_of(campaign, "no-such-claim"))]
    category = line_of(campaign, "category: licence_plate")
    assert "no classification category" in problems[("campaign.yaml", category)]
    since = line_of(campaign, "id: lj-2022-ncatc-since-2016")
    assert "a date claim needs since" in problems[("campaign.yaml", since)]
