"""Sign-in, sign-out, the user's own settings, and the admin's list of users."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from webapp.accounts import services
from webapp.accounts.forms import LoginForm, ProfileForm
from webapp.accounts.models import User
from webapp.core.access import ADMIN, PUBLIC, SIGNED_IN, allow
from webapp.core.views import safe_next
from webapp.extensions import db

bp = Blueprint("accounts", __name__, template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
def login() -> object:
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        if services.is_rate_limited(form.email.data, address):
            form.email.errors.append(
                _("Too many failed attempts. Please wait a few minutes and try again.")
            )
            return render_template("accounts/login.html", form=form), 429
        user = services.authenticate(form.email.data, form.password.data, address)
        db.session.commit()
        if user is not None:
            login_user(user)
            return redirect(safe_next(form.next.data, url_for("core.home")))
        form.password.errors.append(_("The email or password is not correct."))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@allow(PUBLIC)
def logout() -> object:
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET", "POST"])
@allow(SIGNED_IN)
def profile() -> object:
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        form.populate_obj(current_user)
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.get("/admin/users")
@allow(ADMIN)
def users() -> str:
    people = db.session.scalars(sa.select(User).order_by(User.email))
    return render_template("accounts/users.html", users=people)
