"""Every route's `<int:...>` is bounded by the database's integer type: a larger id is a
page that does not exist (404), never a failed query (500)."""

from __future__ import annotations

import pytest

TOO_LARGE = 99999999999999999999  # beyond any INTEGER (and SQLite's 64-bit) column
EVERY_ROLE = ("admin", "organizer", "finance", "focal_point", "participant")


def _routes_with_int_ids(app) -> list[tuple[str, str, dict[str, object]]]:
    found = []
    for rule in app.url_map.iter_rules():
        ints = {name for name, conv in rule._converters.items() if conv.regex == r"\d+"}
        if not ints:
            continue
        values = {name: (TOO_LARGE if name in ints else "x") for name in rule.arguments}
        method = "GET" if "GET" in rule.methods else "POST"
        found.append((rule.endpoint, method, values))
    return found


def test_there_are_routes_with_int_ids_to_check(app):
    endpoints = {endpoint for endpoint, _, _ in _routes_with_int_ids(app)}
    assert {"accounts.edit_user", "core.outbox_message"} <= endpoints
    assert any(endpoint.startswith("reference.") for endpoint in endpoints)


@pytest.mark.parametrize("path", ["/admin/users/99999999999999999999", "/admin/outbox/2147483648"])
def test_an_id_beyond_the_database_integer_is_not_found(client, user, login, path):
    login(user(*EVERY_ROLE))
    assert client.get(path).status_code == 404


def test_the_largest_database_integer_is_still_looked_up(client, user, login):
    login(user(*EVERY_ROLE))
    assert client.get("/admin/users/2147483647").status_code == 404


def test_every_route_with_an_int_id_answers_404_beyond_the_database_integer(
    app, client, user, login, member_state
):
    from flask import url_for

    login(user(*EVERY_ROLE, states=[member_state("BR")]))
    with app.test_request_context():
        targets = [
            (endpoint, method, url_for(endpoint, **values))
            for endpoint, method, values in _routes_with_int_ids(app)
        ]
    for endpoint, method, path in targets:
        response = client.open(path, method=method)
        assert response.status_code == 404, (endpoint, path, response.status_code)
