"""`vendorwatch letters …` as a user runs it: the real entry point, exit codes, one-line errors.

On SQLite and PostgreSQL. Letters are written with dates relative to a ``--today`` of our
choosing; the counts the summary must print are worked out from the same rows
(tests/outreach/scenario.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

from tests.appdb.engines import ENGINES
from tests.outreach.scenario import LWTECH, RELX, TR, Row, expected_counts

TODAY = date(2026, 12, 1)
ROWS = [
    Row(LWTECH, RELX, 200),  # never answered: overdue
    Row("Uni B", RELX, 60, reply_ago=20, outcome="agreed to review"),
    Row("Uni B", TR, 10),  # waiting
]


def vw(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vendorwatch", "letters", *args, "--app-db", url],
        capture_output=True, text=True, check=False, env=dict(os.environ),
    )  # fmt: skip


def record(url: str, row: Row) -> int:
    done = vw(url, "record", "--institution", row.institution, "--family", row.family,
              "--to", "Account representative", "--sent", row.sent(TODAY).isoformat(),
              "--days", str(row.days), "--product", "Nexis Uni", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    letter_id: int = json.loads(done.stdout)["id"]
    replied = row.replied(TODAY)
    if replied is not None and row.outcome is not None:
        answer = vw(url, "reply", str(letter_id), "--on", replied.isoformat(),
                    "--outcome", row.outcome, "--summary", "They will look into it")  # fmt: skip
        assert answer.returncode == 0, answer.stderr
        assert f"answered on {replied.day} " in answer.stdout
    return letter_id


@ENGINES
def test_record_reply_list_and_summary(database_url: str) -> None:
    ids = [record(database_url, row) for row in ROWS]
    listed = vw(database_url, "list", "--today", TODAY.isoformat(), "--json")
    assert listed.returncode == 0, listed.stderr
    states = {r["id"]: r["state"] for r in json.loads(listed.stdout)}
    assert states == {i: row.state() for i, row in zip(ids, ROWS, strict=True)}
    overdue = vw(database_url, "list", "--state", "overdue", "--today", TODAY.isoformat())
    assert overdue.returncode == 0 and LWTECH in overdue.stdout and "Uni B" not in overdue.stdout
    counted = vw(database_url, "summary", "--today", TODAY.isoformat(), "--json")
    assert counted.returncode == 0, counted.stderr
    got = json.loads(counted.stdout)
    want = expected_counts(ROWS)
    for family in got["families"]:
        assert {k: family[k] for k in want[family["family"]]} == want[family["family"]]
    assert {k: got["total"][k] for k in want["all"]} == want["all"]
    timeline = vw(database_url, "timeline", "--institution", LWTECH.upper(), "--today",
                  TODAY.isoformat(), "--json")  # fmt: skip
    assert [e["kind"] for e in json.loads(timeline.stdout)] == ["sent", "overdue"]
    # Another organisation sees none of it, and is told so as of a letter that does not exist.
    assert json.loads(vw(database_url, "list", "--org", "other", "--json").stdout) == []
    foreign = vw(database_url, "reply", str(ids[0]), "--on", "2026-11-30", "--outcome",
                 "declined", "--org", "other")  # fmt: skip
    assert foreign.returncode == 1
    assert foreign.stderr.strip() == f"error: no letter #{ids[0]} in 'other'"


def test_mistakes_are_one_line_errors(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/app.sqlite3"
    cases = [
        (("record", "--institution", "Uni", "--family", "acme", "--to", "rep", "--sent",
          "2026-11-01"), "vendor family 'acme' is not in the registry"),
        (("record", "--institution", "Uni", "--family", RELX, "--to", "rep", "--sent",
          "1/11/2026"), "--sent '1/11/2026' is not a date in the form YYYY-MM-DD"),
        (("reply", "7", "--on", "2026-11-01", "--outcome", "declined"), "no letter #7 in 'local'"),
        (("list", "--state", "lost"), "--state 'lost': use one of answered, waiting"),
    ]  # fmt: skip
    for args, message in cases:
        done = vw(url, *args)
        assert done.returncode == 1, (args, done.stdout)
        assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr
