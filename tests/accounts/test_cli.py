from __future__ import annotations

import sqlalchemy as sa

from webapp.accounts import passwords
from webapp.accounts.models import User
from webapp.extensions import db

PASSWORD = "a long and new passphrase"


def create_admin(runner, *args):
    return runner.invoke(args=["users", "create-admin", *args])


def test_create_admin_makes_a_working_administrator(runner, client):
    result = create_admin(
        runner, "Root@Example.org", "--name", "Rita Root", "--password", PASSWORD
    )
    assert result.exit_code == 0, result.output
    person = db.session.scalar(sa.select(User).where(User.email == "root@example.org"))
    assert person.name == "Rita Root"
    assert person.role_names == {"admin"}
    assert person.status == "active"
    response = client.post("/login", data={"email": "root@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_create_admin_refuses_a_short_password(runner):
    result = create_admin(runner, "root@example.org", "--password", "short")
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_admin_refuses_an_invalid_email(runner):
    result = create_admin(runner, "not an email", "--password", PASSWORD)
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_admin_promotes_an_existing_account_and_keeps_its_roles(runner, user):
    person = user("finance")
    result = create_admin(runner, person.email, "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    db.session.refresh(person)
    assert person.role_names == {"admin", "finance"}
    assert passwords.check_password(person, PASSWORD)


def test_create_admin_asks_for_the_password_twice(runner):
    result = runner.invoke(
        args=["users", "create-admin", "root@example.org"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User).where(User.email == "root@example.org"))
