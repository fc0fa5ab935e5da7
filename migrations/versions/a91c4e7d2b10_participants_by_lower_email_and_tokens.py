"""meetings: participants found by their address in any case (an index on lower(email));
data versions for the meetings' and contributions' results kept between requests

Revision ID: a91c4e7d2b10
Revises: 703fd4baa3f8
Create Date: 2026-12-01 00:10:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a91c4e7d2b10'
down_revision = '703fd4baa3f8'
branch_labels = None
depends_on = None


def upgrade():
    # Who may see a meeting is asked by lower(email) on every page a participant or focal
    # point opens; without this, a scan of every participant row.
    op.create_index(
        'ix_meeting_participants_email_lower',
        'meeting_participants',
        [sa.text('lower(email)')],
    )
    # Tokens from the start, so that results are kept at once (as the directory's).
    for name in ('meetings', 'contributions'):
        op.execute(
            sa.text(
                "INSERT INTO data_versions (name, token) SELECT :name, :token"
                " WHERE NOT EXISTS (SELECT 1 FROM data_versions WHERE name = :name)"
            ).bindparams(name=name, token=secrets.token_hex(16))
        )


def downgrade():
    op.execute(sa.text("DELETE FROM data_versions WHERE name IN ('meetings', 'contributions')"))
    op.drop_index('ix_meeting_participants_email_lower', table_name='meeting_participants')
