from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp.extensions import db
from webapp.reference.services import load_reference_data


@pytest.fixture()
def admin(user, login) -> FlaskClient:
    """The test client, signed in as an administrator."""
    return login(user("admin"))


@pytest.fixture()
def loaded(app: Flask) -> None:
    """The reference data, loaded from the shipped file."""
    load_reference_data()
    db.session.commit()
