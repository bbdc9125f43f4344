"""Issue 8's "done when": a multi-page sync into an empty warehouse, a watchlist, an incremental
sync with one new modification; the feed, the email and the webhook each carry exactly it.

Everything runs for real on loopback: the USAspending replay server, ``vendorwatch sync`` and
``vendorwatch watch`` in subprocesses, an aiosmtpd server, a webhook receiver that checks
the HMAC, and the site's feed route; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient
from lxml import etree

from tests.alerts.servers import Receiver, smtp_server, webhook_receiver
from tests.appdb.engines import ENGINES
from tests.sources.api import Tx
from tests.sources.replay import serve
from tests.sources.scenario import (
    SECOND_END,
    incremental_recording,
    initial_recording,
    with_new_modification,
)
from tests.sources.test_sync_cli import first_sync_args, vendorwatch_sync
from vendorwatch.settings import get_settings
from vendorwatch.web import create_app

ATOM = "{http://www.w3.org/2005/Atom}"


def watch(*args: str, env: dict[str, str] | None = None) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "vendorwatch", "watch", *args, "--json"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def site_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``site_on(warehouse, app_db)``: a test client of the site using that app database."""
    opened: list[TestClient] = []

    def make(warehouse: Path, url: str) -> TestClient:
        monkeypatch.setenv("VENDORWATCH_APP_DATABASE_URL", url)
        get_settings.cache_clear()
        client = TestClient(create_app(warehouse))
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)
    get_settings.cache_clear()


def check_atom(xml: bytes) -> etree._Element:
    """The Atom 1.0 structure RFC 4287 requires of a feed and its entries."""
    root = etree.fromstring(xml)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        assert entry.find(f"{ATOM}author") is not None or root.find(f"{ATOM}author") is not None
    return root


@ENGINES
def test_one_new_modification_reaches_the_feed_the_email_and_the_webhook(
    database_url: str, tmp_path: Path, site_on: Any
) -> None:
    warehouse = tmp_path / "w.duckdb"
    exchanges, groups = initial_recording()
    with serve(exchanges) as (base, _):
        first = vendorwatch_sync(base, warehouse, *first_sync_args())
    assert first.returncode == 0, first.stderr
    assert len(json.loads(first.stdout)["changes"]) == 152  # all new awards, before the list

    receiver = Receiver()
    with smtp_server() as (port, inbox), webhook_receiver(receiver) as hook:
        smtp = {"VENDORWATCH_SMTP_HOST": "127.0.0.1", "VENDORWATCH_SMTP_PORT": str(port)}
        db = ("--app-db", database_url)
        relx = watch(
            "add", "RELX at ICE", "--family", "relx-plc", "--agency", "ice",
            "--min-amount", "1000", "--email", "desk@example.org", "--webhook", hook, *db,
        )  # fmt: skip
        other = watch("add", "Face recognition", "--product-class", "facial_recognition", *db)
        receiver.secret = relx["webhook_secret"]
        base_run = ("run", "--warehouse", str(warehouse), *db)

        quiet = watch(*base_run, env=smtp)
        assert quiet["alerts_recorded"] == {str(relx["id"]): 0, str(other["id"]): 0}
        assert quiet["deliveries"] == []

        award = groups["ice:contracts"][6]
        new_tx = Tx("P00009", date(2025, 2, 10), Decimal("2500.00"), "OPTION YEAR EXERCISED")
        changed = with_new_modification(award, new_tx)
        with serve(incremental_recording(groups, [changed])) as (base, _):
            second = vendorwatch_sync(base, warehouse, "--until", SECOND_END)
        assert second.returncode == 0, second.stderr
        (change,) = json.loads(second.stdout)["changes"]

        loud = watch(*base_run, env=smtp)
        assert loud["alerts_recorded"] == {str(relx["id"]): 1, str(other["id"]): 0}
        assert sorted((d["channel"], d["alerts"], d["ok"]) for d in loud["deliveries"]) == [
            ("email", 1, True),
            ("webhook", 1, True),
        ]
        again = watch(*base_run, env=smtp)  # a re-run records and sends nothing
        assert again["alerts_recorded"] == {str(relx["id"]): 0, str(other["id"]): 0}
        assert again["deliveries"] == []

    # the email: one message, to the list's address, with exactly that change
    (message,) = inbox.messages
    assert inbox.recipients == [["desk@example.org"]]
    assert message["Subject"] == "vendorwatch: 1 change for RELX at ICE"
    body = message.get_content()
    assert f"New modification P00009 on {award.piid}: $2,500.00 (RELX INC.)" in body
    assert body.count("New modification") == 1 and "New award" not in body
    assert "family relx-plc" in body

    # the webhook: one signed POST (the receiver verified the HMAC) with exactly that change
    assert (receiver.calls, receiver.rejected) == (1, 0)
    ((alert,),) = [doc["alerts"] for doc in receiver.received]
    assert alert["change_id"] == change["change_id"]
    assert (alert["kind"], alert["modification_number"], alert["amount"]) == (
        "new_modification",
        "P00009",
        "2500.00",
    )
    assert alert["transaction_key"] == change["contract_transaction_unique_key"]
    assert alert["piid"] == award.piid
    assert alert["obligation_change"] == "obligation"

    # the feed: valid Atom, readable with no login, sets no cookie, exactly that change
    client = site_on(warehouse, database_url)
    response = client.get(relx["feed"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert "set-cookie" not in response.headers
    root = check_atom(response.content)
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id") == f"urn:vendorwatch:change:{change['change_id']}"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    (item,) = parsed.entries
    assert item.title == f"New modification P00009 on {award.piid}: $2,500.00 (RELX INC.)"
    assert item.link.endswith(f"/award/{award.generated_id}")
    quiet_feed = feedparser.parse(client.get(other["feed"]).content)
    assert (quiet_feed.bozo, quiet_feed.entries) == (False, [])
    assert client.get("/feeds/not-a-token.atom").status_code == 404
