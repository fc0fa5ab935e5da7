"""meetings: data versions for the meetings list, series and meeting pages kept between
requests ("meeting schedule": series, their states and topics, occurrences, moves;
"meeting series page": the same and a series' budget and receipts; "meeting page": a
meeting, its moves and who made them, its agenda, the activities it overlaps)

Revision ID: 5c3e8a1f9d20
Revises: a91c4e7d2b10
Create Date: 2026-12-01 03:05:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c3e8a1f9d20'
down_revision = 'a91c4e7d2b10'
branch_labels = None
depends_on = None

NAMES = ('meeting schedule', 'meeting series page', 'meeting page')


def upgrade():
    # Tokens from the start, so that the pages are kept at once, before any change.
    for name in NAMES:
        op.execute(
            sa.text(
                "INSERT INTO data_versions (name, token) SELECT :name, :token"
                " WHERE NOT EXISTS (SELECT 1 FROM data_versions WHERE name = :name)"
            ).bindparams(name=name, token=secrets.token_hex(16))
        )


def downgrade():
    for name in NAMES:
        op.execute(sa.text("DELETE FROM data_versions WHERE name = :name").bindparams(name=name))
