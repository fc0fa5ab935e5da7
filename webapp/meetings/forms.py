"""Forms of the meetings pages. They parse; the services decide."""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from webapp.core.forms import TimeZoneField
from webapp.core.i18n import LANGUAGE_NAMES, datetime_pattern
from webapp.core.timezones import zone_choices
from webapp.core.widgets import OptionsOnce, OptionsOnceField
from webapp.meetings.models import ROLE_LABELS, SCOPE_LABELS, STATUS_LABELS

REPEAT_LABELS = {
    "once": _l("Once"),
    "yearly": _l("Every year"),
    "semiannual": _l("Every six months"),
    "quarterly": _l("Every three months"),
    "monthly": _l("Every month"),
    "weekly": _l("Every week"),
    "custom": _l("Custom rule (RRULE)"),
}
FOLD_LABELS = {"": _l("Not needed"), "0": _l("The first"), "1": _l("The second")}
WHEN_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def choices(pairs: object) -> list[SelectChoice]:
    """A mapping or (value, label) pairs as the choices WTForms wants."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]


def _languages() -> list[SelectChoice]:
    return choices(LANGUAGE_NAMES)


def _none_and(rows: list, label: object = None) -> list[SelectChoice]:
    return [SelectChoice(0, "—")] + [
        SelectChoice(row.id, label(row) if label else row.name) for row in rows
    ]


class _OwnZones(OptionsOnce):
    """`OptionsOnce` marking the chosen zone as the grouped zone list (and WTForms) do."""

    def __call__(self, field: object, **kwargs: object) -> Markup:
        html = str(super().__call__(field, **kwargs))
        if field.data is not None:
            value = escape(field.data)
            html = html.replace(
                f'<option value="{value}" selected>', f'<option selected value="{value}">', 1
            )
        return Markup(html)


def _texts(rows: list, label: object = None) -> list[tuple[str, str]]:
    """`_none_and` as (text, text) pairs, for `OptionsOnce`."""
    return [("0", "—")] + [(str(row.id), str(label(row) if label else row.name)) for row in rows]


class WhenFields(FlaskForm):
    starts = DateTimeLocalField(_l("Starts"), format=WHEN_FORMAT, validators=[InputRequired()])
    ends = DateTimeLocalField(_l("Ends"), format=WHEN_FORMAT, validators=[InputRequired()])
    zone = TimeZoneField(_l("Time zone of the venue"), validators=[InputRequired()])
    fold = RadioField(
        _l("If this time happens twice"),
        choices=choices(FOLD_LABELS),
        default="",
        validate_choice=False,
    )

    @property
    def fold_value(self) -> int | None:
        return int(self.fold.data) if self.fold.data in ("0", "1") else None


class RepeatFields(FlaskForm):
    repeat = SelectField(_l("Repeats"), choices=choices(REPEAT_LABELS), default="once")
    count = IntegerField(
        _l("Number of meetings"), validators=[Optional(), NumberRange(min=1, max=60)]
    )
    until = DateField(_l("Last date"), validators=[Optional()])
    rule = StringField(
        _l("Custom rule"),
        validators=[Optional(), Length(max=300)],
        description=_l("For example FREQ=MONTHLY;INTERVAL=3;BYDAY=1TU;COUNT=4"),
    )


class VenueFields(FlaskForm):
    venue_address = StringField(_l("Venue address"), validators=[Optional(), Length(max=500)])
    # Ids as text, drawn once per list of states by `OptionsOnce` (and checked against
    # it): `views._venue` reads the row.
    host_state = OptionsOnceField(_l("Host state"), default="0")
    online_url = StringField(_l("Online link"), validators=[Optional(), Length(max=500)])
    languages = SelectMultipleField(_l("Working languages"), validate_choice=False)
    reminders = StringField(
        _l("Reminders (days before)"),
        validators=[Optional(), Length(max=60)],
        description=_l("Leave empty for 14 and 1 days."),
    )


class AboutFields(FlaskForm):
    """What a series is about: the fields a new series and its edit page share."""

    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    scope = SelectField(_l("Scope"), choices=choices(SCOPE_LABELS), default="regional")
    is_public = BooleanField(_l("Public meeting"))
    states = SelectMultipleField(_l("Member states concerned"), coerce=int, validate_choice=False)
    topics = SelectMultipleField(_l("Topics"), coerce=int, validate_choice=False)

    def __init__(self, *args: object, states: list, areas: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.states.choices = choices((s.id, s.name) for s in states)
        self.topics.choices = choices((a.id, a.name) for a in areas)


class SeriesForm(WhenFields, RepeatFields, VenueFields, AboutFields):
    def __init__(self, *args: object, states: list, areas: list, **kwargs: object) -> None:
        super().__init__(*args, states=states, areas=areas, **kwargs)
        self.host_state.choices = _texts(states)
        self.languages.choices = _languages()


class SeriesDetailsForm(AboutFields):
    reminders = StringField(
        _l("Reminders (days before)"),
        validators=[Optional(), Length(max=60)],
        description=_l("Leave empty for 14 and 1 days."),
    )


class RuleForm(WhenFields, RepeatFields):
    """A new rule from a date on."""


class OccurrenceForm(WhenFields, VenueFields):
    title = StringField(_l("Title of this meeting"), validators=[Optional(), Length(max=300)])
    # Drawn once per language by `OptionsOnce` (its choices are set in `__init__`).
    status = OptionsOnceField(_l("Status"))
    overlap_reason = TextAreaField(
        _l("Why this meeting goes ahead despite the overlap"),
        validators=[Optional(), Length(max=2000)],
    )

    def __init__(self, *args: object, states: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = list(STATUS_LABELS.items())
        self.host_state.choices = _texts(states)
        self.languages.choices = _languages()


class GuestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=320)])
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS), default="delegate")
    state = SelectField(_l("Member state"), coerce=int, validate_choice=False, default=0)
    language = SelectField(_l("Language"), validate_choice=False, default="", widget=OptionsOnce())
    # Its own list, "—" first: drawn once per list, as the grouped one is.
    timezone = TimeZoneField(_l("Time zone"), validators=[Optional()], widget=_OwnZones())
    # 0: every meeting of the series; else the id of the one meeting they are invited to.
    occurrence = SelectField(_l("Invited to"), coerce=int, validate_choice=False, default=0)

    def __init__(
        self, *args: object, states: list, occurrences: list = (), **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.occurrence.choices = [
            SelectChoice(0, _l("Every meeting of the series")),
            *(SelectChoice(o.id, f"{format_datetime(o.starts_at, datetime_pattern())} — {o.title}")
              for o in occurrences),
        ]  # fmt: skip
        self.state.choices = _none_and(states)
        self.language.choices = [("", "—"), *((c, str(n)) for c, n in LANGUAGE_NAMES.items())]
        self.timezone.choices = [("", "—"), *((z, z) for z in zone_choices())]


class ContactFilterForm(FlaskForm):
    """Narrows the directory entries offered (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    # Ids as text, read by the view itself: the options (hundreds of agencies) are drawn
    # once per list by `OptionsOnce`.
    state = OptionsOnceField(_l("Member state"), validate_choice=False, default="0")
    area = OptionsOnceField(_l("Area"), validate_choice=False, default="0")
    agency = OptionsOnceField(_l("Agency"), validate_choice=False, default="0")

    def __init__(
        self,
        *args: object,
        states: list,
        areas: list,
        agencies: list[tuple[int, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.state.choices = _texts(states)
        self.area.choices = _texts(areas)
        self.agency.choices = [("0", "—"), *((str(i), label) for i, label in agencies)]


class ContactsForm(FlaskForm):
    contacts = SelectMultipleField(
        _l("People from the directory"),
        coerce=int,
        validate_choice=False,
    )
    everyone = BooleanField(_l("Add everyone listed, on every page"))
    # The filter the list was made with, so that "everyone" means the people listed.
    state = HiddenField(default="0")
    area = HiddenField(default="0")
    agency = HiddenField(default="0")
    page = HiddenField(default="1")  # shown again on this page when refused
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS), default="delegate")

    def __init__(self, *args: object, contacts: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.contacts.choices = [
            (c.id, f"{c.name} — {c.agency_name} ({c.state_code})") for c in contacts
        ]

    def contact_items(self) -> Markup:
        """The checkboxes of the people listed, as `_forms.choice_list` draws them, without
        an object per choice; those chosen are ticked."""
        chosen = set(self.contacts.data or ())
        name = escape(self.contacts.name)
        return Markup(
            "".join(
                f'<li><label><input type="checkbox" name="{name}" value="{value}"'
                f"{' checked' if value in chosen else ''}> {escape(label)}</label></li>"
                for value, label in self.contacts.choices
            )
        )


class ParticipantForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS))
    language = SelectField(_l("Language"), validate_choice=False)
    timezone = TimeZoneField(_l("Time zone"), validators=[InputRequired()])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = _languages()


class AnswerForm(FlaskForm):
    answer = HiddenField(validators=[InputRequired()])
    email = EmailField(_l("Your colleague's email"), validators=[Optional(), Length(max=320)])
    name = StringField(_l("Your colleague's name"), validators=[Optional(), Length(max=200)])


class ActivityForm(FlaskForm):
    organization = SelectField(_l("Organization"), coerce=int, validate_choice=False, default=0)
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=300)])
    starts_on = DateField(_l("From"), validators=[InputRequired()])
    ends_on = DateField(_l("To"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    topics = SelectMultipleField(_l("Topics"), coerce=int, validate_choice=False)
    states = SelectMultipleField(_l("Member states concerned"), coerce=int, validate_choice=False)

    def __init__(
        self, *args: object, organizations: list, states: list, areas: list, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organization.choices = _none_and(organizations, lambda o: f"{o.acronym} — {o.name}")
        self.states.choices = choices((s.id, s.name) for s in states)
        self.topics.choices = choices((a.id, a.name) for a in areas)


class ActivityImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])


class AgendaItemForm(FlaskForm):
    title = StringField(_l("Agenda item"), validators=[InputRequired(), Length(max=300)])
    presenter = StringField(_l("Presenter"), validators=[Optional(), Length(max=200)])
    starts = DateTimeLocalField(_l("Starts"), format=WHEN_FORMAT, validators=[Optional()])
    duration = IntegerField(
        _l("Duration (minutes)"), validators=[Optional(), NumberRange(min=1, max=1440)]
    )


class AttendanceForm(FlaskForm):
    present = SelectMultipleField(_l("Present"), coerce=int, validate_choice=False)


class MinutesForm(FlaskForm):
    minutes = TextAreaField(_l("Minutes"), validators=[Optional(), Length(max=100_000)])


class ActionItemForm(FlaskForm):
    title = StringField(_l("Action item"), validators=[InputRequired(), Length(max=300)])
    owner = StringField(_l("Owner"), validators=[Optional(), Length(max=200)])
    state = SelectField(_l("Member state"), coerce=int, validate_choice=False, default=0)
    due_on = DateField(_l("Due date"), validators=[Optional()])

    def __init__(self, *args: object, states: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.state.choices = _none_and(states)


class ActionStatusForm(FlaskForm):
    status = SelectField(_l("Status"), validate_choice=False)


class DocumentForm(FlaskForm):
    file = FileField(_l("Document"), validators=[FileRequired()])
