"""session generations, login lockouts, throttle counters: sessions revocable server-side,
lockout notices for admins, sign-in counts shared by several workers

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Additive: existing users start at generation 0, which their (old) cookies cannot carry,
    # so sessions begun before the upgrade end once; users log in again.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )

    op.create_table(
        "login_lockouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_login_lockouts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_lockouts")),
    )
    with op.batch_alter_table("login_lockouts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_lockouts_user_id"), ["user_id"], unique=False)

    op.create_table(
        "throttle_counters",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttle_counters")),
    )


def downgrade() -> None:
    # User data is never dropped by a migration; restore from a backup instead.
    raise NotImplementedError("downgrades are not supported")
