"""What a released file is and what it says: type by its bytes, text by PDFium (no OCR).

A file's type is judged from its first bytes, not its name: a PDF starts ``%PDF-`` (within
the first 1024 bytes, as readers allow); plain text is a ``.txt`` with no NUL bytes. A PDF
PDFium cannot open (damaged, encrypted) is still a PDF: its text is missing, with the reason,
and the file is kept. PDFium is not thread-safe, so every call holds one lock.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from vendorwatch.errors import VendorwatchError

PDF = "application/pdf"
TEXT = "text/plain; charset=utf-8"
PAGE_BREAK = "\f"
_SPACE = re.compile(r"\s+")
_lock = threading.Lock()


@dataclass(frozen=True)
class Extracted:
    media_type: str
    pages: int | None
    text: str  # pages joined by PAGE_BREAK, whitespace runs as single spaces
    problem: str | None  # why the text is missing or partial


def sniff(filename: str, data: bytes) -> str:
    """The media type of an accepted file, or a one-line error saying what is accepted."""
    if not data:
        raise VendorwatchError(f"{filename}: the file is empty")
    if b"%PDF-" in data[:1024]:
        return PDF
    lower = filename.lower()
    if lower.endswith(".pdf"):
        raise VendorwatchError(f"{filename}: not a PDF (it does not start with %PDF-)")
    if lower.endswith(".txt"):
        if b"\x00" in data[:65536]:
            raise VendorwatchError(f"{filename}: not plain text (it holds binary data)")
        return TEXT
    raise VendorwatchError(f"{filename}: only PDF and plain-text (.txt) files can be attached")


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _pdf_text(data: bytes) -> Extracted:
    # Imported here: ~9 MB resident that `serve` need not hold until a PDF is attached.
    import pypdfium2 as pdfium  # noqa: PLC0415

    with _lock:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            reason = str(exc).removeprefix("Failed to load document ").strip("().")
            if "password" in reason.lower():
                reason = "it is encrypted (password protected)"
            return Extracted(PDF, None, "", f"text could not be read: {reason}")
        try:
            pages: list[str] = []
            failed: list[int] = []
            for number in range(len(document)):
                try:
                    page = document[number]
                    pages.append(_clean(page.get_textpage().get_text_range()))
                except pdfium.PdfiumError:
                    pages.append("")
                    failed.append(number + 1)
            count = len(pages)
        finally:
            document.close()
    problem = None
    if failed:
        listed = ", ".join(str(n) for n in failed)
        problem = f"text could not be read: page {listed} would not open"
    elif not any(pages):
        problem = "text could not be read: no text layer (a scan? vendorwatch does no OCR)"
    return Extracted(PDF, count, PAGE_BREAK.join(pages), problem)


def extract(filename: str, data: bytes) -> Extracted:
    """The file's type, page count and text; refuses a type that is not accepted."""
    media_type = sniff(filename, data)
    if media_type == PDF:
        return _pdf_text(data)
    try:
        decoded = data.decode("utf-8-sig")
        problem = None
    except UnicodeDecodeError:
        decoded = data.decode("utf-8", errors="replace")
        problem = "not UTF-8: bytes that could not be read are shown as �"
    return Extracted(TEXT, None, _clean(decoded), problem)
