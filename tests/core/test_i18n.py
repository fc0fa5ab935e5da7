"""The four languages: which one a page speaks, switching it, formatting in it, and
complete catalogs.

The catalog tests fail until webapp/translations/<lang>/LC_MESSAGES/messages.po exist
and are complete; that is on purpose: an untranslated message is a defect."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.signin import session_key_for
from webapp.core.i18n import datetime_with_zone, day, day_range, money
from webapp.core.money import Money
from webapp.extensions import babel, db

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "webapp" / "translations"
TRANSLATED_LANGUAGES = ("es", "fr", "pt")
# What Flask-Babel code calls, beyond Babel's defaults (_, gettext, ngettext...).
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
    "deferred_gettext": None,
    "deferred_ngettext": (1, 2),
}
# mutmut runs the suite in a copy of the project under `mutants/` whose rule modules carry
# every mutant, message text included ("XXPlease sign inXX"). The messages the catalogs must
# hold are those of the real source, so there they are read from the unmutated tree.
SOURCE_ROOT = (
    ROOT.parent if ROOT.name == "mutants" and (ROOT.parent / "babel.cfg").is_file() else ROOT
)
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]|%[sdif]")


def lang_of(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


# Which language a page speaks


def test_english_without_any_preference(client):
    assert lang_of(client.get("/").text) == "en"


def test_the_browsers_accept_language(client):
    page = client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}).text
    assert lang_of(page) == "fr"


def test_a_regional_variant_of_a_supported_language(client):
    assert lang_of(client.get("/", headers={"Accept-Language": "pt-BR"}).text) == "pt"


def test_english_when_the_browser_asks_only_for_other_languages(client):
    assert lang_of(client.get("/", headers={"Accept-Language": "de, ja;q=0.5"}).text) == "en"


def test_the_language_chosen_on_this_browser_beats_accept_language(client):
    client.post("/language", data={"language": "pt"})
    assert lang_of(client.get("/", headers={"Accept-Language": "es"}).text) == "pt"


def test_the_users_setting_beats_the_browser(client, user, login):
    login(user("participant", language="fr"))
    with client.session_transaction() as session:
        session["language"] = "es"
    assert lang_of(client.get("/", headers={"Accept-Language": "pt"}).text) == "fr"


def test_a_user_without_a_setting_gets_the_browsers_language(client, user, login):
    login(user("participant"))
    assert lang_of(client.get("/", headers={"Accept-Language": "es"}).text) == "es"


# Switching


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_offers_the_language_switch(client, user, login, signed_in):
    if signed_in:
        login(user("admin"))
    page = client.get("/").text
    assert 'action="/language"' in page
    for code in ("en", "es", "fr", "pt"):
        assert f'name="language" value="{code}"' in page


def test_an_anonymous_visitor_switches_language(client):
    response = client.post("/language", data={"language": "es", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert lang_of(client.get("/login").text) == "es"


def test_switching_when_signed_in_stores_the_users_setting(client, user, login):
    person = user("participant")
    login(person)
    client.post("/language", data={"language": "pt"})
    db.session.expire_all()
    assert person.language == "pt"


def test_the_stored_setting_follows_the_user_to_another_browser(app, client, user, login):
    person = user("participant")
    login(person).post("/language", data={"language": "fr"})
    other_browser = app.test_client()
    with other_browser.session_transaction() as session:
        session["_user_id"] = session_key_for(person)
        session["_fresh"] = True
    assert lang_of(other_browser.get("/", headers={"Accept-Language": "es"}).text) == "fr"


def test_an_unknown_language_changes_nothing(client):
    client.post("/language", data={"language": "de"})
    with client.session_transaction() as session:
        assert "language" not in session


def test_switching_never_redirects_to_another_site(client):
    response = client.post("/language", data={"language": "es", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


# Formatting for the active language and the viewer's zone


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "$1,234.50"),
        ("es", "1.234,50\xa0US$"),
        ("fr", "1\u202f234,50\xa0$US"),
        ("pt", "US$\xa01.234,50"),
    ],
)
def test_money_is_formatted_for_the_language(app, language, expected):
    with app.test_request_context(headers={"Accept-Language": language}):
        assert money(Decimal("1234.5"), "USD") == expected


def test_money_keeps_the_minor_units_of_its_currency(app):
    with app.test_request_context():
        assert money(Money(Decimal("1234"), "JPY")) == "¥1,234"
        assert money(Money(Decimal("5"), "USD")) == "$5.00"


def test_dates_are_formatted_for_the_language(app):
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert day(date(2025, 1, 15)) == "15 ene 2025"


def test_numbers_are_formatted_for_the_language(app):
    template = "{{ value|number }}"
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert app.jinja_env.from_string(template).render(value=Decimal("1234.5")) == (
            "1\u202f234,5"
        )


def test_times_are_shown_in_the_users_zone_and_name_it(app, client, user, login):
    login(user("participant", timezone="America/Bogota"))
    with client:
        client.get("/")
        shown = datetime_with_zone(datetime(2025, 7, 15, 17, 0, tzinfo=UTC))
    assert shown == "Jul 15, 2025, 12:00\u202fPM (America/Bogota)"


def test_times_for_visitors_are_in_the_default_zone(app):
    app.config["DEFAULT_TIMEZONE"] = "America/Mexico_City"
    with app.test_request_context():
        shown = datetime_with_zone(datetime(2025, 7, 15, 17, 0, tzinfo=UTC))
    assert shown.startswith("Jul 15, 2025, 11:00\u202fAM")
    assert shown.endswith("(America/Mexico_City)")


@pytest.mark.parametrize(
    ("language", "span", "across_months"),
    [
        ("en", "May 3\u2009\u2013\u20095, 2027", "May 30\u2009\u2013\u2009Jun 2, 2027"),
        ("es", "3\u20135 may 2027", "30 may\u2009\u2013\u20092 jun 2027"),
        ("fr", "3\u20135 mai 2027", "30 mai\u2009\u2013\u20092 juin 2027"),
    ],
)
def test_a_span_of_days_is_written_once_in_the_sites_date_style(
    app, language, span, across_months
):
    with app.test_request_context(headers={"Accept-Language": language}):
        assert day_range(date(2027, 5, 3), date(2027, 5, 5)) == span
        assert day_range(date(2027, 5, 30), date(2027, 6, 2)) == across_months
        # One day is the day itself, not the same day twice.
        assert day_range(date(2027, 5, 3), date(2027, 5, 3)) == day(date(2027, 5, 3))


def test_an_unknown_zone_in_a_users_setting_falls_back_to_the_default(app, client, user, login):
    login(user("participant", timezone="Mars/Olympus_Mons"))
    with client:
        client.get("/")
        shown = datetime_with_zone(datetime(2025, 7, 15, 17, 0, tzinfo=UTC))
    assert shown.endswith(f"({app.config['DEFAULT_TIMEZONE']})")


# Complete catalogs


def source_messages() -> dict[str, tuple[str, ...]]:
    """Every message id in the code and templates, as babel.cfg describes them,
    mapped to its singular and plural forms."""
    with open(SOURCE_ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    messages: dict[str, tuple[str, ...]] = {}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(SOURCE_ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        forms = (message,) if isinstance(message, str) else tuple(m for m in message if m)
        messages[forms[0]] = forms
    return messages


def source_message_keys() -> set[tuple[str, str | None]]:
    """(message id, context) of every message: "Active" for a member state and "Active"
    for a directory entry are two messages (pgettext)."""
    with open(SOURCE_ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    return {
        (message if isinstance(message, str) else message[0], context)
        for _filename, _lineno, message, _comments, context in extract_from_dir(
            str(SOURCE_ROOT), method_map, options_map, keywords=KEYWORDS
        )
    }


def catalog(language: str) -> Catalog:
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as handle:
        return read_po(handle, locale=language)


def translations_of(entry) -> list[str]:
    return list(entry.string) if isinstance(entry.string, list | tuple) else [entry.string]


def test_the_source_has_messages_to_translate():
    messages = source_messages()
    assert "Reference data" in messages  # Python
    assert "Skip to content" in messages  # webapp/templates/base.html


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_catalog_has_every_message_of_the_source(language):
    entries = catalog(language)
    missing = sorted(
        (message, context or "")
        for message, context in source_message_keys()
        if entries.get(message, context=context) is None
    )
    assert missing == []


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_message_of_the_catalog_is_translated(language):
    untranslated = [
        entry.id
        for entry in catalog(language)
        if entry.id and not all(s.strip() for s in translations_of(entry))
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_catalog_has_no_fuzzy_translations(language):
    assert [entry.id for entry in catalog(language) if entry.id and entry.fuzzy] == []


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_translations_keep_the_placeholders(language):
    broken = []
    for entry in catalog(language):
        if not entry.id:
            continue
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for translated in translations_of(entry):
            # A plural form may leave out the number ("un mensaje"), never add one.
            found = sorted(PLACEHOLDER.findall(translated))
            if found != expected and not (len(ids) > 1 and set(found) < set(expected)):
                broken.append((entry.id, translated))
    assert broken == []


# Error pages come out in the browser's language once the catalogs exist.


@pytest.fixture()
def app_reading(app, another_app):
    """Factory: a fresh app whose catalogs are the compiled ones in `folder`. Inside the
    suite's app context (`app`): Flask-Babel finds its domain through the current app."""
    # Flask-Babel caches translations per locale on its one Babel object, for every
    # app: forget what the suite's app cached, before and after.
    babel.domain_instance.cache.clear()
    yield lambda folder: another_app(BABEL_TRANSLATION_DIRECTORIES=str(folder))
    babel.domain_instance.cache.clear()


def test_error_pages_speak_spanish_to_a_spanish_browser(app_reading, tmp_path):
    spanish = catalog("es")
    (tmp_path / "es" / "LC_MESSAGES").mkdir(parents=True)
    with open(tmp_path / "es" / "LC_MESSAGES" / "messages.mo", "wb") as handle:
        write_mo(handle, spanish)
    browser = app_reading(tmp_path).test_client()
    response = browser.get("/no/such/page", headers={"Accept-Language": "es"})
    title = spanish.get("Page not found").string
    assert response.status_code == 404
    assert title and title != "Page not found"
    assert title in response.text


def test_a_time_without_seconds_keeps_the_sites_one_date_style(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        app.config["DEFAULT_TIMEZONE"] = "UTC"
        shown = datetime_with_zone(datetime(2025, 7, 15, 17, 0, tzinfo=UTC), "short")
        medium_day = day(datetime(2025, 7, 15, tzinfo=UTC).date())
    assert shown.startswith(medium_day)
    assert "17:00" in shown and "17:00:00" not in shown
