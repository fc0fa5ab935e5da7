"""Form pieces several parts share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired, Optional, ValidationError

from webapp.core import errors
from webapp.core.i18n import LANGUAGE_NAMES
from webapp.core.timezones import is_valid_zone, zone_choices
from webapp.core.widgets import GroupedOptionsOnce
from webapp.extensions import db


def show_error(form: FlaskForm, error: errors.RuleError) -> None:
    """Put a service's refusal next to its field, or at the top of the form (every one,
    when the service validated the record as a whole)."""
    for each in error.errors:
        target = getattr(form, each.field, None) if each.field else None
        if target is not None:
            target.errors = [*target.errors, each.message]
        else:
            form.form_errors.append(each.message)


class Saved:
    """What `saving` answers: true once the change is committed."""

    done = False

    def __bool__(self) -> bool:
        return self.done


@contextmanager
def saving(form: FlaskForm) -> Iterator[Saved]:
    """Run a service's change for a submitted form: commit it, or, when the service
    refuses, roll it back and show the refusal on the form (a `NotAllowed` goes on to
    the 403 page). The view reads the answer:

        with saving(form) as saved:
            entry = entries.create_contact(...)
        if saved:
            flash(...)
            return redirect(...)
    """
    saved = Saved()
    try:
        yield saved
    except errors.NotAllowed:
        raise
    except errors.RuleError as error:
        db.session.rollback()
        show_error(form, error)
        return
    db.session.commit()
    saved.done = True


def form_status() -> int:
    """The status of a form page: 400 when it is shown again after a refused POST."""
    return 400 if request.method == "POST" else 200


class ActionForm(FlaskForm):
    """An empty form: a POST button with CSRF protection."""


def _zone_groups() -> dict[str, list[tuple[str, str]]]:
    """`zone_choices()` in two groups: the Americas first, then every other zone."""
    americas = [(z, z) for z in zone_choices() if z.startswith("America/")]
    others = [(z, z) for z in zone_choices() if not z.startswith("America/")]
    return {str(_l("The Americas")): americas, str(_l("Other zones")): others}


class TimeZoneField(SelectField):
    """A zone from the one list (`core.timezones.zone_choices`), nothing else; its
    options rendered once per language (`core.widgets`)."""

    widget = GroupedOptionsOnce()

    def __init__(self, label: object = None, **kwargs: object) -> None:
        super().__init__(label, choices=_zone_groups, **kwargs)

    def pre_validate(self, form: object) -> None:
        if self.data and not is_valid_zone(self.data):
            raise ValidationError(_l("Choose a time zone from the list."))


class LanguageForm(FlaskForm):
    language = SelectField(
        choices=LANGUAGE_NAMES,
        validators=[DataRequired()],
    )
    next = HiddenField(validators=[Optional()])
