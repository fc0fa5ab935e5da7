"""Periodic meetings: series and occurrences, participants, real calendar invitations,
answers through signed links, reminders, and the register of other organizations'
activities that keeps meetings from duplicating them."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from webapp.core import navigation
    from webapp.core.i18n import label_filter
    from webapp.meetings import (  # noqa: F401 - routes on bp
        activity_views,
        followup_views,
        offer_views,
        participant_views,
        public_views,
    )
    from webapp.meetings.models import (
        ACTION_STATUS_LABELS,
        ANSWER_LABELS,
        ROLE_LABELS,
        SCOPE_LABELS,
        STATUS_LABELS,
    )
    from webapp.meetings.views import bp

    app.register_blueprint(bp)
    navigation.register("meetings.index", _l("Meetings"), 20)
    navigation.register("meetings.activities_page", _l("Other organizations' activities"), 40)
    from webapp.core.i18n import viewer_zone
    from webapp.meetings.labels import datetime_in
    from webapp.meetings.series import offsets_as_days

    app.jinja_env.filters["datetime_in"] = datetime_in
    app.jinja_env.filters["reminder_days"] = offsets_as_days
    app.jinja_env.globals["viewer_zone"] = viewer_zone
    for name, labels in (
        ("meeting_status", STATUS_LABELS),
        ("meeting_role", ROLE_LABELS),
        ("meeting_answer", ANSWER_LABELS),
        ("meeting_scope", SCOPE_LABELS),
        ("action_status", ACTION_STATUS_LABELS),
    ):
        app.jinja_env.filters[name] = label_filter(labels)
