"""Accounts: sign-in, invitations, password resets, roles and per-user settings."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.extensions import db, login_manager


def init_app(app: Flask) -> None:
    from webapp.accounts import cli, mail, sessions, views
    from webapp.accounts.models import ROLE_LABELS, STATUS_LABELS, User
    from webapp.core import mailer, navigation
    from webapp.core.timezones import utcnow

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_key: str) -> User | None:
        # The cookie names a server-side session (accounts.sessions); no row, no user.
        user, touched = sessions.user_for(session_key, utcnow())
        if touched:
            db.session.commit()  # first thing in the request: nothing else is pending
        return user

    mailer.describe_kind(mail.INVITATION_MAIL, _l("Invitation"))
    mailer.describe_kind(mail.PASSWORD_RESET_MAIL, _l("Password reset"))
    mailer.describe_kind(mail.PASSWORD_RESET_NO_ACCOUNT_MAIL, _l("Password reset: no account"))

    @app.before_request
    def look_up_the_session_first() -> None:
        # The loader may note "last seen" (and commit): doing it first thing means nothing
        # else is pending then, never in the middle of a view's own flush.
        if request.endpoint not in (None, "static", "directory.asset"):
            _ = current_user.is_authenticated

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.users_cli)
    navigation.register("accounts.users", _l("Users"), 70)
    navigation.register("accounts.invite", _l("Invite a person"), 75)
    app.jinja_env.globals.update(
        role_label=lambda role: str(ROLE_LABELS.get(role, role)),
        account_status_label=lambda status: str(STATUS_LABELS.get(status, status)),
    )
