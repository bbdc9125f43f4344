"""The cross-file reference and uniqueness checks: each problem's exact words, file and line.

tests/registry/test_check.py finds most of these problems by a word of their message; here
every reference kind and both kinds of taken name are written into one file of a registry
copy, and the problems reported in that file must be exactly these.
"""

from __future__ import annotations

from pathlib import Path

from vendorwatch.registry import check_registry

from .helpers import copy_registry, line_of, replace

REFS = """\
alternatives:
  - id: test-alternative
    name: Test alternative
    organisation: no-such-provider
    replaces: [westlaw, no-such-product]
    sources: [domain-notes-alternatives]
overrides:
  - name: SOMEONE UNLISTED
    organisation: no-such-org
    reason: a test of the reference check
    sources: [usaspending-cbp-ice-transactions]
organisations:
  - id: first-holder
    name: First Holder
    kind: company
    sources: [afsc-relx]
    aliases: [SHARED NAME, shared  name]
    identifiers: [{scheme: uei, value: ZZZZZZZZZZZ1}]
  - id: second-holder
    name: Second Holder
    kind: company
    sources: [afsc-relx]
    aliases: [Shared Name]
    identifiers: [{scheme: uei, value: ZZZZZZZZZZZ1}]
  - id: third-holder
    name: Third Holder
    kind: company
    sources: [afsc-relx]
    aliases: [SHARED   NAME]
"""


def test_each_dangling_reference_and_taken_name_in_its_words(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    refs = root / "refs.yaml"
    refs.write_text(REFS, encoding="utf-8")
    problems = [
        (p.line, p.message)
        for p in check_registry(root)[1]
        if Path(p.file).resolve() == refs.resolve()
    ]
    first = f"{refs}, line {line_of(refs, 'id: first-holder')}"
    assert sorted(problems) == sorted(
        [
            (
                line_of(refs, "no-such-provider"),
                "organisation 'no-such-provider' is no organisation in the registry",
            ),
            (line_of(refs, "no-such-product"), "replaces 'no-such-product': no such product"),
            (
                line_of(refs, "no-such-org"),
                "organisation 'no-such-org' is no organisation in the registry",
            ),
            # One organisation writing a name twice (in any case or spacing) is no clash.
            (
                line_of(refs, "id: second-holder"),
                f"alias 'Shared Name' of 'second-holder' is already an alias of 'first-holder' "
                f"(at {first})",
            ),
            (
                line_of(refs, "id: second-holder"),
                f"UEI ZZZZZZZZZZZ1 of 'second-holder' already belongs to 'first-holder' "
                f"(at {first})",
            ),
            # The first to write a name keeps it: a third is told of the first, not the second.
            (
                line_of(refs, "id: third-holder"),
                f"alias 'SHARED   NAME' of 'third-holder' is already an alias of 'first-holder' "
                f"(at {first})",
            ),
        ]
    )


def test_a_foia_office_of_no_agency_and_a_claim_of_no_category(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    offices = root / "foia-offices.yaml"
    replace(offices, "  - id: ice-foia\n    agency: ice\n", "  - id: ice-foia\n    agency: icee\n")
    campaign = root / "campaign.yaml"
    replace(campaign, "    category: licence_plates", "    category: licence_plate")
    found = {(Path(p.file).name, p.line, p.message) for p in check_registry(root)[1]}
    assert found == {
        (
            "foia-offices.yaml",
            line_of(offices, "agency: icee"),
            "agency 'icee' is no organisation in the registry",
        ),
        (
            "campaign.yaml",
            line_of(campaign, "category: licence_plate"),
            "category 'licence_plate' is no classification category",
        ),
    }


def test_without_a_category_other_every_rule_says_so(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    rules = root / "classification.yaml"
    replace(rules, "  - id: other\n    label: other\n", "  - id: otherwise\n    label: other\n")
    registry, problems = check_registry(root)
    missing = "no classification category 'other' for unmatched awards"
    lines = sorted(p.line for p in problems if p.message == missing)
    assert len(lines) == len(registry.classification_rules) > 0
    assert lines[0] == line_of(rules, f"- id: {next(iter(registry.classification_rules))}")
