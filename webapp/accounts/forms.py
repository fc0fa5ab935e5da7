from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.accounts.models import ROLE_LABELS
from webapp.core.access import ROLES
from webapp.core.forms import TimeZoneField
from webapp.core.i18n import LANGUAGE_NAMES

LANGUAGE_CHOICES = [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]
NEW_PASSWORD = {"autocomplete": "new-password"}
PASSWORD_HELP = _l("At least 12 characters. A few unrelated words make a good password.")


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def role_choices(roles: tuple[str, ...] = ROLES) -> list[SelectChoice]:
    return [SelectChoice(role, ROLE_LABELS[role]) for role in roles]


class LoginForm(FlaskForm):
    # Only looked up, never stored: no syntax check, so no valid account is ever locked out.
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=320)],
        filters=[strip],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField(validators=[Optional()])


class ProfileForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    timezone = TimeZoneField(
        _l("Time zone"),
        validators=[DataRequired()],
        description=_l("Times are shown in this zone."),
    )


class NewPasswordForm(FlaskForm):
    """Choosing a password: from an invitation or a reset link."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=1000)],
        description=PASSWORD_HELP,
        render_kw=NEW_PASSWORD,
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw=NEW_PASSWORD,
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordResetRequestForm(FlaskForm):
    # Looked up only; the answer is the same whether or not the account exists.
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=320)],
        filters=[strip],
        render_kw={"autocomplete": "username"},
    )


class InvitationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(), Length(max=320)], filters=[strip]
    )
    language = SelectField(
        _l("Language"),
        choices=LANGUAGE_CHOICES,
        description=_l("The invitation is written in this language."),
    )
    roles = CheckboxesField(_l("Roles"), choices=role_choices())
    member_states = SelectMultipleField(
        _l("Member states"),
        coerce=int,
        choices=[],
        description=_l("For focal points: the member states they speak for."),
    )


class UserForm(FlaskForm):
    """What an administrator changes on an account."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    roles = CheckboxesField(_l("Roles"), choices=role_choices())
    member_states = SelectMultipleField(
        _l("Member states"),
        coerce=int,
        choices=[],
        description=_l("For focal points: the member states they speak for."),
    )
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    timezone = TimeZoneField(_l("Time zone"), validators=[DataRequired()])
