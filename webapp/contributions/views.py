"""Contributions pages: finance staff record donors, pledges, receipts, in-kind gifts,
rates and reversals; finance, organizers and admins read the report."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.contributions import (
    donors,
    exports,
    ledger,
    pledges,
    receipts,
    report_cache,
    reports,
)
from webapp.contributions.donor_cache import contact_fields, donor_page
from webapp.contributions.forms import (
    ContactForm,
    DonorForm,
    InKindForm,
    PledgeForm,
    ReceiptForm,
    ReversalForm,
    earmark_of,
)
from webapp.contributions.models import (
    DONOR_KIND_LABELS,
    MEMBER_STATE,
    ORGANIZATION,
    OTHER,
    PERMANENT_OBSERVER,
    Pledge,
)
from webapp.contributions.queries import earmark_name
from webapp.core.access import ADMIN, FINANCE, ORGANIZER, allow
from webapp.core.forms import saving
from webapp.core.i18n import day
from webapp.core.paging import requested_page
from webapp.core.timezones import utcnow
from webapp.core.views import download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
bp = Blueprint("contributions", __name__, url_prefix="/contributions", template_folder="templates")
READERS = (FINANCE, ORGANIZER, ADMIN)


def _today() -> date:
    return utcnow().date()


def _donor_choices() -> list[tuple[int, str]]:
    return [(d.id, d.display_name) for d in donors.all_donors()]


def _pledge_label(pledge: Pledge) -> str:
    return f"{pledge.donor.display_name} · {pledge.money} · {day(pledge.pledged_on)}" + (
        f" · {pledge.instrument}" if pledge.instrument else ""
    )


# --- the report ----------------------------------------------------------------------


@bp.get("/")
@allow(*READERS)
def report() -> str:
    pages = {name: requested_page(name) for name in report_cache.PAGED}
    return render_template("contributions/report.html", body=report_cache.body(_today(), pages))


@bp.get("/chart.svg")
@allow(*READERS)
def chart() -> Response:
    return Response(report_cache.chart(reports.build(_today())), mimetype="image/svg+xml")


@bp.get("/report.csv")
@allow(*READERS)
def report_csv() -> Response:
    text = exports.as_csv(reports.build(_today()), earmark_name)
    return download(text, "text/csv", "contributions.csv")


@bp.get("/report.xlsx")
@allow(*READERS)
def report_xlsx() -> Response:
    data = exports.as_xlsx(reports.build(_today()), earmark_name)
    return download(data, XLSX, "contributions.xlsx")


# --- donors --------------------------------------------------------------------------


@bp.get("/donors")
@allow(*READERS)
def donor_list() -> str:
    return render_template("contributions/donors.html", donors=donors.all_donors())


def _donor_options() -> list[tuple[str, str]]:
    groups = {
        MEMBER_STATE: "member_state",
        PERMANENT_OBSERVER: "permanent_observer",
        ORGANIZATION: "organization",
    }
    choices: dict[str, list[tuple[str, str]]] = {}
    for kind, prefix in groups.items():
        options = [(f"{prefix}:{pk}", name) for pk, name in donors.reference_choices(kind)]
        if options:
            choices[str(DONOR_KIND_LABELS[kind])] = options
    choices[str(DONOR_KIND_LABELS[OTHER])] = [(OTHER, _("Another donor (name below)"))]
    return choices


@bp.route("/donors/new", methods=["GET", "POST"])
@allow(FINANCE)
def new_donor() -> object:
    form = DonorForm()
    form.donor.choices = _donor_options()
    if form.validate_on_submit():
        kind, _sep, ref = form.donor.data.partition(":")
        with saving(form) as saved:
            donor = donors.create_donor(
                kind=kind,
                reference_id=int(ref) if ref.isdigit() else None,
                name=form.name.data or "",
                language=form.language.data,
                by=current_user,
            )
        if saved:
            flash(_("Donor recorded."), "success")
            return redirect(url_for("contributions.donor", donor_id=donor.id))
    return render_template("contributions/donor_form.html", form=form)


@bp.get("/donors/<int:donor_id>")
@allow(*READERS)
def donor(donor_id: int) -> str:
    return _donor_page(donor_id, ContactForm())


def _donor_page(donor_id: int, contact_form: ContactForm) -> str:
    page = donor_page(
        donor_id,
        receipts_page=requested_page(),
        pledges_page=requested_page("pledges"),
        today=_today(),
    )
    if page is None:
        abort(404)
    return render_template(
        "contributions/donor.html",
        page=page,
        contact_form=contact_form,
        contact_fields=contact_fields,
    )


@bp.post("/donors/<int:donor_id>/contacts")
@allow(FINANCE)
def add_contact(donor_id: int) -> object:
    found = donors.get_donor(donor_id) or abort(404)
    form = ContactForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            donors.add_contact(
                found,
                name=form.name.data,
                email=form.email.data,
                language=form.language.data,
                by=current_user,
            )
        if saved:
            flash(_("Contact person added."), "success")
            return redirect(url_for("contributions.donor", donor_id=found.id))
    return _donor_page(found.id, form), 400


# --- pledges, receipts, in-kind ------------------------------------------------------


def _requested_donor() -> int | None:
    value = request.args.get("donor", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@bp.route("/pledges/new", methods=["GET", "POST"])
@allow(FINANCE)
def new_pledge() -> object:
    form = PledgeForm(donor=_requested_donor())
    form.donor.choices = _donor_choices()
    if form.validate_on_submit():
        with saving(form) as saved:
            pledge = pledges.record_pledge(
                donor=donors.get_donor(form.donor.data),
                amount=form.amount.data,
                currency=form.currency.data,
                pledged_on=form.pledged_on.data,
                instrument=form.instrument.data or "",
                **earmark_of(form),
                instalments=pledges.parse_schedule(form.instalments.data),
                by=current_user,
            )
        if saved:
            flash(_("Pledge recorded."), "success")
            return redirect(url_for("contributions.donor", donor_id=pledge.donor_id))
    return render_template("contributions/pledge_form.html", form=form)


@bp.route("/receipts/new", methods=["GET", "POST"])
@allow(FINANCE)
def new_receipt() -> object:
    pledge_arg = request.args.get("pledge", "")
    form = ReceiptForm(
        donor=_requested_donor(),
        pledge=int(pledge_arg) if pledge_arg.isdigit() and len(pledge_arg) < 10 else 0,
    )
    form.donor.choices = _donor_choices()
    standing = pledges.open_pledges()
    form.pledge.choices = [(0, _("None"))] + [(p.id, _pledge_label(p)) for p in standing]
    form.instalment.choices = [(0, _("None"))] + [
        (i.id, f"{p.donor.display_name} · {day(i.due_on)} · {i.money}")
        for p in standing
        for i in p.instalments
    ]
    if form.validate_on_submit():
        with saving(form) as saved:
            receipt = receipts.record_receipt(
                donor=donors.get_donor(form.donor.data),
                pledge=pledges.get_pledge(form.pledge.data) if form.pledge.data else None,
                instalment=(
                    pledges.get_instalment(form.instalment.data) if form.instalment.data else None
                ),
                amount=form.amount.data,
                currency=form.currency.data,
                received_on=form.received_on.data,
                bank_reference=form.bank_reference.data or "",
                **earmark_of(form),
                by=current_user,
                now=utcnow(),
            )
        if saved:
            flash(
                _(
                    "Receipt recorded; acknowledgement letter %(number)s written.",
                    number=receipt.letter.reference,
                ),
                "success",
            )
            return redirect(url_for("contributions.donor", donor_id=receipt.donor_id))
    return render_template("contributions/receipt_form.html", form=form)


@bp.route("/in-kind/new", methods=["GET", "POST"])
@allow(FINANCE)
def new_in_kind() -> object:
    form = InKindForm(donor=_requested_donor())
    form.donor.choices = _donor_choices()
    if form.validate_on_submit():
        with saving(form) as saved:
            gift = receipts.record_in_kind(
                donor=donors.get_donor(form.donor.data),
                description=form.description.data,
                amount=form.amount.data,
                currency=form.currency.data,
                received_on=form.received_on.data,
                basis=form.basis.data,
                **earmark_of(form),
                by=current_user,
                now=utcnow(),
            )
        if saved:
            flash(
                _(
                    "In-kind contribution recorded; acknowledgement letter %(number)s written.",
                    number=gift.letter.reference,
                ),
                "success",
            )
            return redirect(url_for("contributions.donor", donor_id=gift.donor_id))
    return render_template("contributions/in_kind_form.html", form=form)


@bp.route("/<kind>/<int:entry_id>/reverse", methods=["GET", "POST"])
@allow(FINANCE)
def reverse(kind: str, entry_id: int) -> object:
    entry = ledger.find_entry(kind, entry_id) or abort(404)
    form = ReversalForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            ledger.reverse(entry, reason=form.reason.data, by=current_user, now=utcnow())
        if saved:
            flash(_("Entry reversed. Record the correct entry if there is one."), "success")
            return redirect(url_for("contributions.donor", donor_id=entry.donor_id))
    return render_template(
        "contributions/reverse.html",
        form=form,
        entry=entry,
        kind=kind,
        reversal=ledger.reversal_of(entry),
    )
