"""The Directory of National Points of Contact, kept current by the member states."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Blueprints, navigation entries, the home-page panel and the template's labels."""
    from webapp.core import navigation
    from webapp.core.i18n import viewer_language
    from webapp.directory import (  # noqa: F401 - agency and import views add routes to bp
        agency_views,
        fields,
        import_views,
        labels,
        refresh_views,
        views,
    )

    app.register_blueprint(views.bp)
    app.register_blueprint(refresh_views.bp)
    navigation.register("directory.search", _l("Directory"), 10)
    navigation.register("refresh.coverage", _l("Directory coverage"), 20)
    navigation.register("refresh.my_requests", _l("Refresh requests"), 25)
    navigation.register("directory.new_import", _l("Import"), 30)
    navigation.register_home_panel(
        "refresh.my_requests", "directory/refresh_home_panel.html", refresh_views.home_panel
    )
    app.jinja_env.globals.update(
        format_phone=fields.format_phone,
        language_name=lambda code: fields.language_name(code, viewer_language()),
        kind_label=lambda code: labels.label(labels.KIND_LABELS, code),
        designation_label=lambda code: labels.label(labels.DESIGNATION_LABELS, code),
        visibility_label=lambda code: labels.label(labels.VISIBILITY_LABELS, code),
        entry_status_label=lambda code: labels.label(labels.STATUS_LABELS, code),
        import_status_label=lambda code: labels.label(labels.IMPORT_STATUS_LABELS, code),
        standing_label=lambda code: labels.label(labels.STANDING_LABELS, code),
        answer_label=lambda code: labels.label(labels.ANSWER_LABELS, code),
    )
