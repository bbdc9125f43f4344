"""vendor letters: letters to vendors' representatives recorded as sent, with their replies

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 05:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vendor_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("institution", sa.String(length=300), nullable=False),
        sa.Column("institution_key", sa.String(length=300), nullable=False),
        sa.Column("family_id", sa.String(length=120), nullable=False),
        sa.Column("family_name", sa.String(length=300), nullable=False),
        sa.Column("products", sa.JSON(), nullable=False),
        sa.Column("recipient", sa.String(length=300), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("reply_days", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("replied_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("reply_summary", sa.Text(), nullable=True),
        sa.Column("reply_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_vendor_letters_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vendor_letters_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["reply_recorded_by_id"],
            ["users.id"],
            name=op.f("fk_vendor_letters_reply_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor_letters")),
    )
    with op.batch_alter_table("vendor_letters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vendor_letters_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_vendor_letters_institution_key"), ["institution_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_vendor_letters_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    # User data is never dropped by a migration; restore from a backup instead.
    raise NotImplementedError("downgrades are not supported")
