"""`flask users ...`: management commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webapp.accounts import services
from webapp.accounts.models import User
from webapp.core.access import ADMIN
from webapp.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="The person's name.")
@click.password_option(help="The password (asked for when not given).")
def create_admin(email: str, name: str, password: str) -> None:
    """Create the first administrator, or make an existing account an administrator."""
    if len(password) < services.MIN_PASSWORD_LENGTH:
        raise click.BadParameter(
            f"use at least {services.MIN_PASSWORD_LENGTH} characters", param_hint="password"
        )
    user = services.find_user(email)
    if user is None:
        user = User(email=services.normalise_email(email), name=name or email)
        db.session.add(user)
    user.role_names = user.role_names | {ADMIN}
    services.set_password(user, password)
    db.session.commit()
    click.echo(f"{user.email} is an administrator.")
