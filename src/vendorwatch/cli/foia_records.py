"""``vendorwatch foia attach / records / publish / unpublish``: released records on the command
line; thin over `vendorwatch.foia.records`.

Like the rest of ``vendorwatch foia`` the command line acts as the machine's own user, admin of
the local organisation named by ``--org``; it sees that organisation's documents only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from vendorwatch.cli.foia import OrgOption, _request_id, _tracker, foia_app
from vendorwatch.cli.options import AppDbOption, JsonOption
from vendorwatch.cli.output import console, print_json
from vendorwatch.errors import VendorwatchError

if TYPE_CHECKING:
    from vendorwatch.settings import Settings

# Imported when a command runs, not at start: ``vendorwatch --help`` loads neither rich's
# tables nor the settings (pydantic).


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def get_settings() -> Settings:
    from vendorwatch.settings import get_settings as settings

    return settings()


@contextmanager
def _records(app_db: str | None, org: str) -> Iterator[Any]:
    """The local user's records in ``org``, inside one transaction."""
    from vendorwatch.foia.filestore import store_for
    from vendorwatch.foia.records import Records

    settings = get_settings()
    url = app_db or settings.app_database_url
    with _tracker(url, org) as tracker:
        yield Records(tracker, store_for(url), settings.records_max_bytes)


def _document_id(text: str) -> int:
    if not text.lstrip("#").isdigit():
        raise VendorwatchError(f"{text!r} is not a document number")
    return int(text.lstrip("#"))


def _read(path: Path, limit: int) -> bytes:
    from vendorwatch.foia.records import megabytes

    if not path.is_file():
        raise VendorwatchError(f"{path}: no such file")
    size = path.stat().st_size
    if size > limit:  # refused before reading it into memory
        raise VendorwatchError(
            f"{path}: {megabytes(size)} is larger than the limit of {megabytes(limit)} "
            "(records_max_bytes)"
        )
    return path.read_bytes()


def _line(doc: dict[str, Any]) -> str:
    pages = f"{doc['pages']} pages, " if doc["pages"] is not None else ""
    state = "public" if doc["public"] else "members only"
    read = doc["text_problem"] or "text read"
    return f"#{doc['id']} {doc['filename']}: {pages}{doc['size']:,} bytes, {state}; {read}"


@foia_app.command("attach")
def attach_command(
    request_id: Annotated[str, typer.Argument(help="The request's number.")],
    files: Annotated[list[Path], typer.Argument(help="Released files (PDF or .txt).")],
    award: Annotated[
        list[str] | None,
        typer.Option("--award", help="PIID (or generated award id) the records concern."),
    ] = None,
    public: Annotated[
        bool, typer.Option("--public", help="Make them public and show them on the awards' pages.")
    ] = False,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
    as_json: JsonOption = False,
) -> None:
    """Attach the records an agency released to a request: stored, hashed, their text read."""
    from vendorwatch.foia.records import document_json

    limit = get_settings().records_max_bytes
    contents = [(path, _read(path, limit)) for path in files]
    done = []
    with _records(app_db, org) as records:
        number = _request_id(request_id)
        for path, data in contents:
            attached = records.attach(number, path.name, data, awards=award or [], public=public)
            done.append({**document_json(attached.document), "new": attached.new})
    if as_json:
        print_json(done)
        return
    for doc in done:
        already = "" if doc["new"] else " (already attached)"
        console.print(escape(_line(doc)) + already, highlight=False, soft_wrap=True)


def _snippet(snippet: Any) -> dict[str, Any]:
    marked = "".join(f"[bold]{escape(t)}[/]" if m else escape(t) for t, m in snippet.parts)
    return {**snippet.as_dict(), "marked": marked}


@foia_app.command("records")
def records_command(
    request_id: Annotated[
        str | None, typer.Argument(help="Only this request's documents.", show_default=False)
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", help='Words or "a phrase" that must appear in the text.'),
    ] = None,
    app_db: AppDbOption = None,
    org: OrgOption = "local",
    as_json: JsonOption = False,
) -> None:
    """The organisation's released records, or those whose text holds the words searched."""
    from vendorwatch.foia.records import document_json

    with _records(app_db, org) as records:
        number = _request_id(request_id) if request_id else None
        if search is None:
            rows = [{**document_json(d), "snippets": []} for d in records.documents(number)]
        else:
            rows = [
                {**document_json(h.document), "snippets": [_snippet(s) for s in h.snippets]}
                for h in records.search(search, number)
            ]
    if as_json:
        for r in rows:
            r["snippets"] = [{k: v for k, v in s.items() if k != "marked"} for s in r["snippets"]]
        print_json(rows)
        return
    if not rows:
        console.print("no documents" + (f" with {search!r}" if search else ""), highlight=False)
        return
    from rich.table import Table

    table = Table()
    for column in ("#", "request", "file", "pages", "size", "public", "awards", "text"):
        table.add_column(column)
    for r in rows:
        snippets = [(f"p.{s['page']}: " if s["page"] else "") + s["marked"] for s in r["snippets"]]
        table.add_row(
            str(r["id"]),
            f"#{r['request_id']}",
            escape(r["filename"]),
            "" if r["pages"] is None else str(r["pages"]),
            f"{r['size']:,}",
            "yes" if r["public"] else "no",
            ", ".join(a["piid"] or a["award_key"] for a in r["awards"]),
            "\n".join(snippets) or escape(r["text_problem"] or ""),
        )
    console.print(table)


def _set_public(document_id: str, public: bool, app_db: str | None, org: str) -> None:
    with _records(app_db, org) as records:
        doc = records.publish(_document_id(document_id), public)
        line = f"#{doc.id} {doc.filename} is " + ("now public" if public else "members only")
    console.print(escape(line), highlight=False)


@foia_app.command("publish")
def publish_command(
    document_id: Annotated[str, typer.Argument(help="The document's number.")],
    app_db: AppDbOption = None,
    org: OrgOption = "local",
) -> None:
    """Make a document public: anyone may read it, and it shows on its awards' pages."""
    _set_public(document_id, True, app_db, org)


@foia_app.command("unpublish")
def unpublish_command(
    document_id: Annotated[str, typer.Argument(help="The document's number.")],
    app_db: AppDbOption = None,
    org: OrgOption = "local",
) -> None:
    """Make a public document visible to the organisation's members only again."""
    _set_public(document_id, False, app_db, org)
