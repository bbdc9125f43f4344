"""Every organisation id in the registry answers on every surface that takes one: the family
page, its JSON, the API, the as-of API and the CLI's ``family`` — never a 500, never a
traceback, never a zero that does not say why. Unknown ids get the nearest ones."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from typer.testing import CliRunner

from vendorwatch.cli.app import app
from vendorwatch.registry import load_registry
from vendorwatch.registry.lookup import lookup

REGISTRY = load_registry()
# Curated organisations (families, companies, agencies) walk every surface; the ~2,000
# recipients registered as their own one-company families (ids "r-…", all alike) walk the page
# and the as-of API, and every 40th of them every surface too.
RECIPIENTS = sorted(i for i in REGISTRY.organisations if i.startswith("r-"))
IDS = [i for i in REGISTRY.organisations if not i.startswith("r-")] + RECIPIENTS[::40]
ALIKE = [i for i in RECIPIENTS if i not in set(RECIPIENTS[::40])]
# A family, companies (with and without transactions, with subsidiaries), an agency, a recipient.
PDF_SAMPLE = ["relx-plc", "lexisnexis-risk-solutions", "elsevier-inc", "ice", "leidos"]


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
@pytest.mark.parametrize("org_id", IDS)
def test_every_organisation_id_answers_everywhere(
    client: TestClient, sample_warehouse: Path, org_id: str
) -> None:
    ref = lookup(REGISTRY, org_id)
    page = client.get(f"/family/{org_id}")
    assert page.status_code == 200, page.text[:300]
    assert "Traceback" not in page.text
    assert f"<h1>{escape(ref.name)}</h1>" in page.text
    if not ref.is_family:  # the family is named, with a link to its page
        assert f'<a href="/family/{ref.family}">{escape(ref.family_name)}</a>' in page.text

    data = client.get(f"/api/families/{org_id}")
    assert data.status_code == 200
    dossier = data.json()
    assert dossier["subject"]["id"] == org_id
    assert dossier["family"]["id"] == ref.family
    if not dossier["totals"]["transactions"]:
        assert f"No obligations to {escape(ref.name)} in the loaded data" in page.text
    assert client.get(f"/family/{org_id}.json").json() == dossier

    as_of = client.get(f"/api/families/{org_id}/as-of", params={"date": "2023-06-30"})
    assert as_of.status_code == 200
    figure = as_of.json()
    assert figure["subject"]["id"] == org_id and figure["family"]["id"] == ref.family
    if Decimal(figure["obligated"]) == 0:
        assert figure["notes"], "a zero must say why"
    assert Decimal(figure["obligated"]) + Decimal(figure["after"]["obligations"]) == Decimal(
        figure["total_in_data"]
    )

    shown = CliRunner().invoke(app, ["family", org_id, "--warehouse", str(sample_warehouse)])
    assert shown.exit_code == 0, shown.output
    assert shown.exception is None
    assert _words(ref.name) in _words(shown.output)
    if not ref.is_family:
        assert _words(f"(in the {ref.family_name} family)") in _words(shown.output)


@pytest.mark.slow
def test_every_registered_recipient_answers(client: TestClient) -> None:
    for n, org_id in enumerate(ALIKE):
        ref = lookup(REGISTRY, org_id)
        if n % 8 == 0:  # the page is the same template over the same questions for them all
            page = client.get(f"/family/{org_id}")
            assert page.status_code == 200, (org_id, page.text[:300])
            assert f"<h1>{escape(ref.name)}</h1>" in page.text, org_id
        as_of = client.get(f"/api/families/{org_id}/as-of", params={"date": "2023-06-30"})
        assert as_of.status_code == 200, (org_id, as_of.text[:300])
        figure = as_of.json()
        if Decimal(figure["obligated"]) == 0:
            assert figure["notes"], f"{org_id}: a zero must say why"


@pytest.mark.parametrize("org_id", PDF_SAMPLE)
def test_a_sample_of_ids_as_pdf(client: TestClient, org_id: str) -> None:
    pdf = client.get(f"/family/{org_id}.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "path",
    ["/family/lexisnexis-risk-solution", "/family/lexisnexis-risk-solution.pdf",
     "/family/lexisnexis-risk-solution.json"],
)  # fmt: skip
def test_an_unknown_id_on_a_page_links_the_nearest(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 404
    assert (
        '<a href="/family/lexisnexis-risk-solutions">LexisNexis Risk Solutions Inc.</a>'
        in page.text
    )
    assert "vendorwatch resolve" not in page.text and "`" not in page.text  # no CLI advice
    assert "Traceback" not in page.text


@pytest.mark.parametrize(
    "path",
    ["/api/families/lexisnexis-risk-solution",
     "/api/families/lexisnexis-risk-solution/as-of?date=2023-01-01"],
)  # fmt: skip
def test_an_unknown_id_in_the_api_is_a_404_with_suggestions(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    body = answer.json()
    assert body["detail"].startswith("no organisation 'lexisnexis-risk-solution'")
    assert "lexisnexis-risk-solutions" in [s["id"] for s in body["suggestions"]]


def test_the_issues_company_pages(client: TestClient) -> None:
    """The ids that answered 500 show the company, its family named, its own figure."""
    for org_id in ("lexisnexis-risk-solutions", "west-publishing", "elsevier-inc"):
        for path in (f"/family/{org_id}", f"/family/{org_id}.pdf", f"/api/families/{org_id}"):
            assert client.get(path).status_code == 200, path
    figure = client.get(
        "/api/families/lexisnexis-risk-solutions/as-of", params={"date": "2023-01-01"}
    ).json()
    assert figure["obligated"] == "8276020.00"  # summed from the raw rows in tests/analysis
    assert figure["family"]["name"] == "RELX PLC"
    page = client.get("/family/lexisnexis-risk-solutions", params={"as_of": "2023-01-01"}).text
    assert "$8,276,020.00" in page
