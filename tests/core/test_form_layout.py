"""Forms every part shares (templates/_forms.html): errors announced at the top with a link
to each field, several choices as checkboxes rather than Ctrl-click lists, a favicon."""

from __future__ import annotations

import re

from webapp.extensions import db

EVERY_ROLE = ("admin", "organizer", "finance", "focal_point", "participant")


def test_an_error_is_announced_at_the_top_with_a_link_to_its_field(client, user, login):
    login(user("admin"))
    response = client.post(
        "/invite", data={"name": "", "email": "not an address", "language": "en"}
    )
    page = response.get_data(as_text=True)
    summary = page.index('class="form-errors"')
    assert summary < page.index('id="name"') < page.index('id="email"')
    top = page[summary : page.index("</div>", summary)]
    assert 'href="#name"' in top and 'href="#email"' in top
    assert "Email: Invalid email address." in top


def test_a_service_refusal_for_a_field_is_linked_from_the_top_too(client, user, login):
    login(user("admin"))
    person = user("participant")
    response = client.post(
        f"/admin/users/{person.id}",
        data={"name": "X", "language": "en", "timezone": "UTC", "roles": []},
    )
    page = response.get_data(as_text=True)
    top = page[page.index('class="form-errors"') : page.index('id="name"')]
    assert 'href="#roles"' in top and "Choose at least one role." in top


def test_member_states_are_chosen_with_checkboxes(client, user, login, member_state):
    br, mx = member_state("BR"), member_state("MX")
    login(user("admin"))
    person = user("focal_point", states=[br])
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert f'<input type="checkbox" name="member_states" value="{br.id}" checked>' in page
    assert f'<input type="checkbox" name="member_states" value="{mx.id}">' in page


def test_checked_boxes_are_saved_as_the_multi_select_was(client, user, login, member_state):
    br, mx = member_state("BR"), member_state("MX")
    login(user("admin"))
    person = user("participant")
    client.post(
        f"/admin/users/{person.id}",
        data={
            "name": person.name,
            "roles": ["focal_point"],
            "member_states": [str(br.id), str(mx.id)],
            "language": "en",
            "timezone": "UTC",
        },
    )
    db.session.refresh(person)
    assert person.member_state_ids == {br.id, mx.id}


def test_no_page_asks_for_ctrl_click(app, client, user, login, member_state):
    login(user(*EVERY_ROLE, states=[member_state("BR")]))
    pages = [
        r.rule
        for r in app.url_map.iter_rules()
        if "GET" in r.methods and not r.arguments and r.endpoint != "static"
    ]
    for path in [*pages, "/directory/contacts/new?state=BR"]:
        response = client.get(path)
        if response.mimetype != "text/html":
            continue  # exports (CSV, XLSX, PDF, calendars) have no forms
        page = response.get_data(as_text=True)
        assert not re.search(r"<select[^>]*\bmultiple\b", page), path


def test_a_long_list_of_choices_gets_a_filter_box(client, user, login, member_state):
    for code in ("BR", "MX", "CA", "JM", "AR", "US", "CL", "PE", "CO"):
        member_state(code)
    login(user("admin"))
    page = client.get("/invite").get_data(as_text=True)
    assert 'class="choice-list" data-filter="Filter the list"' in page


def test_pages_name_a_favicon_that_is_served(client):
    page = client.get("/login").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    response = client.get(href)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    response.close()
