"""Forms of the directory: entries, agencies, areas, search filters, snapshot, import."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext, ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from webapp.core.i18n import viewer_language
from webapp.core.widgets import OptionsOnceField
from webapp.directory import standing
from webapp.directory.entries import ContactData
from webapp.directory.fields import format_phone, language_choices
from webapp.directory.labels import DESIGNATION_LABELS, KIND_LABELS, VISIBILITY_LABELS
from webapp.directory.models import (
    AGENCY_KINDS,
    CONFIRMED,
    CORRECTED,
    DESIGNATIONS,
    VISIBILITIES,
)


def _kind_choices() -> list[tuple[str, Any]]:
    return [(k, KIND_LABELS[k]) for k in AGENCY_KINDS]


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    # Choices and membership are checked by the service, with a clear message.
    agency_id = SelectField(_l("Agency"), coerce=int, validate_choice=False)
    areas = SelectMultipleField(_l("Areas"), coerce=int, validate_choice=False)
    languages = SelectMultipleField(_l("Languages spoken"), validate_choice=False)
    email = StringField(_l("Email"), validators=[DataRequired(), Length(max=320)])
    phones = TextAreaField(
        _l("Phones"),
        validators=[Optional(), Length(max=1000)],
        description=_l(
            "One per line, with the country code (+52 55 1234 5678) or as dialled in the country."
        ),
    )
    designation = RadioField(_l("Primary or alternate"), default="primary")
    source_reference = StringField(
        _l("Note verbale reference"), validators=[Optional(), Length(max=200)]
    )
    source_date = DateField(_l("Note verbale date"), validators=[Optional()])
    visibility = RadioField(_l("Who may see this entry"), default="member_states")

    def __init__(self, *args: Any, agencies: list[Any], areas: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency_id.choices = [(0, _l("Choose an agency"))] + [
            (a.id, f"{a.name} ({a.acronym})" if a.acronym else a.name) for a in agencies
        ]
        self.areas.choices = [(a.id, a.name) for a in areas]
        self.languages.choices = language_choices(viewer_language())
        self.designation.choices = [(d, DESIGNATION_LABELS[d]) for d in DESIGNATIONS]
        self.visibility.choices = [(v, VISIBILITY_LABELS[v]) for v in VISIBILITIES]

    def fill_from(self, contact: Any) -> None:
        """Show an entry's current values (on GET)."""
        self.name.data = contact.name
        self.title.data = contact.title
        self.agency_id.data = contact.agency_id
        self.areas.data = [a.id for a in contact.areas]
        self.languages.data = contact.language_list
        self.email.data = contact.email
        self.phones.data = "\n".join(format_phone(p) for p in contact.phone_list)
        self.designation.data = contact.designation
        self.source_reference.data = contact.source_reference
        self.source_date.data = contact.source_date
        self.visibility.data = contact.visibility

    def data_for_service(self) -> ContactData:
        return ContactData(
            name=self.name.data or "",
            title=self.title.data or "",
            agency_id=self.agency_id.data or None,
            email=self.email.data or "",
            phones=self.phones.data or "",
            languages=list(self.languages.data or []),
            area_ids=list(self.areas.data or []),
            designation=self.designation.data or "",
            source_reference=self.source_reference.data or "",
            source_date=self.source_date.data,
            visibility=self.visibility.data or "",
        )


class AgencyForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    acronym = StringField(_l("Acronym"), validators=[Optional(), Length(max=40)])
    kind = SelectField(_l("Kind"), choices=_kind_choices, validators=[InputRequired()])


class SearchForm(FlaskForm):
    """The search page's filters, read from the query string."""

    class Meta:
        csrf = False

    # Hundreds of options, the same on every request in a language: rendered once.
    state = OptionsOnceField(_l("Member state"), validators=[Optional()])
    kind = OptionsOnceField(_l("Kind of agency"), validators=[Optional()])
    area = OptionsOnceField(_l("Area"), validators=[Optional()])
    language = OptionsOnceField(_l("Language"), validators=[Optional()])
    q = SearchField(_l("Name, title or agency"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args: Any, states: list[Any], areas: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = ("", lazy_pgettext("search filter", "Any"))
        language = viewer_language()  # once, not once per state and area
        self.state.choices = [anything] + [(s.code, s.name_in(language)) for s in states]
        self.kind.choices = [anything, *_kind_choices()]
        self.area.choices = [anything] + [(a.code, a.name_in(language)) for a in areas]
        self.language.choices = [anything, *language_choices(language)]


class SnapshotForm(SearchForm):
    day = DateField(_l("As of"), validators=[Optional()])


class RevertForm(FlaskForm):
    entry_id = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(message=_l("Choose a CSV file to import."))],
    )


# --- the refresh cycle ------------------------------------------------------------------


class AnswerForm(FlaskForm):
    """The review page's two buttons both submit `answer`."""

    answer = StringField(
        validators=[
            InputRequired(message=_l("Choose an answer.")),
            AnyOf((CONFIRMED, CORRECTED), message=_l("Choose an answer.")),
        ]
    )


class DaysField(IntegerField):
    """A whole number of days; a word or a fraction gets a message people understand."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_("Enter a whole number of days from 1 to 3650.")) from exc


class PeriodForm(FlaskForm):
    state = SelectField(
        _l("Member state"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose a member state."))],
    )
    days = DaysField(
        _l("Verification period (days)"),
        validators=[
            Optional(),
            NumberRange(
                min=standing.MIN_VERIFICATION_DAYS,
                max=standing.MAX_VERIFICATION_DAYS,
                message=_l("Enter a whole number of days from 1 to 3650."),
            ),
        ],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.days.description = ngettext(
            "Leave empty to use the default of %(num)d day.",
            "Leave empty to use the default of %(num)d days.",
            standing.default_verification_days(),
        )
