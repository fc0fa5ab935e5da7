"""Forms for the reference data: names in the four languages, codes, status and dates."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, Field, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from webapp.core.reference import (
    ACTIVE,
    MEMBERSHIP_STATUS_LABELS,
    ORGANIZATION_SCOPE_LABELS,
    MemberState,
    Organization,
    PermanentObserver,
)
from webapp.directory.models import Area
from webapp.reference import services

AREA_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _name_fields() -> tuple[StringField, ...]:
    """The four names, in English, Spanish, French and Portuguese, all required."""
    labels = (
        (_l("Name in English"), _l("Enter the name in English.")),
        (_l("Name in Spanish"), _l("Enter the name in Spanish.")),
        (_l("Name in French"), _l("Enter the name in French.")),
        (_l("Name in Portuguese"), _l("Enter the name in Portuguese.")),
    )
    return tuple(
        StringField(label, filters=[_strip], validators=[DataRequired(message), Length(max=200)])
        for label, message in labels
    )


def _choice_field(label: object, labels: dict[str, object]) -> SelectField:
    return SelectField(
        label,
        choices=[SelectChoice(value, text) for value, text in labels.items()],
        validators=[DataRequired()],
        invalid_choice_message=_l("Choose a value from the list."),
    )


class ReferenceForm(FlaskForm):
    """Knows which row it edits (`own_id`, None when adding) for the uniqueness checks."""

    def __init__(self, *args: Any, own_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.own_id = own_id

    @property
    def editable_fields(self) -> list[Field]:
        return [f for f in self if f.name != "csrf_token"]


class MemberStateForm(ReferenceForm):
    name_en, name_es, name_fr, name_pt = _name_fields()
    status = _choice_field(_l("Membership status"), MEMBERSHIP_STATUS_LABELS)
    status_since = DateField(
        _l("Status since"),
        validators=[Optional()],
        description=_l("The date the current status took effect."),
    )
    joined_on = DateField(
        _l("Member since"),
        validators=[Optional()],
        description=_l("The date the state deposited its ratification of the Charter."),
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        since, joined = self.status_since.data, self.joined_on.data
        if since is None and self.status.data not in (None, ACTIVE) and valid:
            self.status_since.errors.append(_l("Give the date this status took effect."))
            valid = False
        if since and joined and since < joined:
            self.status_since.errors.append(
                _l("The status cannot take effect before the state joined.")
            )
            valid = False
        return valid


class ObserverForm(ReferenceForm):
    code = StringField(
        _l("Code"),
        filters=[_upper],
        validators=[DataRequired(_l("Enter the code.")), Length(max=3)],
        description=_l("ISO 3166-1 alpha-2 code of the state, or EU for the European Union."),
    )
    name_en, name_es, name_fr, name_pt = _name_fields()
    is_active = BooleanField(lazy_pgettext("reference record", "Active"), default=True)

    def validate_code(self, field: StringField) -> None:
        if not services.is_observer_code(field.data):
            raise ValidationError(
                _l("Enter a two-letter ISO 3166-1 country code, or EU for the European Union.")
            )
        if services.is_taken(MemberState, "code", field.data):
            raise ValidationError(_l("This code belongs to a member state."))
        if services.is_taken(PermanentObserver, "code", field.data, self.own_id):
            raise ValidationError(_l("Another permanent observer already has this code."))


class OrganizationForm(ReferenceForm):
    acronym = StringField(
        _l("Acronym"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the acronym.")), Length(max=30)],
    )
    name_en, name_es, name_fr, name_pt = _name_fields()
    scope = _choice_field(_l("Scope"), ORGANIZATION_SCOPE_LABELS)
    is_active = BooleanField(lazy_pgettext("reference record", "Active"), default=True)

    def validate_acronym(self, field: StringField) -> None:
        if services.is_taken(Organization, "acronym", field.data, self.own_id):
            raise ValidationError(_l("Another organization already has this acronym."))


class AreaForm(ReferenceForm):
    code = StringField(
        _l("Code"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter the code.")), Length(max=40)],
        description=_l("Lowercase letters, digits and underscores, e.g. maritime_security."),
    )
    name_en, name_es, name_fr, name_pt = _name_fields()
    position = IntegerField(
        _l("Position in lists"),
        default=100,
        validators=[
            DataRequired(_l("Enter a whole number.")),
            NumberRange(min=1, max=10000),
        ],
    )
    is_active = BooleanField(lazy_pgettext("reference record", "Active"), default=True)

    def validate_code(self, field: StringField) -> None:
        if not AREA_CODE.match(field.data):
            raise ValidationError(
                _l("Use lowercase letters, digits and underscores, starting with a letter.")
            )
        if services.is_taken(Area, "code", field.data, self.own_id):
            raise ValidationError(_l("Another area already has this code."))
