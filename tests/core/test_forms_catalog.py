"""WTForms' own messages follow the viewer's language from one request to the next, with
each language's catalog read once per process."""

from __future__ import annotations

import html

import pytest

from webapp.extensions import db


@pytest.fixture()
def reader(member_state, user, login):
    member_state("BR")
    admin = user("admin")
    login(admin)
    return admin


def bad_state_message(client) -> str:
    response = client.get("/directory/?state=ZZ")
    assert response.status_code == 200  # the search page, its filters marked
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "N'est pas un choix valide."),
        ("es", "Opción inválida."),
        ("pt", "Escolha inválida."),
        ("en", "Not a valid choice."),
    ],
)
def test_a_refused_choice_is_said_in_the_viewers_language(client, reader, language, message):
    reader.language = language
    db.session.commit()
    assert message in bad_state_message(client)


def test_the_language_changes_between_requests(client, reader):
    reader.language = "fr"
    db.session.commit()
    assert "N'est pas un choix valide." in bad_state_message(client)
    reader.language = "es"
    db.session.commit()
    page = bad_state_message(client)
    assert "Opción inválida." in page and "N'est pas" not in page
