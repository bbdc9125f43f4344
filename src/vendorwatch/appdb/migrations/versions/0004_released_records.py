"""released records: documents attached to FOIA requests, their award links, and file bytes
kept in the database when there is no records folder

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 02:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "foia_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_problem", sa.String(length=500), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_foia_documents_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_foia_documents_published_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["foia_requests.id"],
            name=op.f("fk_foia_documents_request_id_foia_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_foia_documents_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foia_documents")),
    )
    with op.batch_alter_table("foia_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_foia_documents_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_foia_documents_request_id"), ["request_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_foia_documents_sha256"), ["sha256"], unique=False)

    op.create_table(
        "foia_document_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("award_key", sa.String(length=200), nullable=True),
        sa.Column("piid", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["foia_documents.id"],
            name=op.f("fk_foia_document_awards_document_id_foia_documents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foia_document_awards")),
        sa.UniqueConstraint(
            "document_id",
            "award_key",
            "piid",
            name=op.f("uq_foia_document_awards_document_id_award_key_piid"),
        ),
    )
    with op.batch_alter_table("foia_document_awards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_foia_document_awards_award_key"), ["award_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_foia_document_awards_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_foia_document_awards_piid"), ["piid"], unique=False)

    op.create_table(
        "record_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_record_blobs")),
    )


def downgrade() -> None:
    # User data is never dropped by a migration; restore from a backup instead.
    raise NotImplementedError("downgrades are not supported")
