"""A time zone field's five hundred options are rendered once per language, and the page
gets exactly what WTForms would have written: the same groups, options and choice."""

import pytest
from flask_babel import force_locale
from flask_wtf import FlaskForm
from wtforms.widgets import Select

from webapp.core.forms import TimeZoneField


class ZoneForm(FlaskForm):
    zone = TimeZoneField("Zone")


@pytest.mark.parametrize("language", ["en", "es", "fr", "pt"])
@pytest.mark.parametrize("chosen", [None, "", "America/Bogota", "Europe/Madrid", "UTC"])
def test_the_select_is_what_wtforms_writes(app, language, chosen):
    with app.test_request_context("/"), force_locale(language):
        form = ZoneForm(meta={"csrf": False})
        form.zone.data = chosen
        assert str(form.zone()) == str(Select()(form.zone))


def test_each_language_names_its_groups(app):
    with app.test_request_context("/"):
        with force_locale("en"):
            english = str(ZoneForm(meta={"csrf": False}).zone())
        with force_locale("es"):
            spanish = str(ZoneForm(meta={"csrf": False}).zone())
    assert 'label="The Americas"' in english and 'label="The Americas"' not in spanish


def test_a_form_may_give_the_field_choices_of_its_own(app):
    from webapp.meetings.forms import GuestForm

    with app.test_request_context("/"):
        form = GuestForm(meta={"csrf": False}, states=[])
        form.timezone.data = "America/Lima"
        html = str(form.timezone())
    assert '<option value="">—</option>' in html and 'selected value="America/Lima"' in html
