"""accounts and FOIA tracker

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 13:17:41.347417
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organisations_slug")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "foia_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("office_id", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("requester", sa.JSON(), nullable=False),
        sa.Column("expedite", sa.Boolean(), nullable=False),
        sa.Column("letter_text", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_foia_requests_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_foia_requests_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foia_requests")),
    )
    with op.batch_alter_table("foia_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_foia_requests_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_memberships_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint(
            "organisation_id", "user_id", name=op.f("uq_memberships_organisation_id_user_id")
        ),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_memberships_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_memberships_user_id"), ["user_id"], unique=False)

    op.create_table(
        "foia_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("award_key", sa.String(length=200), nullable=True),
        sa.Column("tracking_number", sa.String(length=100), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("estimate", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_foia_events_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["foia_requests.id"],
            name=op.f("fk_foia_events_request_id_foia_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foia_events")),
    )
    with op.batch_alter_table("foia_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_foia_events_request_id"), ["request_id"], unique=False)

    op.create_table(
        "foia_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_foia_reminders_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["foia_requests.id"],
            name=op.f("fk_foia_reminders_request_id_foia_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foia_reminders")),
    )
    with op.batch_alter_table("foia_reminders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_foia_reminders_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "foia_request_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("award_key", sa.String(length=200), nullable=False),
        sa.Column("piid", sa.String(length=100), nullable=False),
        sa.Column("recipient", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["foia_requests.id"],
            name=op.f("fk_foia_request_awards_request_id_foia_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foia_request_awards")),
        sa.UniqueConstraint(
            "request_id", "award_key", name=op.f("uq_foia_request_awards_request_id_award_key")
        ),
    )
    with op.batch_alter_table("foia_request_awards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_foia_request_awards_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "foia_tracking_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["foia_requests.id"],
            name=op.f("fk_foia_tracking_numbers_request_id_foia_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foia_tracking_numbers")),
        sa.UniqueConstraint(
            "request_id", "number", name=op.f("uq_foia_tracking_numbers_request_id_number")
        ),
    )
    with op.batch_alter_table("foia_tracking_numbers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_foia_tracking_numbers_request_id"), ["request_id"], unique=False
        )


def downgrade() -> None:
    # User data is never dropped by a migration; restore from a backup instead.
    raise NotImplementedError("downgrades are not supported")
