"""Forms of the contributions pages. Amounts are read as text and checked by the services,
which know each currency's minor units and never round what was typed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from webapp.contributions.models import EARMARK_KINDS, EARMARK_LABELS
from webapp.core.i18n import LANGUAGE_NAMES


def _earmark_choices() -> list[tuple[str, object]]:
    return [(kind, EARMARK_LABELS[kind]) for kind in EARMARK_KINDS]


def _series_choices() -> list[tuple[str, object]]:
    from webapp.contributions.queries import series_choices

    return [("", _l("None"))] + [(str(i), title) for i, title in series_choices()]


# Fields several forms ask alike; a new field each time, so each form keeps its own order.
def donor_field() -> SelectField:
    return SelectField(_l("Donor"), coerce=int, validators=[InputRequired()])


def amount_field() -> StringField:
    return StringField(_l("Amount"), validators=[InputRequired(), Length(max=40)])


def currency_field() -> StringField:
    return StringField(
        _l("Currency"),
        default="USD",
        validators=[InputRequired(), Length(max=3)],
        description=_l("ISO 4217 code, such as USD, EUR, JPY or KWD."),
    )


class DonorForm(FlaskForm):
    donor = SelectField(_l("Donor"), validators=[InputRequired()])
    name = StringField(
        _l("Name of another donor"),
        validators=[Optional(), Length(max=200)],
        description=_l("Only for a donor that is not in the reference data."),
    )
    language = SelectField(_l("Language of letters"), choices=LANGUAGE_NAMES)


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    email = StringField(_l("Email"), validators=[InputRequired(), Length(max=320)])
    language = SelectField(_l("Language"), choices=LANGUAGE_NAMES)


class EarmarkFields:
    earmark_kind = SelectField(_l("Earmark"), choices=_earmark_choices)
    earmark_series = SelectField(
        _l("Meeting series"),
        choices=_series_choices,
        validate_choice=False,  # the service refuses an unknown series with its own message
        description=_l("For a contribution earmarked to a meeting series."),
    )
    earmark_label = StringField(
        _l("Program or activity"),
        validators=[Optional(), Length(max=200)],
        description=_l("Its name, unless the contribution is unearmarked."),
    )


def earmark_of(form: FlaskForm) -> dict[str, object]:
    """The earmark a submitted form names, as the services take it."""
    return {
        "earmark_kind": form.earmark_kind.data,
        "earmark_label": form.earmark_label.data or "",
        "earmark_series": form.earmark_series.data,
    }


class PledgeForm(EarmarkFields, FlaskForm):
    donor = donor_field()
    amount = amount_field()
    currency = currency_field()
    pledged_on = DateField(_l("Date of the pledge"), validators=[InputRequired()])
    instrument = StringField(
        _l("Instrument"),
        validators=[Optional(), Length(max=200)],
        description=_l("The agreement or note reference."),
    )
    instalments = TextAreaField(
        _l("Instalments"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "Optional. One per line: the due date and the amount, such as 2026-06-30 5000.00. "
            "They must add up to the pledge."
        ),
    )


class ReceiptForm(EarmarkFields, FlaskForm):
    donor = donor_field()
    pledge = SelectField(_l("Pledge it pays"), coerce=int, validators=[Optional()])
    instalment = SelectField(
        _l("Instalment it pays"),
        coerce=int,
        validators=[Optional()],
        description=_l("Optional: otherwise the pledge's oldest unpaid instalments are paid."),
    )
    amount = amount_field()
    currency = currency_field()
    received_on = DateField(_l("Value date"), validators=[InputRequired()])
    bank_reference = StringField(_l("Bank reference"), validators=[Optional(), Length(max=120)])


class InKindForm(EarmarkFields, FlaskForm):
    donor = donor_field()
    description = TextAreaField(
        _l("What was given"), validators=[InputRequired(), Length(max=2000)]
    )
    amount = StringField(_l("Valuation"), validators=[InputRequired(), Length(max=40)])
    currency = StringField(_l("Currency"), default="USD", validators=[InputRequired()])
    received_on = DateField(_l("Date received"), validators=[InputRequired()])
    basis = StringField(
        _l("Basis of the valuation"),
        validators=[InputRequired(), Length(max=300)],
        description=_l("Such as the supplier's invoice or a market price."),
    )


class ReversalForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the reversal"), validators=[InputRequired(), Length(max=2000)]
    )


class RateForm(FlaskForm):
    currency = StringField(_l("Currency"), validators=[InputRequired(), Length(max=3)])
    on = DateField(_l("Date"), validators=[InputRequired()])
    rate = StringField(
        _l("US dollars per unit"),
        validators=[InputRequired(), Length(max=40)],
        description=_l("Such as 1.0842 for one euro."),
    )
    source = StringField(
        _l("Source"),
        validators=[InputRequired(), Length(max=200)],
        description=_l("Where the rate is published."),
    )


class RateImportForm(FlaskForm):
    file = FileField(
        _l("CSV file of rates"),
        validators=[FileRequired()],
        description=_l("Columns: currency, date (YYYY-MM-DD), rate (US dollars per unit)."),
    )
    source = StringField(_l("Source"), validators=[InputRequired(), Length(max=200)])


class BudgetForm(FlaskForm):
    earmark_kind = SelectField(
        _l("Earmark"), choices=lambda: [c for c in _earmark_choices() if c[0] != "unearmarked"]
    )
    earmark_series = EarmarkFields.earmark_series
    earmark_label = StringField(
        _l("Program or activity"),
        validators=[Optional(), Length(max=200)],
        description=_l("Its name, unless the budget is for a meeting series."),
    )
    amount = StringField(_l("Budget in US dollars"), validators=[InputRequired(), Length(max=40)])
