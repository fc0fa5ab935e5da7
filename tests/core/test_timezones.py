"""One list of time zones governs what forms accept, what is stored and what pages format;
a stored zone that is no longer valid falls back to the default instead of breaking pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from webapp.accounts.models import User
from webapp.core.timezones import is_valid_zone, zone_choices, zone_or_default
from webapp.extensions import db

# Python's zoneinfo knows these; Babel, which formats every date shown, does not.
ZONES_BABEL_CANNOT_FORMAT = ["Factory", "localtime", "posixrules", "posix/Europe/Paris"]
EVERY_ROLE = ("admin", "organizer", "finance", "focal_point", "participant")


@pytest.mark.parametrize("zone", ZONES_BABEL_CANNOT_FORMAT)
def test_a_zone_babel_cannot_format_is_not_valid(zone):
    assert not is_valid_zone(zone)
    assert zone not in zone_choices()


@pytest.mark.parametrize("zone", ZONES_BABEL_CANNOT_FORMAT)
def test_the_account_page_refuses_a_zone_babel_cannot_format(client, user, login, zone):
    person = user("participant", timezone="America/Lima")
    login(person)
    response = client.post("/account", data={"name": "X", "language": "en", "timezone": zone})
    assert response.status_code == 200
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.timezone == "America/Lima"


@pytest.mark.parametrize("zone", ZONES_BABEL_CANNOT_FORMAT)
def test_the_admin_page_refuses_a_zone_babel_cannot_format(client, user, login, zone):
    login(user("admin"))
    person = user("participant", timezone="America/Lima")
    response = client.post(
        f"/admin/users/{person.id}",
        data={"name": "X", "roles": ["participant"], "language": "en", "timezone": zone},
    )
    assert response.status_code == 200
    db.session.refresh(person)
    assert person.timezone == "America/Lima"


def _store_zone_behind_the_forms_back(person: User, zone: str) -> None:
    db.session.execute(sa.update(User).where(User.id == person.id).values(timezone=zone))
    db.session.commit()


def _pages_without_arguments(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    )


@pytest.mark.parametrize("zone", ["Factory", "posix/Europe/Paris", "Nowhere/Gone"])
def test_a_stored_zone_that_is_not_valid_falls_back_on_every_page(
    app, client, user, login, member_state, zone
):
    person = user(*EVERY_ROLE, states=[member_state("BR")])
    _store_zone_behind_the_forms_back(person, zone)
    login(person)
    for path in [*_pages_without_arguments(app), "/no/such/page", "/admin/users/0"]:
        response = client.get(path)
        assert response.status_code < 500, path
    page = client.get("/account").get_data(as_text=True)
    assert f"Times are shown in {app.config['DEFAULT_TIMEZONE']}." in page


def test_a_zone_that_is_not_valid_falls_back_to_the_default(app):
    assert zone_or_default("Factory") == app.config["DEFAULT_TIMEZONE"]
    assert zone_or_default(None) == app.config["DEFAULT_TIMEZONE"]
    assert zone_or_default("America/Lima") == "America/Lima"


def test_the_americas_come_first_then_utc_then_the_other_zones():
    zones = list(zone_choices())
    americas = [z for z in zones if z.startswith("America/")]
    assert zones[: len(americas)] == americas
    assert zones[len(americas)] == "UTC"
    assert "Europe/Paris" in zones[len(americas) + 1 :]


def test_the_zone_list_is_shown_in_two_groups_americas_first(client, user, login):
    login(user("participant"))
    page = client.get("/account").get_data(as_text=True)
    americas, others = (
        page.index('<optgroup label="The Americas">'),
        page.index('<optgroup label="Other zones">'),
    )
    assert (
        americas < page.index('value="America/Lima"') < others < page.index('value="Europe/Paris"')
    )
