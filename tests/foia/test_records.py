"""Released records: real PDFs (rendered by WeasyPrint here), kept, read, searched, kept apart.

Each test runs on SQLite (files in a folder beside the database) and on PostgreSQL (files in
``record_blobs``). What the files say and hold is known from how they were made here, never
from the code's own output: the words put in, the page breaks asked for, hashlib's digest.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import weasyprint

from tests.appdb.engines import ENGINES
from vendorwatch.appdb import open_app_database, transaction
from vendorwatch.appdb.accounts import Role, add_account, local_member, organisation, user_by_email
from vendorwatch.appdb.backup import backup, restore
from vendorwatch.errors import VendorwatchError
from vendorwatch.foia.filestore import default_folder, store_for
from vendorwatch.foia.letters import Requester
from vendorwatch.foia.records import Records, public_for_award
from vendorwatch.foia.tracker import Tracker

PIID = "70CMSD21C00000001"
AWARD = "CONT_AWD_70CMSD21C00000001_7012_-NONE-_-NONE-"
LIMIT = 1024 * 1024


def release_pdf() -> bytes:
    """Two pages: the vendor and the PIID on the first, a phrase broken over a line on the
    second."""
    html = (
        "<h1>Statement of work</h1><p>Location data from Venntel, Inc. under contract "
        f"{PIID}.</p><p style='page-break-before: always'>The agency queried the "
        "<br>commercial telemetry feed 1,200 times.</p>"
    )
    data: bytes = weasyprint.HTML(string=html).write_pdf()
    return data


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return release_pdf()


CORRUPT = b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n% the rest was lost in transit\n"
NOTE = b"Email from the Venntel account manager, 3 March 2021.\nAttached: pricing.\n"


def member_of(session: object, slug: str) -> Tracker:
    user, org = local_member(session, slug)  # type: ignore[arg-type]
    return Tracker(session, user, org)  # type: ignore[arg-type]


def records(session: object, slug: str, url: str) -> Records:
    return Records(member_of(session, slug), store_for(url, None), LIMIT)


@pytest.fixture
def url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("VENDORWATCH_RECORDS_DIR", raising=False)
    return database_url


def new_request(session: object) -> int:
    tracker = member_of(session, "clinic")
    return tracker.create("Venntel records", "ice", Requester(name="Ana")).id


@ENGINES
def test_a_member_finds_a_pdf_by_a_word_and_another_org_sees_nothing(
    url: str, pdf: bytes, tmp_path: Path
) -> None:
    engine = open_app_database(url)
    with transaction(engine) as s:
        request_id = new_request(s)
        mine = records(s, "clinic", url)
        doc = mine.attach(request_id, "release-1.pdf", pdf, awards=[PIID]).document
        doc_id = doc.id
        assert doc.sha256 == hashlib.sha256(pdf).hexdigest()
        assert doc.size == len(pdf) and doc.pages == 2 and doc.text_problem is None
        assert doc.media_type == "application/pdf"
    with transaction(engine) as s:
        mine = records(s, "clinic", url)
        for words in ("venntel", "VENNTEL", '"commercial telemetry feed"', "Venntel 1,200"):
            hits = mine.search(words)
            assert [h.document.id for h in hits] == [doc_id], words
        hit = mine.search("telemetry")[0]
        assert hit.snippets[0].page == 2  # the word is on the second page
        assert ("telemetry", True) in hit.snippets[0].parts
        assert mine.search("Venn") == []  # whole words, not bare substrings
        assert mine.content(mine.get(doc_id)) == pdf
        theirs = records(s, "other", url)
        assert theirs.search("Venntel") == []
        assert theirs.documents() == []
        with pytest.raises(VendorwatchError, match=f"no document #{doc_id} in 'other'"):
            theirs.get(doc_id)
        with pytest.raises(VendorwatchError, match=f"no document #{doc_id}"):
            theirs.publish(doc_id)
        with pytest.raises(VendorwatchError, match=f"no FOIA request #{request_id}"):
            theirs.attach(request_id, "x.pdf", pdf)
    engine.dispose()


@ENGINES
def test_the_award_page_lists_a_document_only_once_public(
    url: str, pdf: bytes, tmp_path: Path
) -> None:
    engine = open_app_database(url)
    with transaction(engine) as s:
        request_id = new_request(s)
        doc_id = (
            records(s, "clinic", url)
            .attach(request_id, "release-1.pdf", pdf, awards=[PIID.lower()])
            .document.id
        )
        assert public_for_award(s, AWARD, PIID) == []
        records(s, "clinic", url).publish(doc_id)
        assert [d.id for d in public_for_award(s, AWARD, PIID)] == [doc_id]
        assert public_for_award(s, "CONT_AWD_OTHER", "70CMSD21C00000002") == []
        records(s, "clinic", url).publish(doc_id, public=False)
        assert public_for_award(s, AWARD, PIID) == []
        # A viewer of the organisation reads but may not publish.
        user, _ = add_account(s, "vic@clinic.example", name="Vic", password="correct horse",
                              org_slug="clinic", role=Role.VIEWER)  # fmt: skip
        viewer = Records(Tracker(s, user, organisation(s, "clinic")), store_for(url, None), LIMIT)
        assert [h.document.id for h in viewer.search("Venntel")] == [doc_id]
        with pytest.raises(VendorwatchError, match="this needs editor"):
            viewer.publish(doc_id)
    engine.dispose()


@ENGINES
def test_an_unreadable_pdf_is_kept_and_marked_and_text_files_are_read(
    url: str, tmp_path: Path
) -> None:
    engine = open_app_database(url)
    with transaction(engine) as s:
        request_id = new_request(s)
        mine = records(s, "clinic", url)
        broken = mine.attach(request_id, "scan.pdf", CORRUPT).document
        assert broken.text_problem is not None
        assert broken.text_problem.startswith("text could not be read: ")
        assert broken.pages is None and broken.text == ""
        assert mine.content(broken) == CORRUPT  # never lost
        note = mine.attach(request_id, "note.txt", NOTE).document
        assert note.media_type.startswith("text/plain") and note.text_problem is None
        assert [h.document.id for h in mine.search("pricing")] == [note.id]
        again = mine.attach(request_id, "same-note.txt", NOTE)
        assert again.new is False and again.document.id == note.id
    engine.dispose()


@ENGINES
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("image.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a PDF"),
        ("letter.docx", b"PK\x03\x04" + b"\x00" * 64, "only PDF and plain-text"),
        ("log.txt", b"MZ\x90\x00\x03\x00\x00\x00", "not plain text"),
        ("empty.pdf", b"", "the file is empty"),
        ("huge.txt", b"a" * (LIMIT + 1), "is larger than the limit of 1 MB"),
    ],
)
def test_wrong_types_and_sizes_are_refused_with_a_clear_message(
    url: str, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    engine = open_app_database(url)
    with transaction(engine) as s:
        request_id = new_request(s)
        with pytest.raises(VendorwatchError, match=message):
            records(s, "clinic", url).attach(request_id, name, data)
        assert records(s, "clinic", url).documents() == []
    engine.dispose()


@ENGINES
def test_a_backup_carries_the_files_to_the_other_engine(
    url: str, pdf: bytes, tmp_path: Path
) -> None:
    engine = open_app_database(url)
    with transaction(engine) as s:
        request_id = new_request(s)
        mine = records(s, "clinic", url)
        mine.attach(request_id, "release-1.pdf", pdf, awards=[PIID], public=True)
        mine.attach(request_id, "scan.pdf", CORRUPT)
    engine.dispose()
    written = backup(url, tmp_path / "app.zip")
    assert written.tables["foia_documents"] == 2
    with zipfile.ZipFile(tmp_path / "app.zip") as zf:
        manifest = json.loads(zf.read("manifest.json"))
    if url.startswith("sqlite"):  # files in the folder travel as files/<sha256>
        assert written.files == 2
        assert {f["sha256"] for f in manifest["files"]} == {
            hashlib.sha256(pdf).hexdigest(),
            hashlib.sha256(CORRUPT).hexdigest(),
        }
    else:  # files in record_blobs travel as its rows
        assert written.tables["record_blobs"] == 2 and written.files == 0
    target = f"sqlite:///{tmp_path / 'restored' / 'copy.sqlite3'}"
    restore(target, tmp_path / "app.zip")
    again = open_app_database(target)
    with transaction(again) as s:
        mine = records(s, "clinic", target)
        by_name = {d.filename: d for d in mine.documents()}
        assert mine.content(by_name["release-1.pdf"]) == pdf
        assert mine.content(by_name["scan.pdf"]) == CORRUPT
        assert [h.document.filename for h in mine.search("Venntel")] == ["release-1.pdf"]
        assert [d.filename for d in public_for_award(s, AWARD, PIID)] == ["release-1.pdf"]
    again.dispose()
    folder = default_folder(target)
    assert folder is not None and (written.files == 0 or folder.is_dir())


def test_a_missing_file_stops_the_backup(tmp_path: Path, pdf: bytes) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    engine = open_app_database(url)
    with transaction(engine) as s:
        records(s, "clinic", url).attach(new_request(s), "r.pdf", pdf)
    engine.dispose()
    folder = default_folder(url)
    assert folder is not None
    sha = hashlib.sha256(pdf).hexdigest()
    (folder / sha[:2] / sha).unlink()
    with pytest.raises(VendorwatchError, match="is missing from the folder"):
        backup(url, tmp_path / "app.zip")
    assert not (tmp_path / "app.zip").exists()


# --- the command line --------------------------------------------------------------------


def vw(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "VENDORWATCH_RECORDS_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "vendorwatch", "foia", *args, "--app-db", url],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip


@ENGINES
def test_the_cli_attaches_finds_and_publishes_within_its_organisation(
    url: str, pdf: bytes, tmp_path: Path
) -> None:
    (tmp_path / "release-1.pdf").write_bytes(pdf)
    (tmp_path / "scan.pdf").write_bytes(CORRUPT)
    (tmp_path / "note.txt").write_bytes(NOTE)
    (tmp_path / "photo.pdf").write_bytes(b"\xff\xd8\xff\xe0 a JPEG")
    made = vw(url, "new", "--title", "Venntel records", "--agency", "ice", "--org", "clinic",
              "--json")  # fmt: skip
    assert made.returncode == 0, made.stderr
    request_id = str(json.loads(made.stdout)["id"])
    files = [str(tmp_path / n) for n in ("release-1.pdf", "scan.pdf", "note.txt")]
    done = vw(url, "attach", request_id, *files, "--award", PIID, "--org", "clinic", "--json")
    assert done.returncode == 0, done.stderr
    attached = json.loads(done.stdout)
    assert [(d["filename"], d["pages"], d["size"]) for d in attached] == [
        ("release-1.pdf", 2, len(pdf)), ("scan.pdf", None, len(CORRUPT)),
        ("note.txt", None, len(NOTE)),
    ]  # fmt: skip
    assert attached[1]["text_problem"].startswith("text could not be read")
    pdf_id = str(attached[0]["id"])

    found = vw(url, "records", "--search", "Venntel", "--org", "clinic", "--json")
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert sorted(h["filename"] for h in hits) == ["note.txt", "release-1.pdf"]
    assert any("Venntel" in s["matches"] for h in hits for s in h["snippets"])
    words = vw(url, "records", "--search", "telemetry", "--org", "clinic")
    assert words.returncode == 0 and "release-1.pdf" in words.stdout and "p.2" in words.stdout

    for args in (("records", "--search", "Venntel"), ("records",)):
        theirs = vw(url, *args, "--org", "other", "--json")
        assert theirs.returncode == 0, theirs.stderr
        assert json.loads(theirs.stdout) == []
    refused = vw(url, "publish", pdf_id, "--org", "other")
    assert refused.returncode == 1
    assert refused.stderr.strip() == f"error: no document #{pdf_id} in 'other'"
    wrong = vw(url, "attach", request_id, str(tmp_path / "photo.pdf"), "--org", "clinic")
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    assert "photo.pdf: not a PDF (it does not start with %PDF-)" in wrong.stderr

    engine = open_app_database(url)
    with transaction(engine) as s:
        assert public_for_award(s, AWARD, PIID) == []
    published = vw(url, "publish", pdf_id, "--org", "clinic")
    assert published.returncode == 0 and "is now public" in published.stdout
    with transaction(engine) as s:
        assert [d.filename for d in public_for_award(s, AWARD, PIID)] == ["release-1.pdf"]
    assert vw(url, "unpublish", pdf_id, "--org", "clinic").returncode == 0
    with transaction(engine) as s:
        assert public_for_award(s, AWARD, PIID) == []
        assert user_by_email(s, "local") is not None
    engine.dispose()


def test_postgres_stores_files_in_the_database_and_sqlite_beside_it(tmp_path: Path) -> None:
    assert default_folder("postgresql+psycopg://u@h/db") is None
    assert default_folder("sqlite://") is None
    assert default_folder(f"sqlite:///{tmp_path / 'app.sqlite3'}") == tmp_path / "app-records"
    assert store_for("postgresql+psycopg://u@h/db", tmp_path / "f").folder == tmp_path / "f"
