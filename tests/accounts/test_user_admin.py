from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.querycount import count_queries
from tests.signin import session_key_for
from webapp.accounts.models import User
from webapp.core.audit import history
from webapp.extensions import db


@pytest.fixture()
def admin(user, login):
    person = user("admin")
    login(person)
    return person


def edit(client, person, **fields):
    data = {
        "name": person.name,
        "roles": sorted(person.role_names),
        "member_states": [str(i) for i in person.member_state_ids],
        "language": person.language or "en",
        "timezone": person.timezone or "UTC",
    }
    data.update(fields)
    return client.post(f"/admin/users/{person.id}", data=data)


def test_the_list_shows_name_email_roles_states_and_status(client, admin, user, member_state):
    br = member_state("BR")
    user("focal_point", name="Bea Focal", states=[br], email="bea@example.org")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Bea Focal" in page and "bea@example.org" in page
    assert "Focal point" in page
    assert ">BR</abbr>" in page
    assert "active" in page


def test_the_list_shows_pending_and_deactivated_accounts(client, admin, user):
    pending = user("participant", name="Pending Person")
    pending.password_hash = None
    user("participant", name="Gone Person", is_active_account=False)
    db.session.commit()
    page = client.get("/admin/users").get_data(as_text=True)
    assert "invited" in page and "deactivated" in page


def test_the_list_runs_the_same_number_of_queries_for_many_users(
    client, admin, user, member_state
):
    states = [member_state("BR"), member_state("MX")]
    user("focal_point", states=states)
    db.session.expire_all()  # as in a real request: nothing loaded yet
    with count_queries() as few:
        client.get("/admin/users")
    for _ in range(12):
        user("focal_point", "participant", states=states)
    db.session.expire_all()
    with count_queries() as many:
        client.get("/admin/users")
    assert many.count == few.count


def test_the_list_filters_by_role_and_text(client, admin, user):
    user("finance", name="Fiona Money")
    user("participant", name="Paul Part")
    by_role = client.get("/admin/users?role=finance").get_data(as_text=True)
    assert "Fiona Money" in by_role and "Paul Part" not in by_role
    by_text = client.get("/admin/users?q=paul").get_data(as_text=True)
    assert "Paul Part" in by_text and "Fiona Money" not in by_text


def test_the_list_is_for_admins_only(client, user, login):
    login(user("organizer"))
    assert client.get("/admin/users").status_code == 403


def test_an_admin_changes_roles_language_and_time_zone(client, admin, user):
    person = user("participant")
    response = edit(
        client, person, roles=["organizer", "finance"], language="pt", timezone="America/Lima"
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.role_names == {"organizer", "finance"}
    assert (person.language, person.timezone) == ("pt", "America/Lima")


def test_a_role_change_is_audited(client, admin, user):
    person = user("participant")
    edit(client, person, roles=["organizer"])
    entry = history("User", person.id)[-1]
    assert entry.changes["roles"] == ["participant", "organizer"]
    assert entry.actor_id == admin.id


def test_a_focal_point_needs_a_member_state(client, admin, user):
    person = user("participant")
    response = edit(client, person, roles=["focal_point"], member_states=[])
    assert response.status_code == 200
    assert "at least one member state" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.role_names == {"participant"}


def test_an_admin_ties_a_focal_point_to_member_states(client, admin, user, member_state):
    br, mx = member_state("BR"), member_state("MX")
    person = user("focal_point", states=[br])
    edit(client, person, member_states=[str(br.id), str(mx.id)])
    db.session.refresh(person)
    assert person.member_state_ids == {br.id, mx.id}


def test_removing_the_focal_point_role_unties_the_member_states(client, admin, user, member_state):
    br = member_state("BR")
    person = user("focal_point", "participant", states=[br])
    edit(client, person, roles=["participant"])
    db.session.refresh(person)
    assert person.member_states == []


def test_an_unknown_member_state_is_refused(client, admin, user, member_state):
    br = member_state("BR")
    person = user("focal_point", states=[br])
    response = edit(client, person, member_states=["99999"])
    assert response.status_code == 200
    db.session.refresh(person)
    assert person.member_state_ids == {br.id}


def test_an_admin_cannot_remove_their_own_admin_role(client, admin):
    response = edit(client, admin, roles=["organizer"])
    assert response.status_code == 200
    assert "your own administrator role" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.has_role("admin")


def test_an_admin_may_add_roles_to_themselves(client, admin):
    edit(client, admin, roles=["admin", "finance"])
    db.session.refresh(admin)
    assert admin.role_names == {"admin", "finance"}


def test_deactivating_an_account_ends_the_persons_sessions(app, client, admin, user):
    person = user("participant")
    theirs = app.test_client()
    with theirs.session_transaction() as session:
        session["_user_id"] = session_key_for(person)
    assert theirs.get("/account").status_code == 200
    response = client.post(f"/admin/users/{person.id}/deactivate")
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.status == "deactivated"
    assert theirs.get("/account").status_code == 302


def test_an_admin_cannot_deactivate_themselves(client, admin):
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.is_active_account


def test_a_deactivated_account_can_be_activated_again(client, admin, user):
    person = user("participant", is_active_account=False)
    client.post(f"/admin/users/{person.id}/activate")
    db.session.refresh(person)
    assert person.status == "active"


def test_the_edit_page_of_a_missing_user_is_not_found(client, admin):
    assert client.get("/admin/users/4242").status_code == 404


def test_resending_to_an_active_account_is_refused(client, admin, user, sent_mail):
    person = user("participant")
    response = client.post(f"/admin/users/{person.id}/invitation", follow_redirects=True)
    assert "Only a pending invitation can be sent again." in response.get_data(as_text=True)
    assert sent_mail("invitation") == []


def test_the_users_entry_appears_in_the_admins_navigation(client, admin):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/admin/users"' in page


def test_an_organizer_sees_the_invite_entry_but_not_users(client, user, login):
    login(user("organizer"))
    page = client.get("/").get_data(as_text=True)
    assert 'href="/invite"' in page
    assert 'href="/admin/users"' not in page


def test_the_edit_page_shows_the_account(client, admin, user):
    person = user("participant", name="Olga Edit")
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "Olga Edit" in page
    assert f'action="/admin/users/{person.id}/deactivate"' in page


def test_the_service_keeps_other_accounts_untouched(client, admin, user):
    person, other = user("participant"), user("participant")
    edit(client, person, roles=["finance"])
    assert db.session.scalar(sa.select(User.roles).where(User.id == other.id)) == "participant"


def test_an_account_without_any_role_is_refused(client, admin, user):
    person = user("organizer")
    response = edit(client, person, roles=[])
    assert response.status_code == 200
    assert "Choose at least one role." in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.role_names == {"organizer"}
