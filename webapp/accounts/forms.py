from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from webapp.core.forms import TimeZoneField


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    next = HiddenField(validators=[Optional()])


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(
        _l("Language"),
        choices=[("en", "English"), ("es", "Español"), ("fr", "Français"), ("pt", "Português")],
    )
    timezone = TimeZoneField(_l("Time zone"), validators=[DataRequired()])
