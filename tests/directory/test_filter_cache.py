"""The search filters' states and areas are read once and kept between requests, and
show any change at once: made here, by another process, or by a bulk statement."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.querycount import count_queries
from tests.signin import session_key_for
from webapp.core import freshness
from webapp.core.reference import MemberState
from webapp.directory.models import Area
from webapp.extensions import db


def offered(client, field: str) -> list[str]:
    page = client.get("/directory/").get_data(as_text=True)
    select = re.search(rf'<select[^>]* name="{field}"[^>]*>(.*?)</select>', page, re.S)[1]
    return re.findall(r">([^<]*)</option>", select)


@pytest.fixture()
def signed_in(client, member_state, area, user, login):
    freshness.touch(db.session, "directory")  # the row the migration makes
    db.session.commit()
    member_state("BR")
    area("customs", "Customs")
    admin = user("admin")
    login(admin)
    return admin


def test_the_choices_are_read_once_while_nothing_changes(client, signed_in):
    client.get("/directory/")
    with count_queries() as again:
        assert "Brazil" in offered(client, "state")
    assert again.count == 2  # who is signed in, and the directory's token


def test_a_new_area_is_offered_at_once(client, signed_in, area):
    assert "Immigration" not in offered(client, "area")
    area("immigration", "Immigration")
    assert "Immigration" in offered(client, "area")


def test_a_state_renamed_by_another_process_is_offered_at_once(
    changed_by_another_process, client, signed_in
):
    assert "Brazil" in offered(client, "state")
    with changed_by_another_process():
        brazil = db.session.scalar(sa.select(MemberState).where(MemberState.code == "BR"))
        brazil.name_en = "Federative Republic of Brazil"
    assert "Federative Republic of Brazil" in offered(client, "state")


def test_an_area_retired_by_a_bulk_statement_is_no_longer_offered(client, signed_in):
    assert "Customs" in offered(client, "area")
    db.session.execute(sa.update(Area).values(is_active=False))
    db.session.commit()
    assert "Customs" not in offered(client, "area")


def test_the_choices_are_named_in_the_viewers_language(client, signed_in, member_state):
    member_state("BR").name_pt = "Brasil"
    db.session.commit()
    assert "Brazil" in offered(client, "state")
    signed_in.language = "pt"
    db.session.commit()
    assert "Brasil" in offered(client, "state")


def test_an_editor_without_a_state_is_not_offered_to_add_an_entry(client, signed_in, user):
    assert "/directory/contacts/new" in client.get("/directory/").get_data(as_text=True)
    with client.session_transaction() as session:
        session["_user_id"] = session_key_for(user("focal_point", states=[]))
    assert "/directory/contacts/new" not in client.get("/directory/").get_data(as_text=True)


def chosen(client, path: str, field: str) -> list[str]:
    page = client.get(path).get_data(as_text=True)
    select = re.search(rf'<select[^>]* name="{field}"[^>]*>(.*?)</select>', page, re.S)[1]
    return re.findall(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select)


def test_the_kept_filters_mark_the_choice_of_each_search(client, signed_in, member_state):
    member_state("MX")
    client.get("/directory/?state=BR")
    assert chosen(client, "/directory/?state=BR", "state") == [("", "BR")]
    assert chosen(client, "/directory/?state=MX", "state") == [("", "MX")]
    assert chosen(client, "/directory/", "state") == []


def test_the_kept_filters_are_kept_apart_per_language(client, signed_in, user, login):
    login(user("admin", language="es"))
    spanish = client.get("/directory/").get_data(as_text=True)
    login(signed_in)
    english = client.get("/directory/").get_data(as_text=True)
    assert 'lang="es"' in spanish and '<label for="state">Estado Miembro</label>' in spanish
    assert '<label for="state">Member state</label>' in english


def test_a_refused_filter_shows_its_error_not_a_kept_form(client, signed_in):
    client.get("/directory/")
    page = client.get("/directory/?state=ZZ").get_data(as_text=True)
    assert "Please correct the filters above." in page
    assert 'aria-invalid="true"' in page
