"""Admin maintenance of the reference data, and the `flask reference` commands."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from webapp.core import navigation
    from webapp.reference import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.reference_cli)
    navigation.register("reference.member_states", _l("Reference data"), 80)
