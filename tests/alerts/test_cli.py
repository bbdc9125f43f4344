"""``vendorwatch watch add/list/remove``: thin over the library; bad input is one line, exit 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def vendorwatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vendorwatch", "watch", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_add_list_remove_and_user_errors(tmp_path: Path) -> None:
    db = ("--app-db", f"sqlite:///{tmp_path / 'app.sqlite3'}")
    added = vendorwatch(
        "add", "Readers", "--keyword", "law library", "--kind", "new_award",
        "--min-amount", "$1,000", "--org", "clinic", *db, "--json",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    document = json.loads(added.stdout)
    assert document["min_amount"] == "1000.00"
    assert document["feed"].startswith("/feeds/") and document["feed"].endswith(".atom")
    assert document["webhook_secret"] is None

    listed = json.loads(vendorwatch("list", "--org", "clinic", *db, "--json").stdout)
    assert [(w["id"], w["name"], w["alerts"]) for w in listed] == [(document["id"], "Readers", 0)]
    assert json.loads(vendorwatch("list", *db, "--json").stdout) == []  # another organisation

    removed = vendorwatch("remove", str(document["id"]), "--org", "clinic", *db, "--json")
    assert removed.returncode == 0 and json.loads(removed.stdout)["active"] is False
    assert json.loads(vendorwatch("list", "--org", "clinic", *db, "--json").stdout) == []
    shown = vendorwatch("list", "--org", "clinic", "--removed", *db, "--json")
    assert [w["active"] for w in json.loads(shown.stdout)] == [False]

    for bad, message in [
        (("add", "x", "--family", "nope", *db), "no organisation 'nope'"),
        (("add", "x", "--keyword", "a", "--family", "relx-plc", *db), "exactly one of"),
        (("add", "x", "--keyword", "a", "--min-amount", "lots", *db), "not an amount"),
        (("add", "x", "--keyword", "a", "--agency", "fbi", *db), "unknown agency"),
        (("remove", "99", *db), "no watchlist 99"),
    ]:
        failed = vendorwatch(*bad)
        assert failed.returncode == 1, bad
        assert message in failed.stderr and "Traceback" not in failed.stderr
        assert len(failed.stderr.strip().splitlines()) == 1, failed.stderr
