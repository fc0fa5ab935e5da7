"""Voluntary contributions: donors, pledges, receipts, in-kind gifts, the append-only
ledger, acknowledgement letters and the contributions report."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from webapp.contributions import letter_views, models, rate_views, views  # noqa: F401
    from webapp.contributions.queries import earmark_name
    from webapp.core import navigation

    app.register_blueprint(views.bp)
    navigation.register("contributions.report", _l("Contributions"), 40)
    app.jinja_env.filters["donor_kind_label"] = lambda kind: str(
        models.DONOR_KIND_LABELS.get(kind, kind)
    )
    app.jinja_env.filters["earmark_label"] = lambda kind: str(
        models.EARMARK_LABELS.get(kind, kind)
    )
    app.jinja_env.globals["earmark_name"] = earmark_name
