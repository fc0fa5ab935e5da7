"""Contributions pages for what values the ledger: exchange rates (finance staff) and the
budgets of earmarked activities (organizers). Routes on the contributions blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from webapp.contributions import budgets, rates
from webapp.contributions.forms import BudgetForm, RateForm, RateImportForm, earmark_of
from webapp.contributions.views import bp
from webapp.core.access import FINANCE, ORGANIZER, allow
from webapp.core.forms import saving


@bp.route("/rates", methods=["GET", "POST"])
@allow(FINANCE)
def rate_list() -> object:
    form = RateForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            rates.set_rate(
                currency=form.currency.data,
                on=form.on.data,
                rate=form.rate.data,
                source=form.source.data,
                by=current_user,
            )
        if saved:
            flash(_("Rate recorded."), "success")
            return redirect(url_for("contributions.rate_list"))
    return render_template(
        "contributions/rates.html",
        form=form,
        import_form=RateImportForm(),
        rates=rates.recent_rates(),
    )


@bp.post("/rates/import")
@allow(FINANCE)
def import_rates() -> object:
    form = RateImportForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            added = rates.import_rates(
                form.file.data.read(2_000_001)[:2_000_000],
                source=form.source.data,
                by=current_user,
            )
        if saved:
            flash(ngettext("%(num)d rate imported.", "%(num)d rates imported.", added), "success")
            return redirect(url_for("contributions.rate_list"))
    return render_template(
        "contributions/rates.html", form=RateForm(), import_form=form, rates=rates.recent_rates()
    ), 400


@bp.route("/budgets", methods=["GET", "POST"])
@allow(ORGANIZER)
def set_budget() -> object:
    form = BudgetForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            budgets.set_budget(
                **earmark_of(form),
                amount=form.amount.data,
                by=current_user,
            )
        if saved:
            flash(_("Budget set."), "success")
            return redirect(url_for("contributions.report") + "#funding")
    return render_template("contributions/budget_form.html", form=form)
