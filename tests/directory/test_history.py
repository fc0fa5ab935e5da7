"""Every change is audited field by field, shown on the entry, and can be reverted."""

from __future__ import annotations

from webapp.core.audit import history
from webapp.directory.models import ACTIVE, WITHDRAWN
from webapp.extensions import db


def test_changing_areas_is_audited_as_area_ids(area, contact, app, member_state):
    entry = contact(member_state("BR"), areas=[area("customs")])
    drugs = area("drugs")

    entry.areas = [drugs]
    db.session.commit()

    last = history("PointOfContact", entry.id)[-1]
    assert last.changes["areas"] == [[area("customs").id], [drugs.id]]


def test_the_history_shows_agency_and_area_names(
    agency, area, contact, client, user, login, member_state
):
    brazil = member_state("BR")
    entry = contact(brazil, agency_name="Receita Federal", areas=[area("customs", "Customs")])
    entry.agency = agency(brazil, "Polícia Federal", "police")
    entry.areas = [area("drugs", "Illicit drugs")]
    db.session.commit()
    login(user("organizer"))

    page = client.get(f"/directory/contacts/{entry.id}").get_data(as_text=True)
    table = page[page.index("<h2>History</h2>") :]

    assert "Receita Federal" in table and "Polícia Federal" in table
    assert "Customs" in table and "Illicit drugs" in table


def test_the_history_names_who_changed_what(contact, client, user, login, member_state):
    brazil = member_state("BR")
    entry = contact(brazil, name="Before")
    focal = user("focal_point", states=[brazil], email="focal@example.br")
    login(focal)
    client.post(
        f"/directory/contacts/{entry.id}/edit",
        data={
            "name": "After",
            "agency_id": str(entry.agency_id),
            "email": entry.email,
            "designation": "primary",
            "visibility": "member_states",
        },
    )

    last = history("PointOfContact", entry.id)[-1]
    assert last.actor_label == "focal@example.br"
    assert last.changes["name"] == ["Before", "After"]


def test_participants_do_not_see_the_history(contact, client, user, login, member_state):
    entry = contact(member_state("BR"))
    login(user("participant"))

    page = client.get(f"/directory/contacts/{entry.id}").get_data(as_text=True)

    assert "<h2>History</h2>" not in page


def test_an_admin_reverts_an_entry_to_an_earlier_version(
    agency, area, contact, client, user, login, member_state
):
    brazil = member_state("BR")
    entry = contact(brazil, name="First", title="Inspector", areas=[area("customs")])
    first_version = history("PointOfContact", entry.id)[-1]
    entry.name, entry.title, entry.areas = "Second", "Chief", [area("drugs")]
    entry.agency = agency(brazil, "Polícia Federal", "police")
    db.session.commit()
    login(user("admin"))

    response = client.post(
        f"/directory/contacts/{entry.id}/revert", data={"entry_id": first_version.id}
    )

    assert response.status_code == 302
    db.session.refresh(entry)
    assert (entry.name, entry.title) == ("First", "Inspector")
    assert entry.areas == [area("customs")]
    assert entry.agency.name == "Customs Administration"


def test_a_revert_is_itself_audited_as_revert(contact, client, user, login, member_state):
    entry = contact(member_state("BR"), name="First")
    first_version = history("PointOfContact", entry.id)[-1]
    entry.name = "Second"
    db.session.commit()
    login(user("admin"))

    client.post(f"/directory/contacts/{entry.id}/revert", data={"entry_id": first_version.id})

    last = history("PointOfContact", entry.id)[-1]
    assert last.action == "revert"
    assert last.changes["name"] == ["Second", "First"]


def test_reverting_past_a_withdrawal_makes_the_entry_active_again(
    contact, client, user, login, member_state
):
    entry = contact(member_state("BR"))
    first_version = history("PointOfContact", entry.id)[-1]
    entry.status = WITHDRAWN
    db.session.commit()
    login(user("admin"))

    client.post(f"/directory/contacts/{entry.id}/revert", data={"entry_id": first_version.id})

    db.session.refresh(entry)
    assert entry.status == ACTIVE
    assert entry.withdrawn_at is None


def test_an_organizer_may_not_revert(contact, client, user, login, member_state):
    entry = contact(member_state("BR"), name="First")
    first_version = history("PointOfContact", entry.id)[-1]
    entry.name = "Second"
    db.session.commit()
    login(user("organizer"))

    response = client.post(
        f"/directory/contacts/{entry.id}/revert", data={"entry_id": first_version.id}
    )

    assert response.status_code == 403
    db.session.refresh(entry)
    assert entry.name == "Second"


def test_reverting_to_another_entrys_version_is_refused(
    contact, client, user, login, member_state
):
    brazil = member_state("BR")
    entry = contact(brazil, name="Mine")
    other = contact(brazil, name="Other")
    others_version = history("PointOfContact", other.id)[-1]
    login(user("admin"))

    response = client.post(
        f"/directory/contacts/{entry.id}/revert", data={"entry_id": others_version.id}
    )

    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.name == "Mine"
    assert len(history("PointOfContact", entry.id)) == 1


def test_a_revert_without_a_version_is_refused_with_a_message(
    contact, client, user, login, member_state
):
    entry = contact(member_state("BR"), name="Mine")
    login(user("admin"))

    response = client.post(
        f"/directory/contacts/{entry.id}/revert", data={"entry_id": "abc"}, follow_redirects=True
    )

    assert response.status_code == 200
    assert "Choose a version from this entry" in response.get_data(as_text=True)
