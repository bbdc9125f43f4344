"""`registry check` passes on the shipped registry and reports every problem with file and line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vendorwatch.registry import Problem, RegistryError, check_registry, load_registry

from .helpers import copy_registry, line_of, replace


def _problems(root: Path) -> list[Problem]:
    return check_registry(root)[1]


def _at(problems: list[Problem], file: Path, line: int) -> list[str]:
    """Messages reported at exactly this file and line."""
    return [
        p.message for p in problems if Path(p.file).resolve() == file.resolve() and p.line == line
    ]


def test_shipped_registry_has_no_problems() -> None:
    registry, problems = check_registry()
    assert problems == []
    # It covers the families of the research notes and the surveillance vendors in the data.
    for org in (
        "relx-plc",
        "thomson-reuters-corp",
        "equifax",
        "transunion",
        "palantir",
        "babel-street",
        "venntel",
        "clearview-ai",
        "motorola-solutions",
        "cellebrite",
        "pen-link",
        "anduril",
        "northrop-grumman",
        "microsoft",
        "amazon-web-services",
        "salesforce",
        "appriss-insights",
        "vigilant-solutions",
        "tlo",
    ):
        assert org in registry.organisations, org


def test_cli_check_ok_and_json() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "registry", "check", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["ok"] is True and doc["problems"] == []
    assert doc["counts"]["organisations"] > 1000  # curated families plus registered recipients


def test_schema_error_is_reported_at_its_line(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    relx = root / "families" / "relx.yaml"
    replace(
        relx,
        "    name: RELX Inc.\n    kind: company\n",
        "    name: RELX Inc.\n    kind: corporation\n",
    )
    problems = _problems(root)
    messages = _at(problems, relx, line_of(relx, "kind: corporation"))
    assert messages and "kind" in messages[0]


def test_dangling_ids_are_reported_where_they_are_written(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    relx = root / "families" / "relx.yaml"
    replace(
        relx, "  - {parent: relx-plc, child: relx-inc,", "  - {parent: relx-plc, child: relx-incc,"
    )
    replace(
        relx,
        "    owner: lexisnexis-risk-solutions\n    kind: database",
        "    owner: lexisnexis-risk-solution\n    kind: database",
    )
    problems = _problems(root)
    assert any("relx-incc" in m for m in _at(problems, relx, line_of(relx, "child: relx-incc")))
    owner_line = line_of(relx, "owner: lexisnexis-risk-solution\n".strip())
    assert any("lexisnexis-risk-solution'" in m for m in _at(problems, relx, owner_line))


def test_missing_and_unknown_sources(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    tr = root / "families" / "thomson-reuters.yaml"
    replace(
        tr,
        "    name: Thomson Reuters Corporation\n"
        "    kind: company\n"
        "    sources: [domain-notes-families]\n",
        "    name: Thomson Reuters Corporation\n    kind: company\n",
    )
    replace(
        tr,
        "    sources: [usaspending-mn-ice-awards]\n    aliases: [THOMSON REUTERS (MARKETS) LLC]",
        "    sources: [usaspending-mn-ice-awardz]\n    aliases: [THOMSON REUTERS (MARKETS) LLC]",
    )
    problems = _problems(root)
    no_source = line_of(tr, "  - id: thomson-reuters-corp")
    assert any("has no source" in m for m in _at(problems, tr, no_source))
    unknown = line_of(tr, "usaspending-mn-ice-awardz")
    assert any(
        "unknown source 'usaspending-mn-ice-awardz'" in m for m in _at(problems, tr, unknown)
    )


def test_a_fact_claiming_verified_on_unchecked_sources_is_refused(tmp_path: Path) -> None:
    """Unchecked sources make a fact unverified; writing 'verified: true' over them is an error."""
    root = copy_registry(tmp_path)
    relx = root / "families" / "relx.yaml"
    replace(
        relx,
        "    sources: [domain-notes-names]\n    verified: false\n    aliases: [ELSEVIER INC.]",
        "    sources: [domain-notes-names]\n    verified: true\n    aliases: [ELSEVIER INC.]",
    )
    problems = _problems(root)
    line = line_of(relx, "    verified: true")
    assert any("cites no checked source" in m for m in _at(problems, relx, line))
    # Without the claim the fact loads, and is shown unverified.
    replace(
        relx, "    verified: true\n    aliases: [ELSEVIER INC.]", "    aliases: [ELSEVIER INC.]"
    )
    registry = load_registry(root)
    assert not registry.is_verified(registry.organisation("elsevier-inc"))


def test_ownership_cycle_and_overlap(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    extra = root / "broken.yaml"
    extra.write_text(
        "ownership:\n"
        "  - {parent: lexisnexis-risk-solutions-fl, child: relx-plc, sources: [afsc-relx]}\n"
        "  - parent: transunion\n"
        "    child: appriss-insights\n"
        "    since: 2020-06-01\n"
        "    until: 2022-01-01\n"
        "    sources: [afsc-transunion]\n",
        encoding="utf-8",
    )
    problems = _problems(root)
    cycles = [p.message for p in problems if p.message.startswith("ownership cycle:")]
    assert len(cycles) == 1
    assert "relx-plc" in cycles[0] and f"{extra}, line 2" in cycles[0]
    overlap = _at(problems, extra, 3)
    assert any("two owners at once" in m and "equifax" in m for m in overlap)


def test_bad_dates_and_self_ownership(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    extra = root / "broken.yaml"
    extra.write_text(
        "ownership:\n"
        "  - {parent: venntel, child: venntel, sources: [afsc-relx]}\n"
        "  - {parent: clearview-ai, child: skopenow, since: 2020-01-01, until: 2019-01-01,"
        " sources: [afsc-relx]}\n",
        encoding="utf-8",
    )
    problems = _problems(root)
    assert any("cannot own itself" in m for m in _at(problems, extra, 2))
    assert any("is not before" in m for m in _at(problems, extra, 3))


def test_yaml_syntax_duplicate_keys_and_unknown_sections(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    dup = root / "dup.yaml"
    dup.write_text(
        "organisations:\n"
        "  - id: acme\n"
        "    name: Acme\n"
        "    name: Acme Two\n"
        "    kind: company\n"
        "    sources: [afsc-relx]\n"
        "companies: []\n",
        encoding="utf-8",
    )
    bad = root / "bad.yaml"
    bad.write_text("organisations:\n  - id: x\n    name: [unclosed\n", encoding="utf-8")
    problems = _problems(root)
    assert any("duplicate key 'name'" in m for m in _at(problems, dup, 4))
    assert any("unknown section 'companies'" in m for m in _at(problems, dup, 7))
    assert any("not valid YAML" in m for m in problems_in(problems, bad))


def problems_in(problems: list[Problem], file: Path) -> list[str]:
    return [p.message for p in problems if Path(p.file).resolve() == file.resolve() and p.line]


def test_conflicting_names_and_identifiers(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    extra = root / "clash.yaml"
    extra.write_text(
        "organisations:\n"
        "  - id: not-west\n"
        "    name: Someone Else\n"
        "    kind: company\n"
        "    sources: [afsc-relx]\n"
        "    aliases: [WEST PUBLISHING CORPORATION]\n"
        "    identifiers: [{scheme: uei, value: L997DB4PEJL8}]\n",
        encoding="utf-8",
    )
    problems = _problems(root)
    messages = " ".join(p.message for p in problems if "not-west" in p.message)
    assert "WEST PUBLISHING CORPORATION" in messages and "west-publishing" in messages
    assert "L997DB4PEJL8" in messages


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    relx = root / "families" / "relx.yaml"
    brokers = root / "families" / "data-brokers.yaml"
    replace(
        relx,
        "    name: RELX Inc.\n    kind: company\n",
        "    name: RELX Inc.\n    kind: corporation\n",
    )
    replace(
        brokers,
        "    child: appriss-insights\n    since: 2021-01-01\n",
        "    child: appriss-insight\n    since: 2021-01-01\n",
    )
    replace(brokers, "{scheme: uei, value: NRLXS9YMBJN5,", "{scheme: uei, value: NRLXS9YMBJN,")
    problems = _problems(root)
    files = {Path(p.file).name for p in problems}
    assert {"relx.yaml", "data-brokers.yaml"} <= files
    assert any(
        "appriss-insight'" in m
        for m in _at(problems, brokers, line_of(brokers, "child: appriss-insight\n".strip()))
    )
    assert any("UEI" in m for m in _at(problems, brokers, line_of(brokers, "NRLXS9YMBJN,")))
    with pytest.raises(RegistryError, match="more"):
        load_registry(root)


def test_cli_check_fails_with_file_and_line(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    relx = root / "families" / "relx.yaml"
    replace(
        relx, "  - {parent: relx-plc, child: relx-inc,", "  - {parent: relx-plc, child: relx-incc,"
    )
    run = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "registry", "check", "--registry", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    line = line_of(relx, "child: relx-incc")
    assert f"relx.yaml:{line}: child 'relx-incc' is no organisation" in run.stderr
    assert "Traceback" not in run.stderr


def test_classification_rules_are_checked(tmp_path: Path) -> None:
    """What an award buys is registry data: its rules get the same check, line by line."""
    root = copy_registry(tmp_path)
    rules = root / "classification.yaml"
    replace(rules, "    category: facial_recognition\n", "    category: facial_recognitio\n")
    # A lookahead compiles in Python's re but not in RE2, the engine the rules run in.
    replace(
        rules,
        "pattern: '\\bLICEN[SC]E PLATE\\b|\\bA?LPR\\b'",
        "pattern: '\\bLICEN[SC]E (?=PLATE)\\b'",
    )
    replace(
        rules,
        "  - id: location-data\n    category: location_data\n    pattern:",
        "  - id: location-data\n    category: location_data\n    patern:",
    )
    problems = _problems(root)
    category = line_of(rules, "category: facial_recognitio")
    assert any("'facial_recognitio' is no classification category" in m
               for m in _at(problems, rules, category))  # fmt: skip
    lookahead = line_of(rules, "(?=PLATE)")
    assert any("not a valid RE2 expression" in m for m in _at(problems, rules, lookahead))
    misspelt = line_of(rules, "patern:")
    assert any("patern" in m for m in _at(problems, rules, misspelt))


def test_a_rule_that_matches_nothing_or_cites_nothing_is_refused(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    rules = root / "classification.yaml"
    text = rules.read_text("utf-8")
    text += (
        "  - id: empty-rule\n    category: other\n    written_from: nothing\n"
        "    sources: [usaspending-cbp-ice-transactions]\n"
        "  - id: unsourced-rule\n    category: other\n    pattern: 'X'\n"
        "    written_from: nothing\n"
    )
    rules.write_text(text, "utf-8")
    problems = _problems(root)
    assert any("needs a pattern, PSC prefixes or NAICS prefixes" in m
               for m in _at(problems, rules, line_of(rules, "id: empty-rule")))  # fmt: skip
    assert any("'unsourced-rule' has no source" in p.message for p in problems)
