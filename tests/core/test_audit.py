"""The audit log records who changed what, when, old and new values; it is append-only."""

from __future__ import annotations

import pytest

from webapp.core.audit import AppendOnlyError, acting_as, history
from webapp.core.reference import SUSPENDED
from webapp.extensions import db


def test_creating_an_audited_object_records_its_values(app, member_state):
    state = member_state("JM", name_en="Jamaica")
    [entry] = history("MemberState", state.id)
    assert entry.action == "create"
    assert entry.changes["name_en"] == [None, "Jamaica"]
    assert entry.actor_label == "system"


def test_a_change_records_old_and_new_values_and_the_actor(app, member_state, user):
    state = member_state("PE")
    admin = user("admin")
    with acting_as(admin.id, admin.email):
        state.status = SUSPENDED
        db.session.commit()
    entry = history("MemberState", state.id)[-1]
    assert entry.action == "update"
    assert entry.changes == {"status": ["active", "suspended"]}
    assert (entry.actor_id, entry.actor_label) == (admin.id, admin.email)


def test_a_change_by_a_signed_in_user_names_them(app, client, login, user, member_state):
    state = member_state("CL")
    person = user("admin")
    login(person)
    response = client.post("/language", data={"language": "fr", "next": "/"})
    assert response.status_code == 302
    entry = history("User", person.id)[-1]
    assert entry.changes == {"language": [None, "fr"]}
    assert entry.actor_id == person.id
    assert state.id


def test_saving_without_changes_records_nothing(app, member_state):
    state = member_state("AR")
    state.name_en = state.name_en
    db.session.commit()
    assert len(history("MemberState", state.id)) == 1


def test_audit_entries_cannot_be_rewritten_or_deleted(app, member_state):
    state = member_state("CA")
    [entry] = history("MemberState", state.id)
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(history("MemberState", state.id)[0])
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
