from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.accounts.conftest import link_in
from webapp.accounts import errors, invitations, passwords
from webapp.accounts.models import User
from webapp.core.audit import history
from webapp.extensions import db


def invite(client, **fields):
    # English: the invitation link's pages speak the invitation's language.
    data = {"name": "Ana Silva", "email": "ana@example.org", "language": "en"}
    data.update(fields)
    data.setdefault("roles", ["participant"])
    return client.post("/invite", data=data)


def invited(email="ana@example.org"):
    return db.session.scalar(sa.select(User).where(User.email == email))


@pytest.fixture()
def admin(user, login):
    person = user("admin", name="Alice Admin")
    login(person)
    return person


def test_an_admin_invites_a_person_who_gets_an_email_with_a_link(client, admin, sent_mail):
    response = invite(client)
    assert response.status_code == 302
    [mail] = sent_mail("invitation", to="ana@example.org")
    assert link_in(mail).startswith("/invitation/")
    assert mail.body_html and link_in(mail) in mail.body_html


def test_the_invited_account_is_pending_with_the_chosen_roles(client, admin):
    invite(client, roles=["participant", "organizer"])
    person = invited()
    assert person.status == "invited"
    assert person.role_names == {"participant", "organizer"}
    assert person.invited_by_id == admin.id
    assert person.password_hash is None


def test_the_invitation_is_written_in_the_invitees_language_not_the_inviters(
    client, admin, sent_mail
):
    invite(client, language="es")
    [mail] = sent_mail("invitation")
    assert mail.language == "es"
    assert '<html lang="es">' in mail.body_html
    # Babel's own Spanish: present whether or not our catalogs are translated yet.
    assert "1 semana" in mail.body_text


def test_a_focal_point_must_be_given_a_member_state(client, admin):
    response = invite(client, roles=["focal_point"])
    assert response.status_code == 200
    assert "A focal point must be tied to at least one member state." in response.get_data(
        as_text=True
    )
    assert invited() is None


def test_a_focal_point_is_tied_to_the_chosen_member_states(client, admin, member_state):
    br, mx = member_state("BR"), member_state("MX")
    invite(client, roles=["focal_point"], member_states=[str(br.id), str(mx.id)])
    assert invited().member_state_ids == {br.id, mx.id}


def test_member_states_are_dropped_for_people_who_are_not_focal_points(
    client, admin, member_state
):
    br = member_state("BR")
    invite(client, roles=["participant"], member_states=[str(br.id)])
    assert invited().member_states == []


def test_an_organizer_invites_a_participant(client, user, login, sent_mail):
    login(user("organizer"))
    assert invite(client).status_code == 302
    assert invited().role_names == {"participant"}
    assert len(sent_mail("invitation")) == 1


def test_an_organizer_cannot_invite_anything_but_a_participant(client, user, login, sent_mail):
    login(user("organizer"))
    response = invite(client, roles=["admin"])
    assert response.status_code == 200
    assert invited() is None
    assert sent_mail("invitation") == []


def test_the_service_refuses_an_organizer_giving_another_role(app, user):
    organizer = user("organizer")
    with pytest.raises(errors.AccountError):
        invitations.invite(
            organizer, name="X", email="x@example.org", language="en", roles=["finance"]
        )


def test_a_person_with_neither_role_cannot_open_the_invitation_page(client, user, login):
    login(user("finance"))
    assert client.get("/invite").status_code == 403


def test_inviting_an_existing_active_account_is_a_form_error(client, admin, user, sent_mail):
    existing = user("participant", email="ana@example.org")
    response = invite(client, roles=["organizer"])
    assert response.status_code == 200
    assert "already has an account" in response.get_data(as_text=True)
    db.session.refresh(existing)
    assert existing.role_names == {"participant"}
    assert sent_mail("invitation") == []


def test_inviting_an_email_that_differs_only_in_case_finds_the_existing_account(
    client, admin, user
):
    user("participant", email="ana@example.org")
    response = invite(client, email="ANA@example.org")
    assert "already has an account" in response.get_data(as_text=True)


def test_inviting_again_before_acceptance_sends_a_new_link(client, admin, sent_mail):
    invite(client)
    invite(client)
    first, second = sent_mail("invitation")
    assert link_in(first) != link_in(second)
    assert client.get(link_in(second)).status_code == 200


def test_a_new_invitation_replaces_the_earlier_link(client, admin, sent_mail):
    invite(client)
    invite(client)
    first, _ = sent_mail("invitation")
    response = client.get(link_in(first))
    assert response.status_code == 400
    assert "newer invitation" in response.get_data(as_text=True)


def test_an_admin_can_resend_a_pending_invitation_from_the_account_page(client, admin, sent_mail):
    invite(client)
    client.post(f"/admin/users/{invited().id}/invitation")
    assert len(sent_mail("invitation")) == 2


def test_the_link_shows_a_form_to_choose_a_password(client, admin, sent_mail):
    invite(client)
    client.post("/logout")
    response = client.get(link_in(sent_mail("invitation")[0]))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "ana@example.org" in page
    assert 'name="password"' in page and 'name="confirm"' in page


def test_opening_the_link_changes_nothing(client, admin, sent_mail):
    invite(client)
    client.get(link_in(sent_mail("invitation")[0]))
    assert invited().status == "invited"


def accept(client, link, password="a long and new passphrase", confirm=None):
    return client.post(link, data={"password": password, "confirm": confirm or password})


def test_accepting_sets_the_password_activates_and_signs_in(client, admin, sent_mail):
    invite(client)
    client.post("/logout")
    response = accept(client, link_in(sent_mail("invitation")[0]))
    assert response.status_code == 302
    person = invited()
    assert person.status == "active"
    assert person.activated_at is not None
    assert passwords.check_password(person, "a long and new passphrase")
    assert client.get("/account").get_data(as_text=True).count("ana@example.org") >= 1


def test_the_acceptance_is_audited_as_the_invitee(client, admin, sent_mail):
    invite(client)
    client.post("/logout")
    accept(client, link_in(sent_mail("invitation")[0]))
    person = invited()
    assert history("User", person.id)[-1].actor_id == person.id


def test_a_short_password_is_refused(client, admin, sent_mail):
    invite(client)
    response = accept(client, link_in(sent_mail("invitation")[0]), password="short pass")
    assert response.status_code == 200
    assert "at least 12 characters" in response.get_data(as_text=True)
    assert invited().status == "invited"


def test_a_password_equal_to_the_email_is_refused(client, admin, sent_mail):
    invite(client)
    response = accept(client, link_in(sent_mail("invitation")[0]), password="Ana@Example.org")
    assert "must not be your email" in response.get_data(as_text=True)
    assert invited().status == "invited"


def test_a_confirmation_that_differs_is_refused(client, admin, sent_mail):
    invite(client)
    response = accept(
        client, link_in(sent_mail("invitation")[0]), confirm="another long passphrase"
    )
    assert "The passwords differ." in response.get_data(as_text=True)
    assert invited().status == "invited"


def test_the_link_works_only_once(client, admin, sent_mail):
    invite(client)
    link = link_in(sent_mail("invitation")[0])
    accept(client, link)
    client.post("/logout")
    response = accept(client, link, password="somebody else's passphrase")
    assert response.status_code == 400
    assert "already been used" in response.get_data(as_text=True)
    assert passwords.check_password(invited(), "a long and new passphrase")


def test_an_expired_link_shows_what_to_do(app, client, admin, sent_mail):
    invite(client)
    link = link_in(sent_mail("invitation")[0])
    app.config["INVITATION_MAX_AGE_SECONDS"] = -1
    response = client.get(link)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "expired" in page
    assert "send a new invitation" in page


def test_a_tampered_link_shows_a_clear_page(client, admin, sent_mail):
    invite(client)
    link = link_in(sent_mail("invitation")[0])
    response = client.get(link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"))
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def test_a_reset_link_does_not_open_the_invitation_page(client, user, sent_mail):
    person = user("participant")
    client.post("/password/reset", data={"email": person.email})
    token = link_in(sent_mail("password_reset")[0]).rsplit("/", 1)[1]
    assert client.get(f"/invitation/{token}").status_code == 400


def test_a_deactivated_invitee_cannot_use_the_link(client, admin, sent_mail):
    invite(client)
    client.post(f"/admin/users/{invited().id}/deactivate")
    response = client.get(link_in(sent_mail("invitation")[0]))
    assert response.status_code == 400


def test_each_invitation_email_has_its_own_idempotency_key(client, admin, sent_mail):
    invite(client)
    invite(client)
    first, second = sent_mail("invitation")
    assert first.idempotency_key.startswith(f"invite:{invited().id}:")
    assert first.idempotency_key != second.idempotency_key


def test_the_email_says_how_long_the_link_works(app, client, admin, sent_mail):
    app.config["INVITATION_MAX_AGE_SECONDS"] = 3600
    invite(client, language="en")
    assert "1 hour" in sent_mail("invitation")[0].body_text
