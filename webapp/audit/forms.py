from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional


def _optional_int(value: object) -> int | None:
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


class AuditFilterForm(FlaskForm):
    """The audit page's filters, read from the query string."""

    class Meta:
        csrf = False

    actor = SelectField(_l("Person"), coerce=_optional_int, validate_choice=False)
    kind = SelectField(_l("Kind of record"), validate_choice=False)
    state = SelectField(_l("Member state"), coerce=_optional_int, validate_choice=False)
    since = DateField(_l("Since"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
