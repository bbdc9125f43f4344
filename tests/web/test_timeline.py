"""The timeline on the site: the API route, the family page's section and the PDF download."""

from __future__ import annotations

import io

import pypdfium2
from fastapi.testclient import TestClient


def test_api_timeline_is_the_dossier_s(client: TestClient) -> None:
    timeline = client.get("/api/families/relx-plc/timeline")
    assert timeline.status_code == 200
    data = timeline.json()
    assert data == client.get("/api/families/relx-plc").json()["timeline"]
    events = {e["id"]: e for e in data["events"]}
    hearing = events["cook-county-hearing-2022-07-27"]
    assert hearing["kind"] == "hearing" and hearing["sources"][0]["url"].startswith("https://")
    assert data["axis"]["from"] <= min(e["day"] for e in data["events"])
    unknown = client.get("/api/families/no-such-family/timeline")
    assert unknown.status_code == 404 and unknown.json()["detail"]


def test_family_page_shows_the_timeline_with_award_links(client: TestClient) -> None:
    html = client.get("/family/thomson-reuters-corp").text
    section = html.split('<section aria-labelledby="timeline"')[1].split("</section>")[0]
    assert '<figure class="chart" id="timeline-chart"><svg' in section
    assert 'id="event-nctue-ends-utility-data-sale-2021-12"' in section
    assert 'href="/award/CONT_AWD_70CDCR18P00000017' in section  # the licence-plate award
    assert "8 December 2021" in section and "National Consumer Telecom" in section


def test_pdf_carries_the_timeline(client: TestClient) -> None:
    pdf = client.get("/family/relx-plc.pdf")
    assert pdf.status_code == 200
    document = pypdfium2.PdfDocument(io.BytesIO(pdf.content))
    text = " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    text = " ".join(text.split())
    assert "Timeline: what was said and done" in text
    assert "Lake Washington Institute of Technology" in text
    assert "is not used to prevent legal immigration" in text
