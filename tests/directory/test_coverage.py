"""The coverage page: statuses, counts by area, the chart, who sees what, the period form
and the by-hand request, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.querycount import count_queries
from webapp.core import freshness
from webapp.core.timezones import utcnow
from webapp.directory import refresh, standing
from webapp.directory.chart import contacts_chart
from webapp.directory.models import WITHDRAWN, DirectorySettings, RefreshRequest
from webapp.extensions import db


def today():
    return utcnow().date()


def days_ago(n):
    return today() - timedelta(days=n)


def status_of(state):
    return standing.standing_of(state.id, today()).status


def row_of(html: bytes, name: str) -> str:
    text = html.decode()
    start = text.index(f'<th scope="row">{name}</th>')
    return text[start : text.index("</tr>", start)]


# --- statuses -------------------------------------------------------------------------


def test_a_state_verified_within_its_period_is_current(contact, member_state, user):
    br = member_state("BR")
    contact(br, verified=days_ago(10))
    user("focal_point", states=[br])
    assert status_of(br) == standing.CURRENT


def test_a_state_past_its_period_is_due(contact, member_state, user):
    br = member_state("BR")
    contact(br, verified=days_ago(181))
    user("focal_point", states=[br])
    assert status_of(br) == standing.DUE


def test_a_state_past_its_period_and_the_escalation_days_is_stale(contact, member_state, user):
    br = member_state("BR")
    contact(br, verified=days_ago(180 + 31))
    user("focal_point", states=[br])
    assert status_of(br) == standing.STALE


def test_a_state_without_active_entries_has_no_contacts(contact, member_state, user):
    br = member_state("BR")
    contact(br, verified=days_ago(3), status=WITHDRAWN)
    user("focal_point", states=[br])
    assert status_of(br) == standing.NO_CONTACTS


def test_a_state_with_entries_but_no_focal_point_says_so(contact, member_state):
    br = member_state("BR")
    contact(br, verified=days_ago(3))
    assert status_of(br) == standing.NO_FOCAL_POINT


def test_a_state_period_decides_its_status(contact, member_state, user):
    br = member_state("BR")
    contact(br, verified=days_ago(40))
    user("focal_point", states=[br])
    standing.set_verification_days(br.id, 30)
    db.session.commit()
    assert status_of(br) == standing.DUE


# --- the page -------------------------------------------------------------------------


@pytest.fixture()
def world(area, contact, member_state, user):
    """Brazil current with areas, Mexico due, Canada without contacts, and an admin."""
    br, mx, ca = member_state("BR"), member_state("MX"), member_state("CA")
    customs, firearms = area("customs", position=1), area("firearms", position=2)
    contact(br, verified=days_ago(5), areas=(customs, firearms))
    contact(br, verified=days_ago(20), areas=(customs,))
    contact(mx, verified=days_ago(200), areas=(firearms,))
    for state in (br, mx, ca):
        user("focal_point", states=[state])
    return {"br": br, "mx": mx, "ca": ca, "admin": user("admin")}


def test_the_coverage_page_shows_each_state_status(client, login, world):
    login(world["admin"])
    page = client.get("/directory/coverage").data
    assert "status-current" in row_of(page, "Brazil")
    assert "status-due" in row_of(page, "Mexico")
    assert "status-no_contacts" in row_of(page, "Canada")


def test_the_coverage_page_counts_active_contacts_by_area(client, login, world):
    login(world["admin"])
    page = client.get("/directory/coverage").data
    assert re.search(r'data-label="Active contacts">2</td>', row_of(page, "Brazil"))
    # The counts by area are a detail, in their own table: customs, firearms, focal points.
    text = page.decode()
    start = text.index('<th scope="row" class="area-state">Brazil</th>')
    by_area = re.findall(
        r'class="area-count">(\d+)</td>', text[start : text.index("</tr>", start)]
    )
    assert by_area == ["2", "1", "1"]


def test_the_coverage_page_shows_the_oldest_verification(client, login, world):
    login(world["admin"])
    brazil = row_of(client.get("/directory/coverage").data, "Brazil")
    assert days_ago(20).strftime("%Y") in brazil
    assert str(days_ago(20).day) in brazil


def test_the_coverage_page_shows_the_last_request_and_answer(requests_of, client, login, world):
    refresh.send_request_by_hand(world["mx"].id, world["admin"], utcnow())
    db.session.commit()
    [request] = requests_of(world["mx"])
    refresh.answer_request(request, "corrected", utcnow())
    db.session.commit()
    login(world["admin"])
    mexico = row_of(client.get("/directory/coverage").data, "Mexico")
    assert "corrected" in mexico
    assert "status-current" in mexico


def test_the_chart_is_inline_svg_with_a_title_and_description(client, login, world):
    login(world["admin"])
    page = client.get("/directory/coverage").data.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg
    assert "<title id=" in svg
    assert "<desc id=" in svg
    assert svg.count("<rect") == 3


def test_the_chart_bars_follow_the_contact_counts(world):
    rows = standing.standings(today())
    chart = contacts_chart(rows)
    widths = {bar.label: bar.width for bar in chart.bars}
    assert widths["BR"] == chart.plot_width
    assert widths["MX"] == chart.plot_width // 2
    assert widths["CA"] == 0


def test_the_coverage_page_uses_no_inline_script_or_style(client, login, world):
    login(world["admin"])
    page = client.get("/directory/coverage").data
    assert b"style=" not in page
    assert b"<script>" not in page


def test_the_coverage_page_issues_a_fixed_number_of_queries(
    area, contact, client, login, member_state, user
):
    """Two states with a few entries, then eight with many entries, areas and requests:
    the same number of queries."""
    login(user("admin"))
    customs = area("customs")
    br = member_state("BR")
    contact(br, verified=days_ago(3), areas=(customs,))
    client.get("/directory/coverage")
    freshness.touch(db.session, "directory")  # nothing kept: the whole work is counted
    db.session.commit()
    db.session.expire_all()  # as after a commit, so both requests load the same things
    with count_queries() as small:
        assert client.get("/directory/coverage").status_code == 200

    for code in ("MX", "CA", "JM", "AR", "US", "CL", "PE"):
        state = member_state(code)
        focal = user("focal_point", states=[state])
        for n in range(6):
            contact(state, verified=days_ago(100 + 30 * n), areas=(customs, area(f"a{n}")))
        standing.set_verification_days(state.id, 90)
        db.session.add(
            RefreshRequest(
                member_state_id=state.id,
                cycle=days_ago(10),
                focal_point_id=focal.id,
                answered_at=utcnow(),
                answer="confirmed",
            )
        )
        db.session.commit()
    freshness.touch(db.session, "directory")
    db.session.commit()
    db.session.expire_all()
    with count_queries() as large:
        assert client.get("/directory/coverage").status_code == 200
    assert large.count == small.count
    assert large.count <= 12


# --- who sees what --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "organizer", "finance"])
def test_the_secretariat_sees_every_state(client, login, user, world, role):
    login(user(role))
    page = client.get("/directory/coverage").data
    assert all(name in page for name in (b"Brazil", b"Mexico", b"Canada"))


def test_a_focal_point_sees_only_the_rows_of_their_states(client, login, user, world):
    login(user("focal_point", states=[world["br"]]))
    page = client.get("/directory/coverage").data
    assert b"Brazil" in page
    assert b"Mexico" not in page


def test_a_focal_point_sees_no_buttons_on_the_coverage_page(client, login, user, world):
    login(user("focal_point", states=[world["br"]]))
    page = client.get("/directory/coverage").data
    assert b"Send a refresh request" not in page
    assert b"Save the period" not in page


def test_a_participant_cannot_open_the_coverage_page(client, login, user):
    login(user("participant"))
    assert client.get("/directory/coverage").status_code == 403


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get("/directory/coverage")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_coverage_page_is_in_the_secretariat_navigation(client, login, user):
    login(user("organizer"))
    assert b'href="/directory/coverage"' in client.get("/").data


# --- the verification period ----------------------------------------------------------


def test_an_organizer_sets_a_state_verification_period(client, login, user, world):
    login(user("organizer"))
    response = client.post(
        "/directory/coverage/period", data={"state": world["br"].id, "days": "90"}
    )
    assert response.status_code == 302
    assert db.session.get(DirectorySettings, world["br"].id).verification_days == 90


def test_an_empty_period_returns_the_state_to_the_default(client, login, world):
    standing.set_verification_days(world["br"].id, 90)
    db.session.commit()
    login(world["admin"])
    client.post("/directory/coverage/period", data={"state": world["br"].id, "days": ""})
    db.session.expire_all()
    assert db.session.get(DirectorySettings, world["br"].id) is None


@pytest.mark.parametrize("days", ["0", "3651", "-5", "ninety", "12.5"])
def test_a_period_outside_one_to_3650_days_is_refused(client, login, world, days):
    login(world["admin"])
    response = client.post(
        "/directory/coverage/period", data={"state": world["br"].id, "days": days}
    )
    assert response.status_code == 400
    assert b"Enter a whole number of days from 1 to 3650." in response.data
    assert db.session.get(DirectorySettings, world["br"].id) is None


def test_a_period_without_a_state_is_refused(client, login, world):
    login(world["admin"])
    response = client.post("/directory/coverage/period", data={"days": "90"})
    assert response.status_code == 400
    assert b"Choose a member state." in response.data


def test_a_period_for_an_unknown_state_is_refused(client, login, world):
    login(world["admin"])
    response = client.post("/directory/coverage/period", data={"state": "99999", "days": "90"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DirectorySettings)) == 0


def test_finance_cannot_set_a_period(client, login, user, world):
    login(user("finance"))
    response = client.post(
        "/directory/coverage/period", data={"state": world["br"].id, "days": "90"}
    )
    assert response.status_code == 403


# --- a request by hand ----------------------------------------------------------------


def test_an_admin_sends_a_refresh_request_by_hand(requests_of, sent_mail, client, login, world):
    login(world["admin"])
    response = client.post(f"/directory/coverage/{world['br'].id}/request")
    assert response.status_code == 302
    [request] = requests_of(world["br"])
    assert request.manual is True
    assert request.requested_by_id == world["admin"].id
    assert request.cycle == today()  # Brazil was not due: the cycle starts today
    assert len(sent_mail("directory-refresh-request")) == 1


def test_a_request_by_hand_to_a_due_state_belongs_to_its_cycle(requests_of, client, login, world):
    login(world["admin"])
    client.post(f"/directory/coverage/{world['mx'].id}/request")
    [request] = requests_of(world["mx"])
    assert request.cycle == days_ago(200) + timedelta(days=180)


def test_a_request_by_hand_is_refused_while_one_is_open(
    requests_of, sent_mail, client, login, world
):
    login(world["admin"])
    client.post(f"/directory/coverage/{world['br'].id}/request")
    response = client.post(f"/directory/coverage/{world['br'].id}/request", follow_redirects=True)
    assert b"already open" in response.data
    assert len(requests_of(world["br"])) == 1
    assert len(sent_mail("directory-refresh-request")) == 1


def test_a_request_by_hand_to_a_state_without_focal_point_is_refused(
    contact, requests_of, client, login, member_state, world
):
    jm = member_state("JM")
    contact(jm, verified=days_ago(3))
    login(world["admin"])
    response = client.post(f"/directory/coverage/{jm.id}/request", follow_redirects=True)
    assert b"has no focal point" in response.data
    assert requests_of(jm) == []


def test_a_state_without_focal_point_is_not_offered_a_request_but_told_why(
    contact, client, login, member_state, world
):
    jm = member_state("JM")
    contact(jm, verified=days_ago(3))
    login(world["admin"])
    page = client.get("/directory/coverage").data
    jamaica = row_of(page, "Jamaica")
    assert f"/directory/coverage/{jm.id}/request" not in jamaica
    assert "No focal point to ask" in jamaica
    assert f"/directory/coverage/{world['br'].id}/request" in row_of(page, "Brazil")


def test_a_request_by_hand_to_an_unknown_state_is_not_found(client, login, world):
    login(world["admin"])
    assert client.post("/directory/coverage/99999/request").status_code == 404


@pytest.mark.parametrize("role", ["finance", "focal_point", "participant"])
def test_only_admins_and_organizers_send_requests_by_hand(
    requests_of, client, login, user, world, role
):
    login(user(role, states=[world["br"]]))
    assert client.post(f"/directory/coverage/{world['br'].id}/request").status_code == 403
    assert requests_of(world["br"]) == []
