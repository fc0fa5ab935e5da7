"""Sign-in and sign-out, invitations, password resets, the user's own settings, and the
administrator's pages for accounts."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from webapp.accounts import invitations, resets, sessions, signin
from webapp.accounts.errors import AccountError, LinkError
from webapp.accounts.forms import (
    ChangePasswordForm,
    InvitationForm,
    LoginForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    ProfileForm,
    UserForm,
    role_choices,
)
from webapp.accounts.models import ROLE_LABELS, User
from webapp.accounts.users import activate, deactivate, list_users, update_user
from webapp.core import reference
from webapp.core.access import (
    ADMIN,
    FOCAL_POINT,
    ORGANIZER,
    PARTICIPANT,
    PUBLIC,
    ROLES,
    SIGNED_IN,
    allow,
)
from webapp.core.forms import ActionForm, saving, show_error
from webapp.core.i18n import SESSION_LANGUAGE, show_page_as
from webapp.core.paging import requested_page
from webapp.core.timezones import utcnow, zone_or_default
from webapp.core.views import safe_next
from webapp.extensions import db

bp = Blueprint("accounts", __name__, template_folder="templates")


def _address() -> str:
    return request.remote_addr or "unknown"


def _state_choices(current: list | None = None) -> list[SelectChoice]:
    """Member states to pick from, plus any the account is already tied to."""
    states = {s.id: s for s in reference.member_states()}
    states.update({s.id: s for s in current or []})
    ordered = sorted(states.values(), key=lambda s: s.name)
    return [SelectChoice(s.id, f"{s.name} ({s.code})") for s in ordered]


# --- signing in and out --------------------------------------------------------------

# Flask-Login's own key in the cookie: for us, the server-side session's key.
SESSION_KEY = "_user_id"


def _sign_in(user: User) -> None:
    """Start a server-side session for `user` in this browser. Whatever the cookie held
    before (an earlier session, the CSRF token) is dropped, except the chosen language."""
    sessions.end_key(session.get(SESSION_KEY))
    sessions.start(user, user_agent=request.user_agent.string, address=_address(), now=utcnow())
    db.session.commit()
    language = session.get(SESSION_LANGUAGE)
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF's per-request copy: a new token from now on
    if language:
        session[SESSION_LANGUAGE] = language
    login_user(user)


def _sign_out() -> None:
    """End this browser's server-side session: a copy of the cookie opens nothing now."""
    sessions.end_key(session.get(SESSION_KEY))
    db.session.commit()
    logout_user()
    session.pop("csrf_token", None)


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
def login() -> object:
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        if signin.is_rate_limited(form.email.data, _address()):
            form.email.errors.append(
                _("Too many failed attempts. Please wait a few minutes and try again.")
            )
            return render_template("accounts/login.html", form=form), 429
        user = signin.authenticate(form.email.data, form.password.data, _address())
        db.session.commit()
        if user is not None:
            _sign_in(user)
            return redirect(safe_next(form.next.data, url_for("core.home")))
        form.password.errors.append(_("The email or password is not correct."))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@allow(PUBLIC)
def logout() -> object:
    _sign_out()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


# --- invitations and password resets (signed links) ----------------------------------


def _link_problem(kind: str, error: LinkError) -> tuple[str, int]:
    if error.user is not None:
        show_page_as(error.user.language, error.user.timezone)
    return render_template("accounts/link_problem.html", kind=kind, reason=error.reason), 400


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def accept_invitation(token: str) -> object:
    try:
        invitee = invitations.user_from_invitation(token)
    except LinkError as error:
        return _link_problem("invitation", error)
    show_page_as(invitee.language, invitee.timezone)  # the invitation's language
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(token, form.password.data)
        except AccountError as error:
            show_error(form, error)
        except LinkError as error:
            return _link_problem("invitation", error)
        else:
            db.session.commit()
            _sign_in(user)
            flash(_("Welcome to Puerto. Your account is ready."), "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/accept_invitation.html", form=form, invitee=invitee)


@bp.route("/password/reset", methods=["GET", "POST"])
@allow(PUBLIC)
def request_password_reset() -> object:
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        resets.request_password_reset(form.email.data, _current_language())
        db.session.commit()
        return render_template("accounts/password_reset_sent.html")
    return render_template("accounts/password_reset_request.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def reset_password(token: str) -> object:
    try:
        person = resets.user_from_reset(token)
    except LinkError as error:
        return _link_problem("reset", error)
    show_page_as(person.language, person.timezone)  # the reset email's language
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = resets.reset_password(token, form.password.data)
        except AccountError as error:
            show_error(form, error)
        except LinkError as error:
            return _link_problem("reset", error)
        else:
            db.session.commit()
            _sign_in(user)
            flash(_("Your new password is set."), "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/reset_password.html", form=form, person=person)


# --- the user's own account ----------------------------------------------------------


@bp.route("/account", methods=["GET", "POST"])
@allow(SIGNED_IN)
def profile() -> object:
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.language.data = current_user.language or _current_language()
        form.timezone.data = zone_or_default(current_user.timezone)
    if form.validate_on_submit():
        form.populate_obj(current_user)
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, action_form=ActionForm())


def _current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


@bp.route("/account/password", methods=["GET", "POST"])
@allow(SIGNED_IN)
def change_password() -> object:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            signin.change_password(
                user, form.current_password.data, form.password.data, _address()
            )
        except AccountError as error:
            db.session.commit()  # a wrong current password counts towards the limit
            show_error(form, error)
        else:
            db.session.commit()
            _sign_in(user)  # every session ended with the old password; this one goes on
            flash(_("Your password is changed. Other sessions are signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


@bp.post("/account/sign-out-everywhere")
@allow(SIGNED_IN)
def sign_out_everywhere() -> object:
    form = ActionForm()
    if form.validate_on_submit():
        sessions.sign_out_everywhere(current_user._get_current_object())
        _sign_out()
        flash(_("You are signed out on every device."), "info")
        return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.profile"))


@bp.get("/account/sessions")
@allow(SIGNED_IN)
def own_sessions() -> str:
    key = session.get(SESSION_KEY)
    rows = sessions.active(current_user._get_current_object())
    return render_template(
        "accounts/sessions.html",
        rows=[(row, sessions.is_current(row, key)) for row in rows],
        action_form=ActionForm(),
    )


@bp.post("/account/sessions/<int:session_id>/end")
@allow(SIGNED_IN)
def end_session(session_id: int) -> object:
    form = ActionForm()
    if form.validate_on_submit():
        if sessions.end(current_user._get_current_object(), session_id):
            db.session.commit()
            flash(_("The session is ended."), "success")
        else:
            flash(_("That session has already ended."), "info")
    return redirect(url_for("accounts.own_sessions"))


# --- administration ------------------------------------------------------------------


@bp.route("/invite", methods=["GET", "POST"])
@allow(ADMIN, ORGANIZER)
def invite() -> object:
    inviter = current_user._get_current_object()
    allowed = invitations.invitable_roles(inviter)
    form = InvitationForm()
    form.roles.choices = role_choices(allowed)
    form.member_states.choices = _state_choices()
    if request.method == "GET":
        form.language.data = _current_language()
        if allowed == (PARTICIPANT,):
            form.roles.data = list(allowed)
    if form.validate_on_submit():
        with saving(form) as saved:
            user = invitations.invite(
                inviter,
                name=form.name.data,
                email=form.email.data,
                language=form.language.data,
                roles=form.roles.data,
                member_state_ids=form.member_states.data or [],
            )
        if saved:
            flash(_("An invitation was sent to %(email)s.", email=user.email), "success")
            if inviter.has_role(ADMIN):
                return redirect(url_for("accounts.edit_user", user_id=user.id))
            return redirect(url_for("accounts.invite"))
    return render_template("accounts/invite.html", form=form, states_apply=FOCAL_POINT in allowed)


@bp.get("/admin/users")
@allow(ADMIN)
def users() -> str:
    search = request.args.get("q", "").strip()
    role = request.args.get("role") if request.args.get("role") in ROLES else None
    page = list_users(search, role, requested_page())
    return render_template(
        "accounts/users.html", page=page, search=search, role=role, roles=ROLE_LABELS
    )


def _get_user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@allow(ADMIN)
def edit_user(user_id: int) -> object:
    user = _get_user(user_id)
    form = UserForm(obj=user)
    form.member_states.choices = _state_choices(user.member_states)
    if request.method == "GET":
        form.roles.data = sorted(user.role_names)
        form.member_states.data = sorted(user.member_state_ids)
        form.language.data = user.language or "en"
        form.timezone.data = zone_or_default(user.timezone)
    if form.validate_on_submit():
        with saving(form) as saved:
            update_user(
                current_user._get_current_object(),
                user,
                name=form.name.data,
                roles=form.roles.data or [],
                member_state_ids=form.member_states.data or [],
                language=form.language.data,
                timezone=form.timezone.data,
            )
        if saved:
            flash(_("The account of %(email)s is saved.", email=user.email), "success")
            return redirect(url_for("accounts.edit_user", user_id=user.id))
    return render_template(
        "accounts/edit_user.html", form=form, person=user, action_form=ActionForm()
    )


def _account_action(
    user_id: int,
    act: Callable[[User, User], None],
    done: Callable[[str], str],
) -> object:
    user = _get_user(user_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            act(current_user._get_current_object(), user)
        except AccountError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(done(user.email), "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.post("/admin/users/<int:user_id>/deactivate")
@allow(ADMIN)
def deactivate_user(user_id: int) -> object:
    return _account_action(
        user_id,
        deactivate,
        lambda email: _("%(email)s is deactivated and signed out.", email=email),
    )


@bp.post("/admin/users/<int:user_id>/activate")
@allow(ADMIN)
def activate_user(user_id: int) -> object:
    return _account_action(
        user_id, activate, lambda email: _("%(email)s is active again.", email=email)
    )


@bp.post("/admin/users/<int:user_id>/invitation")
@allow(ADMIN)
def resend_invitation(user_id: int) -> object:
    return _account_action(
        user_id,
        invitations.resend_invitation,
        lambda email: _("A new invitation was sent to %(email)s.", email=email),
    )
