"""Released records: the documents an agency sent back for a request, and their bytes.

A document belongs to one request and so to one organisation; `vendorwatch.foia.records` is
the only way in and filters by it. The file itself is stored once per SHA-256 (see
`vendorwatch.foia.filestore`): in a folder beside a SQLite database, or in ``record_blobs``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorwatch.appdb.base import Base, Timestamped


class RecordDocument(Timestamped, Base):
    """One released file attached to a request; ``created_at`` is when it was uploaded."""

    __tablename__ = "foia_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("foia_requests.id"), index=True)
    # Kept on the row (not only through the request) so every query filters on it directly.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    # The text, whitespace runs made single spaces, pages separated by a form feed (\f).
    text: Mapped[str] = mapped_column(Text, default="")
    # Why there is no (or only part of the) text: "text could not be read: …"; None when read.
    text_problem: Mapped[str | None] = mapped_column(String(500))
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    awards: Mapped[list[RecordAward]] = relationship(
        back_populates="document", order_by="RecordAward.id"
    )


class RecordAward(Base):
    """An award a document concerns, by generated award id and/or PIID."""

    __tablename__ = "foia_document_awards"
    __table_args__ = (UniqueConstraint("document_id", "award_key", "piid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("foia_documents.id"), index=True)
    award_key: Mapped[str | None] = mapped_column(String(200), index=True)
    piid: Mapped[str | None] = mapped_column(String(100), index=True)

    document: Mapped[RecordDocument] = relationship(back_populates="awards")


class RecordBlob(Base):
    """A file's bytes, when the store is the database (PostgreSQL without ``records_dir``)."""

    __tablename__ = "record_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
