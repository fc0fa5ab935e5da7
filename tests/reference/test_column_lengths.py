"""Every value in the reference file fits its column. SQLite does not enforce VARCHAR
lengths and PostgreSQL does, so this is checked here rather than left to the server."""

import pytest
import sqlalchemy as sa

from webapp.reference.services import _KINDS, read_reference_file

DATA = read_reference_file()


@pytest.mark.parametrize("kind", sorted(_KINDS))
def test_every_text_value_fits_its_column(kind):
    model = _KINDS[kind][0]
    columns = {c.name: c for c in model.__table__.columns}
    too_long = [
        (item.get("code") or item.get("acronym"), name, value)
        for item in DATA[kind]
        for name, value in item.items()
        if isinstance(value, str)
        and name in columns
        and isinstance(columns[name].type, sa.String)
        and columns[name].type.length is not None
        and len(value) > columns[name].type.length
    ]
    assert too_long == []
