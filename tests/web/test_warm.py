"""A site started warm has its home page and the watched families' dossiers ready."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vendorwatch.analysis import connect
from vendorwatch.analysis.dossier import family_dossier
from vendorwatch.web import create_app


def test_a_warm_site_is_ready_before_its_first_request(
    sample_warehouse: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(sample_warehouse, warm=True)
    caplog.set_level("INFO", logger="vendorwatch.web")
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200  # alive while it warms
        deadline = time.monotonic() + 300
        while (ready := client.get("/readyz")).status_code == 503:
            assert "warming" in ready.json()["detail"]
            assert time.monotonic() < deadline, "the site never finished warming"
            time.sleep(0.2)
        assert ready.json()["ready"] is True
        state = app.state.site
        watched = [str(r["family"]) for r in state._memo["home"]["watched"]]
        assert {"relx-plc", "thomson-reuters-corp", "palantir"} <= set(watched)
        assert set(state._dossiers) == set(watched)
        assert "facets:{}" in state._recent  # /browse as the nav links it
        assert client.get("/family/relx-plc").status_code == 200
        warm_data, _charts = state.dossier("relx-plc")
    assert f"warmed the home page and {len(watched)} dossiers" in caplog.text
    con = connect(sample_warehouse)
    try:
        assert warm_data == family_dossier(con, state.registry, "relx-plc")
    finally:
        con.disconnect()


def test_a_site_is_cold_unless_asked(sample_warehouse: Path) -> None:
    app = create_app(sample_warehouse)
    with TestClient(app):
        assert app.state.site._dossiers == {}


def test_recent_selections_are_kept_and_the_oldest_let_go(sample_warehouse: Path) -> None:
    app = create_app(sample_warehouse)
    state = app.state.site
    state.recent_limit = 2
    with TestClient(app) as client:
        first = client.get("/browse", params={"family": "palantir"})
        assert first.status_code == 200
        assert client.get("/browse", params={"family": "palantir"}).text == first.text
        client.get("/api/facets", params={"family": "relx-plc"})
        client.get("/api/facets", params={"family": "equifax"})
        assert list(state._recent) == [
            'facets:{"family": ["relx-plc"]}',
            'facets:{"family": ["equifax"]}',
        ]  # palantir's facets and award page, the oldest, were let go


def test_recent_selections_are_held_within_a_budget_of_facet_values(
    sample_warehouse: Path,
) -> None:
    app = create_app(sample_warehouse)
    state = app.state.site
    families = ("relx-plc", "equifax", "palantir")
    with TestClient(app) as client:
        held = {
            f: sum(map(len, state.facets({"family": [f]}, size=None).values())) for f in families
        }
        state._recent.clear()
        state.recent_values = held["equifax"] + held["palantir"]  # not room for all three
        for family in families:
            assert client.get("/api/facets", params={"family": family}).status_code == 200
        assert list(state._recent) == [
            'facets:{"family": ["equifax"]}',
            'facets:{"family": ["palantir"]}',
        ]  # relx-plc's, the oldest, let go to stay within the budget
