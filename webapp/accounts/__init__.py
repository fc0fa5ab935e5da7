"""Accounts: sign-in, invitations, password resets, roles and per-user settings."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from webapp.extensions import db, login_manager


def init_app(app: Flask) -> None:
    from webapp.accounts import cli, views
    from webapp.accounts.models import ROLE_LABELS, STATUS_LABELS, User
    from webapp.core import navigation

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        raw_id, _, token = user_id.partition(":")
        if not raw_id.isdigit():
            return None
        user = db.session.get(User, int(raw_id))
        if user is None or not user.is_active or user.session_token != token:
            return None
        return user

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.users_cli)
    navigation.register("accounts.users", _l("Users"), 70)
    navigation.register("accounts.invite", _l("Invite a person"), 75)
    app.jinja_env.globals.update(
        role_label=lambda role: str(ROLE_LABELS.get(role, role)),
        account_status_label=lambda status: str(STATUS_LABELS.get(status, status)),
    )
