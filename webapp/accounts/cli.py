"""`flask users ...`: management commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webapp.accounts import users
from webapp.accounts.errors import AccountError
from webapp.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="The person's name.")
@click.password_option(help="The password (asked for when not given).")
def create_admin(email: str, name: str, password: str) -> None:
    """Create the first administrator, or make an existing account an administrator."""
    try:
        user = users.create_admin(email, name, password)
    except AccountError as error:
        db.session.rollback()
        raise click.BadParameter(error.message, param_hint=error.field or "email") from None
    db.session.commit()
    click.echo(f"{user.email} is an administrator.")
