"""The platform-wide audit log page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import get_timezone
from flask_babel import gettext as _

from webapp.audit import services
from webapp.audit.forms import AuditFilterForm
from webapp.core import reference
from webapp.core.access import ADMIN, allow
from webapp.core.paging import requested_page

bp = Blueprint("audit", __name__, template_folder="templates")


@bp.get("/admin/audit")
@allow(ADMIN)
def audit_log() -> str:
    form = AuditFilterForm(request.args)
    people = services.actors()
    kinds = services.kinds()
    states = reference.member_states()
    form.actor.choices = [("", _("Everyone"))] + [(p.id, p.name or p.email) for p in people]
    form.kind.choices = [("", _("Every kind")), *kinds]
    form.state.choices = [("", _("Every member state"))] + [(s.id, s.name) for s in states]
    valid = form.validate()
    known_kinds = {name for name, _label in kinds}
    filters = services.Filters(
        actor_id=form.actor.data,
        entity_type=form.kind.data if form.kind.data in known_kinds else None,
        member_state_id=form.state.data,
        since=form.since.data if valid else None,
        until=form.until.data if valid else None,
    )
    page = services.entries(filters, requested_page(), str(get_timezone()))
    arguments = {
        key: value
        for key in ("actor", "kind", "state", "since", "until")
        if (value := request.args.get(key))
    }
    return render_template(
        "audit/audit_log.html",
        form=form,
        page=page,
        arguments=arguments,
        kind_label=services.kind_label,
    )
