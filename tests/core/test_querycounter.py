"""The X-Query-Count header that `make bench` reads: on only when configured."""

from __future__ import annotations

import pytest

from tests.signin import session_key_for
from webapp.core.querycounter import HEADER


def test_responses_carry_no_query_count_by_default(client):
    assert HEADER not in client.get("/healthz").headers


@pytest.fixture()
def counted(another_app):
    """Another application with the header on."""
    return another_app(QUERY_COUNT_HEADER=True)


def test_with_the_setting_each_response_says_how_many_statements_it_issued(counted, user):
    person = user("admin")
    client = counted.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = session_key_for(person)
    anonymous = counted.test_client().get("/")
    signed_in = client.get("/")
    assert anonymous.headers[HEADER] == "0"
    assert int(signed_in.headers[HEADER]) >= 1  # at least the signed-in user
