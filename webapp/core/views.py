"""Core pages: home, language switch, health check and the admin mail outbox."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.core import mailer, navigation, outbox
from webapp.core.access import ADMIN, PUBLIC, allow
from webapp.core.forms import ActionForm, LanguageForm
from webapp.core.i18n import SESSION_LANGUAGE
from webapp.core.paging import requested_page
from webapp.extensions import db

bp = Blueprint("core", __name__, template_folder="templates")

OUTBOX_PAGE_SIZE = 50


def download(body: bytes | str, mimetype: str, filename: str) -> Response:
    """A file to save, never kept by a cache on the way (exports hold personal data)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths are followed after a redirect."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.get("/")
@allow(PUBLIC)
def home() -> str:
    panels = navigation.home_panels() if current_user.is_authenticated else []
    return render_template("core/home.html", panels=panels)


@bp.post("/language")
@allow(PUBLIC)
def set_language() -> object:
    form = LanguageForm()
    if form.validate_on_submit():
        session[SESSION_LANGUAGE] = form.language.data
        if current_user.is_authenticated:
            current_user.language = form.language.data
            db.session.commit()
    return redirect(safe_next(form.next.data, url_for("core.home")))


@bp.get("/healthz")
@allow(PUBLIC)
def health() -> tuple[dict[str, str], int]:
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}, 200


@bp.get("/admin/outbox")
@allow(ADMIN)
def outbox_list() -> str:
    status = request.args.get("status")
    query = sa.select(outbox.OutboxMessage).order_by(outbox.OutboxMessage.id.desc())
    if status in outbox.STATUSES:
        query = query.where(outbox.OutboxMessage.status == status)
    else:
        status = None
    page = db.paginate(query, page=requested_page(), per_page=OUTBOX_PAGE_SIZE, error_out=False)
    counts = dict(
        db.session.execute(
            sa.select(outbox.OutboxMessage.status, sa.func.count()).group_by(
                outbox.OutboxMessage.status
            )
        ).all()
    )
    return render_template(
        "core/outbox_list.html",
        page=page,
        status=status,
        counts=counts,
        statuses=outbox.STATUSES,
        form=ActionForm(),
    )


@bp.get("/admin/outbox/<int:message_id>")
@allow(ADMIN)
def outbox_message(message_id: int) -> str:
    message = db.session.get(outbox.OutboxMessage, message_id) or abort(404)
    return render_template("core/outbox_message.html", message=message, form=ActionForm())


@bp.get("/admin/outbox/<int:message_id>/html")
@allow(ADMIN)
def outbox_message_html(message_id: int) -> Response:
    """The HTML body alone, shown in a sandboxed frame on the message page."""
    message = db.session.get(outbox.OutboxMessage, message_id) or abort(404)
    response = make_response(message.body_html or "")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.post("/admin/outbox/<int:message_id>/retry")
@allow(ADMIN)
def outbox_retry(message_id: int) -> object:
    form = ActionForm()
    if form.validate_on_submit():
        if outbox.retry(message_id):
            db.session.commit()
            flash(_("The message was queued for delivery again."), "success")
        else:
            flash(_("Only a failed message can be retried."), "error")
    return redirect(url_for("core.outbox_message", message_id=message_id))


STATUS_LABELS = {
    outbox.PENDING: _l("pending"),
    outbox.SENDING: _l("sending"),
    outbox.SENT: _l("sent"),
    outbox.FAILED: _l("failed"),
}


def init_app(app: Flask) -> None:
    """The home page and the outbox pages: blueprint, navigation entry, labels."""
    app.register_blueprint(bp)
    navigation.register("core.outbox_list", _l("Mail outbox"), 90)
    app.jinja_env.globals["status_label"] = lambda status: str(STATUS_LABELS.get(status, status))
    app.jinja_env.globals["mail_kind_label"] = mailer.kind_label
