"""The audit page: who changed what across the platform, for administrators."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from webapp.audit import views
    from webapp.core import navigation

    app.register_blueprint(views.bp)
    navigation.register("audit.audit_log", _l("Audit log"), 85)
