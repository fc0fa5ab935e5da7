"""import jobs keep their outcome as data, said in each reader's language

Revision ID: a7d2c4e91b30
Revises: fe5f3eab7e3f
Create Date: 2026-11-30 23:55:00

Earlier jobs keep their text in `message` (and in each row error's "message"); the page
still shows it for them.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d2c4e91b30'
down_revision = 'fe5f3eab7e3f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('directory_import_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('directory_import_jobs', schema=None) as batch_op:
        batch_op.drop_column('outcome')
