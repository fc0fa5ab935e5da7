"""contributions: acknowledgement letters for in-kind contributions too (a letter
acknowledges either one receipt or one in-kind contribution)

Revision ID: d3f8a6b1c2e7
Revises: b7c2e9a41d05
Create Date: 2026-11-30 22:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d3f8a6b1c2e7"
down_revision = "b7c2e9a41d05"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("acknowledgement_letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("in_kind_id", sa.Integer(), nullable=True))
        batch_op.alter_column("receipt_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(
            batch_op.f("uq_acknowledgement_letters_in_kind_id"), ["in_kind_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_acknowledgement_letters_in_kind_id_in_kind_contributions"),
            "in_kind_contributions",
            ["in_kind_id"],
            ["id"],
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_acknowledgement_letters_one_acknowledged_entry"),
            "(receipt_id IS NULL) <> (in_kind_id IS NULL)",
        )


def downgrade():
    op.execute("DELETE FROM acknowledgement_letters WHERE receipt_id IS NULL")
    with op.batch_alter_table("acknowledgement_letters", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_acknowledgement_letters_one_acknowledged_entry"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_acknowledgement_letters_in_kind_id_in_kind_contributions"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(
            batch_op.f("uq_acknowledgement_letters_in_kind_id"), type_="unique"
        )
        batch_op.alter_column("receipt_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("in_kind_id")
