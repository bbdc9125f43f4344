"""Browse on the site reads the cube; a visitor waiting on work in flight is not cut short."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient

from vendorwatch.analysis import browse, connect
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.reports.render import dossier_charts
from vendorwatch.web import create_app


def test_place_of_performance_is_a_facet_on_the_page_and_the_api(
    client: TestClient, sample_warehouse: Path
) -> None:
    api = client.get("/api/facets", params={"fiscal_year": "2024"}).json()
    con = connect(sample_warehouse)
    try:
        expected = browse.facets(con, {"fiscal_year": ["2024"]})["place_state"]
    finally:
        con.disconnect()
    assert api["place_state"] == expected
    state = next(v["value"] for v in expected if v["value"])
    chosen = client.get("/api/facets", params={"fiscal_year": "2024", "place_state": state})
    (picked,) = [v for v in chosen.json()["place_state"] if v["selected"]]
    assert picked["value"] == state
    page = client.get("/browse", params={"fiscal_year": "2024"}).text
    assert "place of performance (state)</h2>" in page


def test_a_visitor_waiting_on_the_warm_up_s_dossier_gets_it(sample_warehouse: Path) -> None:
    """The warm-up is computing a dossier when a visitor asks for it: the visitor waits for
    that computation (single flight), longer than the time limit, and gets the dossier, not a
    503 (the limit is for the visitor's own work, not for waiting on another's)."""
    app = create_app(sample_warehouse, time_limit=1.0)
    with TestClient(app) as client:
        site = app.state.site
        snap = site.snapshot()
        holding = threading.Event()

        def warm_up() -> None:  # as SiteState.dossier does it in the warm-up thread
            with site._single(snap, "dossier:relx-plc"):
                holding.set()
                data = family_dossier(snap.backend(), site.registry, "relx-plc")
                charts = dossier_charts(data)
                time.sleep(3.0)  # a busy machine: longer than the visitor's time limit
                snap.dossiers["relx-plc"] = (data, charts)

        worker = threading.Thread(target=warm_up)
        worker.start()
        holding.wait()
        answer = client.get("/family/relx-plc.json")
        worker.join()
        assert answer.status_code == 200, answer.text
        assert answer.json()["family"]["id"] == "relx-plc"
        # Its own work past the limit is still cut: the limit is not gone.
        site.time_limit = 0.001
        assert client.get("/browse", params={"q": "data", "fiscal_year": "2023"}).status_code == 503


def test_a_visitor_does_not_wait_for_the_cube_s_build(sample_warehouse: Path) -> None:
    """While the browse aggregate is being built (minutes at 10M rows: the warm-up's, or the
    first visitor's), another visitor's facets are answered from the facts, the same figures,
    without waiting for the build; once it is built the cube answers."""
    app = create_app(sample_warehouse, time_limit=30.0)
    chosen = {"family": "relx-plc", "fiscal_year": "2024"}
    con = connect(sample_warehouse)
    try:
        expected = browse.facets(con, {k: [v] for k, v in chosen.items()})
    finally:
        con.disconnect()
    with TestClient(app) as client:
        site = app.state.site
        snap = site.snapshot()
        building, answered = threading.Event(), threading.Event()

        def build() -> None:  # a build in flight holds the cube's single-flight lock
            with site._single(snap, "cube"):
                building.set()
                answered.wait(timeout=20)

        worker = threading.Thread(target=build)
        worker.start()
        building.wait()
        started = time.monotonic()
        answer = client.get("/api/facets", params=chosen)
        waited = time.monotonic() - started
        from_the_facts = "cube" not in snap.memo
        answered.set()
        worker.join()
        assert answer.status_code == 200, answer.text
        assert waited < 10, waited  # not the build's 20 s
        assert from_the_facts
        assert {k: answer.json()[k] for k in expected} == expected
        again = client.get("/api/facets", params={**chosen, "competition": "competed"})
        assert again.status_code == 200
        assert "cube" in snap.memo  # no build in flight: this visitor's request built it
