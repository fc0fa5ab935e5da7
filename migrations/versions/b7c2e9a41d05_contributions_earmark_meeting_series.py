"""contributions: earmarks to a meeting series (a nullable foreign key on pledges,
receipts, in-kind contributions and activity budgets)

Revision ID: b7c2e9a41d05
Revises: ee5d401a7b3b
Create Date: 2026-11-30 22:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b7c2e9a41d05"
down_revision = "ee5d401a7b3b"
branch_labels = None
depends_on = None

TABLES = ("pledges", "receipts", "in_kind_contributions", "activity_budgets")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("meeting_series_id", sa.Integer(), nullable=True))
            batch_op.create_index(
                batch_op.f(f"ix_{table}_meeting_series_id"), ["meeting_series_id"], unique=False
            )
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_meeting_series_id_meeting_series"),
                "meeting_series",
                ["meeting_series_id"],
                ["id"],
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_meeting_series_id_meeting_series"), type_="foreignkey"
            )
            batch_op.drop_index(batch_op.f(f"ix_{table}_meeting_series_id"))
            batch_op.drop_column("meeting_series_id")
