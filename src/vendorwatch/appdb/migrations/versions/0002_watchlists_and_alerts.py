"""watchlists and alerts: watchlists, their alerts, deliveries per channel, the run lock

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 14:05:34.066311
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watch_run_locks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_watch_run_locks")),
    )
    op.create_table(
        "watchlists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("match_kind", sa.String(length=20), nullable=False),
        sa.Column("match_value", sa.String(length=200), nullable=False),
        sa.Column("agencies", sa.JSON(), nullable=False),
        sa.Column("min_amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("change_kinds", sa.JSON(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feed_token", sa.String(length=64), nullable=False),
        sa.Column("email_to", sa.String(length=320), nullable=True),
        sa.Column("webhook_url", sa.String(length=2000), nullable=True),
        sa.Column("webhook_secret", sa.String(length=128), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_watchlists_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_watchlists_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlists")),
        sa.UniqueConstraint("feed_token", name=op.f("uq_watchlists_feed_token")),
    )
    with op.batch_alter_table("watchlists", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_watchlists_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "watch_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watchlist_id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.String(length=80), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("obligation_change", sa.String(length=16), nullable=False),
        sa.Column("award_key", sa.String(length=200), nullable=False),
        sa.Column("piid", sa.String(length=100), nullable=True),
        sa.Column("transaction_key", sa.String(length=300), nullable=True),
        sa.Column("modification_number", sa.String(length=100), nullable=True),
        sa.Column("action_date", sa.Date(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("old_value", sa.String(length=100), nullable=True),
        sa.Column("new_value", sa.String(length=100), nullable=True),
        sa.Column("recipient_name", sa.String(length=300), nullable=True),
        sa.Column("agency", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["watchlist_id"],
            ["watchlists.id"],
            name=op.f("fk_watch_alerts_watchlist_id_watchlists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_alerts")),
        sa.UniqueConstraint(
            "watchlist_id", "change_id", name=op.f("uq_watch_alerts_watchlist_id_change_id")
        ),
    )
    with op.batch_alter_table("watch_alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_watch_alerts_watchlist_id"), ["watchlist_id"], unique=False
        )

    op.create_table(
        "watch_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["watch_alerts.id"],
            name=op.f("fk_watch_deliveries_alert_id_watch_alerts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_deliveries")),
        sa.UniqueConstraint(
            "alert_id", "channel", name=op.f("uq_watch_deliveries_alert_id_channel")
        ),
    )
    with op.batch_alter_table("watch_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_watch_deliveries_alert_id"), ["alert_id"], unique=False
        )


def downgrade() -> None:
    # User data is never dropped by a migration; restore from a backup instead.
    raise NotImplementedError("downgrades are not supported")
