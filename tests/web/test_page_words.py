"""The pages in people's words: a quotable headline, $1.6B not "$1.60G", names not slugs,
plain sentences where the data says nothing, on the real sample and checked against the raw
files (csv + Decimal), not against the code's own output."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient

from tests.raw_families import family_transactions
from tests.raw_rows import raw_rows

LEIDS = "CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-"


def text_of(html: str) -> str:
    """The page's words, tags dropped, whitespace collapsed (none before punctuation)."""
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([.,;:)])", r"\1", words)


def short(amount: Decimal) -> str:
    """$318.7M: rounded half up at a million or a billion, as a reader would write it."""
    for scale, letter in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M")):
        if abs(amount) >= scale:
            shown = (amount / scale).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            return f"${shown}{letter}"
    return f"${amount:,.0f}"


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_home_headline_is_quotable_and_adds_up(client: TestClient, raw_data: Path) -> None:
    html = client.get("/").text
    headline = text_of(section(html, "headline").split("</p>")[0])
    match = re.search(r"obligated (\$[\d.]+[MB]) to the (\d+) data, surveillance", headline)
    assert match, headline
    # The headline is the sum of the watched families' table, rounded as people write it.
    table = section(html, "watched")
    cells = re.findall(r'<td class="num">(\$[\d,.-]+)</td>', table)
    rows = table.count("<tr>") - 1
    assert rows == int(match.group(2))
    total = sum((Decimal(c.strip("$").replace(",", "")) for c in cells), Decimal(0))
    assert match.group(1) == short(total)
    assert "lower bounds" in headline and "too high" in headline
    days = [r.action_date for r in raw_rows(raw_data)]
    first, last = min(days), max(days)
    assert f"From {first.day} {first:%B %Y} to {last.day} {last:%B %Y}" in headline
    # Palantir's row is what its recipients got in the raw files.
    palantir = sum((a for _, a in family_transactions(raw_data)["palantir"]), Decimal(0))
    assert re.search(rf'href="/family/palantir">[^<]+</a>.*?\${palantir:,.2f}', table, re.S)


def test_home_numbers_and_dates_are_human(client: TestClient, raw_data: Path) -> None:
    html = client.get("/").text
    assert not re.search(r"\$[\d.]+G\b", html)  # d3's SI prefix: "$1.60G"
    assert re.search(r">\$1\.\dB<", html)  # the vendor chart's axis reads in billions
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d", html)  # no raw timestamps
    words = text_of(html)
    assert re.search(r"last loaded \d{1,2} [A-Z][a-z]+ \d{4}", words)
    rows = sum(1 for _ in raw_rows(raw_data))
    assert f"{rows:,} transactions" in words


def test_home_family_column_lists_families_with_their_companies(client: TestClient) -> None:
    html = client.get("/").text
    relx = re.search(
        r'href="/family/relx-plc">RELX PLC</a><br><span class="meta companies">([^<]+)<', html
    )
    assert relx, "RELX's row names its companies"
    assert "LexisNexis" in relx.group(1)
    linked = set(re.findall(r'<td><a href="/family/([^"]+)">', section(html, "watched")))
    assert {"relx-plc", "palantir", "thomson-reuters-corp"} <= linked
    assert "lexisnexis-risk-solutions" not in linked  # a company, not a family


def test_charts_come_at_phone_width_too(client: TestClient) -> None:
    html = client.get("/").text
    chart = html[html.index('<figure class="chart">') : html.index("</figure>")]
    assert chart.count("<svg") == 2
    narrow = chart[chart.index('class="chart-narrow"') :]
    width = int(re.search(r'<svg[^>]* width="(\d+)"', narrow).group(1))  # type: ignore[union-attr]
    assert width <= 358  # a 390 px phone less the page's margins: drawn at size, not shrunk
    assert 'font-size="13px"' in narrow or "font-size: 13px" in narrow or "13px" in narrow


def test_browse_summary_line_in_human_numbers(client: TestClient, raw_data: Path) -> None:
    rows = raw_rows(raw_data)
    awards = {r.award_key for r in rows}
    total = sum((r.obligation for r in rows), Decimal(0))
    words = text_of(client.get("/browse").text)
    assert f"{len(awards):,} awards, {short(total)} obligated (${total:,.2f})." in words


def test_browse_every_family_is_reachable_from_its_facet(client: TestClient) -> None:
    html = client.get("/browse").text
    facet = section(html, "facet-family")
    assert 'href="/browse?family=relx-plc"' not in facet  # not among the largest twelve
    more = re.search(r'<a href="(/browse\?all=family[^"]*)">Show all ([\d,]+) family values', facet)
    assert more, "the Family facet offers every value"
    everything = section(client.get(unescape(more.group(1))).text, "facet-family")
    assert everything.count("<li") == int(more.group(2).replace(",", ""))
    for family, name in [
        ("relx-plc", "RELX PLC"),
        ("thomson-reuters-corp", "Thomson Reuters Corporation"),
        ("palantir", "Palantir Technologies Inc."),
    ]:
        found = client.get("/browse", params={"all": "family", "facet_q": name.split()[0]}).text
        facet = section(found, "facet-family")
        assert f'<a href="/browse?family={family}">{name}</a>' in facet, name
        assert 'name="facet_q"' in facet  # the search box inside the long facet


def test_browse_years_in_order_single_values_noted_descriptions_shown(
    client: TestClient, raw_data: Path
) -> None:
    html = client.get("/browse", params={"family": "relx-plc"}).text
    years = re.findall(r"fiscal_year=(\d{4})\">", section(html, "facet-fiscal_year"))
    expected = sorted({r.fiscal_year for r in raw_rows(raw_data)} & {int(y) for y in years})
    assert [int(y) for y in years] == expected and len(years) >= 5
    # Every award is DHS's and of unknown competition in the API export: noted, not listed.
    assert 'id="facet-agency"' not in html and 'id="facet-competition"' not in html
    note = text_of(section(html, "single-facets").split("</p>")[0])
    assert "agency “Department of Homeland Security”" in note
    assert "competition “unknown”" in note
    leids = {r.description for r in raw_rows(raw_data) if r.award_key == LEIDS}
    assert any(d in html for d in leids)
