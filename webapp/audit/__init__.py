"""The audit page: who changed what across the platform, for administrators."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from webapp.audit import services, views
    from webapp.core import navigation

    app.register_blueprint(views.bp)
    # For every page that shows history: the action in words, the person by name.
    app.jinja_env.globals["audit_action_label"] = services.action_label
    app.jinja_env.globals["actor_name"] = services.actor_name
    app.jinja_env.globals["audit_value"] = services.shown_value
    navigation.register("audit.audit_log", _l("Audit log"), 85)
