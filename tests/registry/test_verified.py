"""What "verified" means: a fact is verified only through a source someone recorded checking.

The shipped registry is read as it is; broken copies show `registry check` refusing, at the
file and line, a source that claims to be verified without its check, a second-hand source
claiming to be verified, and a quoted report not marked second-hand.
"""

from __future__ import annotations

import csv
import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from vendorwatch.registry import Registry, check_registry, load_registry
from vendorwatch.registry.models import DataSold, Organisation
from vendorwatch.resolve import Resolver

from .helpers import copy_registry, line_of, replace

# The 19 sources that had no URL yet counted as verified before issue 17.
URL_LESS = [
    "intercept-2021-04-02", "jfl-mijente-foia", "oakland-privacy-2017-10-14",
    "privacy-international-2018-06-21", "hstoday-west-vigilant-2018", "sparc-2022-interfolio",
    "dhs-oig-23-61", "readthegovcontract-icm", "techcrunch-2020-08-14",
    "govtech-hustle-2019-vigilant", "ice-rfi-2017-trss", "lawnext-cap-2024",
    "cba-national-2025-clio-vlex", "cbp-foia-faq", "cbp-foia-records", "dhs-2015-nprm",
    "doj-eo14287-list-2025-08-05", "domain-notes-families", "lnrs-accurint-terms",
]  # fmt: skip


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def test_every_verified_source_records_its_check(registry: Registry) -> None:
    verified = [e.value for e in registry.sources.values() if e.value.verified]
    assert verified, "some sources have been checked"
    for s in verified:
        assert s.checked is not None and s.checked.by and s.checked.against, s.id
        assert not s.second_hand, s.id
    # No source without an address is verified unless someone says what they compared.
    for entry in registry.sources.values():
        s = entry.value
        if not s.url:
            assert not s.verified or s.checked is not None, s.id


def test_the_nineteen_url_less_sources_are_unverified_or_second_hand(registry: Registry) -> None:
    for sid in URL_LESS:
        s = registry.sources[sid].value
        assert not s.verified, sid
        if "as quoted" in (s.document or "") or "as summarised" in (s.document or ""):
            assert s.second_hand, sid
    assert {s for s in URL_LESS if registry.sources[s].value.second_hand} >= {
        "oakland-privacy-2017-10-14", "hstoday-west-vigilant-2018", "ice-rfi-2017-trss",
        "readthegovcontract-icm", "jfl-mijente-foia", "lnrs-accurint-terms",
    }  # fmt: skip


def test_a_fact_with_no_source_is_never_verified(registry: Registry) -> None:
    bare = DataSold(category="credit", description="uncited")
    assert bare.verified  # not held back ...
    assert not registry.is_verified(bare)  # ... yet never verified without a source
    org = Organisation(id="x-test", name="X", kind="company")
    assert not registry.is_verified(org)


def test_nested_facts_inherit_the_items_sources(registry: Registry) -> None:
    # EBSCO's alias cites nothing itself: it rests on the organisation's sources, which
    # include the checked CBP/ICE data.
    ebsco = registry.organisation("ebsco")
    [alias] = [a for a in ebsco.aliases if a.name == "EBSCO INDUSTRIES INC"]
    assert alias.sources == [] and registry.cited(alias) == ebsco.sources
    assert registry.is_verified(alias)
    # A fact resting only on the research notes (second-hand) is unverified.
    edge = next(
        e.value for e in registry.ownership
        if (e.value.parent, e.value.child) == ("thomson-reuters-corp", "west-publishing")
    )  # fmt: skip
    assert edge.sources == ["domain-notes-families"] and not registry.is_verified(edge)


def test_seed_documents_and_accurint_categories(registry: Registry) -> None:
    lj = registry.sources["lj-2022-notechforice"].value
    ccr = registry.sources["ccr-2020-09-14-foia-relx-tr"].value
    assert lj.url and "notechforice" in lj.url and lj.checked is not None
    assert ccr.url and ccr.date.isoformat() == "2020-09-14" and ccr.checked is not None
    lnrs = registry.organisation("lexisnexis-risk-solutions")
    from_article = {s.category: s for s in lnrs.sells if "lj-2022-notechforice" in s.sources}
    assert set(from_article) == {
        "court-records", "jail-booking", "criminal-history", "dmv-vehicle-records", "utility",
        "credit",
    }  # fmt: skip
    assert "DMV" in from_article["dmv-vehicle-records"].description
    # The passage was not read here: the categories stay unverified.
    assert not any(registry.is_verified(s) for s in from_article.values())


def _problems_at(root: Path, file: Path, line: int) -> list[str]:
    _, problems = check_registry(root)
    return [
        p.message for p in problems if Path(p.file).resolve() == file.resolve() and p.line == line
    ]


def test_check_refuses_a_verified_source_without_its_check(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    sources = root / "sources.yaml"
    replace(
        sources,
        "    document: Privacy International letter, 2018-06-21\n    date: 2018-06-21\n"
        "    verified: false\n",
        "    document: Privacy International letter, 2018-06-21\n    date: 2018-06-21\n"
        "    verified: true\n",
    )
    line = line_of(sources, "  - id: privacy-international-2018-06-21")
    assert any("check is recorded" in m for m in _problems_at(root, sources, line))


def test_check_refuses_second_hand_verified_and_unmarked_quotes(tmp_path: Path) -> None:
    root = copy_registry(tmp_path)
    sources = root / "sources.yaml"
    replace(
        sources,
        "    document: HSToday, 2018-01 (as quoted in the research notes)\n"
        "    date: 2018-01-08\n    second_hand: true\n",
        "    document: HSToday, 2018-01 (as quoted in the research notes)\n    date: 2018-01-08\n",
    )
    replace(
        sources,
        "    document: Oakland Privacy, 2017-10-14 (as quoted in the research notes)\n"
        "    date: 2017-10-14\n    second_hand: true\n",
        "    document: Oakland Privacy, 2017-10-14 (as quoted in the research notes)\n"
        "    date: 2017-10-14\n    second_hand: true\n    verified: true\n"
        "    checked: {by: someone, when: 2026-12-01, against: the notes}\n",
    )
    hstoday = line_of(sources, "  - id: hstoday-west-vigilant-2018")
    assert any("second_hand: true" in m for m in _problems_at(root, sources, hstoday))
    oakland = line_of(sources, "  - id: oakland-privacy-2017-10-14")
    assert any("second-hand source cannot" in m for m in _problems_at(root, sources, oakland))
    run = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "registry", "check", "--registry", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"sources.yaml:{hstoday}: source 'hstoday-west-vigilant-2018'" in run.stderr


# The library vendors' recipient names exactly as the CBP/ICE files spell them.
LIBRARY_RECIPIENTS = {
    "EBSCO INDUSTRIES INC": ("ebsco", "ebsco"),
    "CENGAGE LEARNING, INC.": ("cengage", "cengage"),
    "WILLIAM S. HEIN & CO., INC.": ("william-s-hein", "william-s-hein"),
    "PROQUEST LLC": ("proquest", "clarivate"),
    "JOHN WILEY & SONS INC": ("john-wiley", "john-wiley"),
    "BLOOMBERG FINANCE LP": ("bloomberg-finance", "bloomberg-finance"),
    "BLOOMBERG INDUSTRY GROUP, INC.": ("bloomberg-industry-group", "bloomberg-industry-group"),
    "OCLC, INC": ("oclc", "oclc"),
}


def test_library_vendor_recipients_resolve_to_them(registry: Registry, raw_data: Path) -> None:
    names: set[str] = set()
    for path in sorted(raw_data.glob("cbp-ice-dashboard/*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            names |= {row["Recipient Name"] for row in csv.DictReader(handle)}
    assert set(LIBRARY_RECIPIENTS) <= names  # the names are the data's, not typed from memory
    resolver = Resolver(registry)
    for name, (organisation, family) in LIBRARY_RECIPIENTS.items():
        d = resolver.resolve(name)
        assert (d.organisation, d.family, d.method) == (organisation, family, "alias"), name
    # Each vendor's products carry the hosts and names a holdings file shows.
    products = {p.value.id: p.value for p in registry.products.values()}
    assert "search.ebscohost.com" in products["ebscohost"].hosts
    assert "heinonline.org" in products["heinonline"].hosts
    assert "Gale Cengage" in products["gale"].publisher_names
    assert products["proquest-platform"].owner == "proquest"
    assert registry.family("proquest") == "clarivate"
    assert registry.family(products["uptodate-product"].owner) == "wolters-kluwer"
