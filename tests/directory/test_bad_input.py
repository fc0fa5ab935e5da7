"""Bad input anywhere in the directory gets a message or a refusal, never a 500."""

from __future__ import annotations

import io

import pytest

GARBAGE = ["", "abc", "-1", "99999999999999999999", "0", "<script>", "%00", "é" * 500]


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_the_entry_form_never_fails(agency, client, user, login, member_state, value):
    brazil = member_state("BR")
    agency(brazil, "Receita Federal")
    login(user("organizer"))
    fields = [
        "name", "title", "agency_id", "areas", "languages", "email", "phones",
        "designation", "source_reference", "source_date", "visibility",
    ]  # fmt: skip

    response = client.post("/directory/contacts/new?state=BR", data=dict.fromkeys(fields, value))

    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_the_search_never_fails(client, user, login, value):
    login(user("organizer"))
    for name in ("state", "kind", "area", "language", "q", "page"):
        response = client.get("/directory/", query_string={name: value})
        assert response.status_code in (200, 400), name


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_exports_and_snapshot_never_fails(client, user, login, value):
    login(user("organizer"))
    for url in ("/directory/export.csv", "/directory/export.vcf", "/directory/snapshot"):
        for name in ("state", "day", "q"):
            response = client.get(url, query_string={name: value})
            assert response.status_code in (200, 400), (url, name)


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_the_revert_form_never_fails(contact, client, user, login, member_state, value):
    entry = contact(member_state("BR"))
    login(user("admin"))

    response = client.post(f"/directory/contacts/{entry.id}/revert", data={"entry_id": value})

    assert response.status_code == 302


def test_an_id_too_large_for_the_database_is_not_found(client, user, login):
    login(user("admin"))

    for url in (
        "/directory/contacts/99999999999999999999",
        "/directory/contacts/99999999999999999999.vcf",
        "/directory/agencies/99999999999999999999/edit",
        "/directory/imports/99999999999999999999",
    ):
        assert client.get(url).status_code == 404, url


def test_an_unknown_state_code_in_the_url_is_not_found(client, user, login):
    login(user("organizer"))

    assert client.get("/directory/contacts/new?state=ZZ").status_code == 404


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02", b"\xff\xfe\x00a", b'"unterminated\n', b"a\0b,c\n1,2\n", b"\n\n\n"],
)
def test_malformed_import_files_get_a_message(client, user, login, content):
    login(user("organizer"))

    response = client.post(
        "/directory/imports/new",
        data={"file": (io.BytesIO(content), "x.csv")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400


@pytest.mark.parametrize("field", ["agency_id", "areas"])
def test_an_id_too_large_in_the_entry_form_gets_a_message(
    agency, client, user, login, member_state, field
):
    receita = agency(member_state("BR"), "Receita Federal")
    login(user("organizer"))
    data = {
        "name": "Ana",
        "agency_id": str(receita.id),
        "email": "ana@example.org",
        "designation": "primary",
        "visibility": "member_states",
        field: "99999999999999999999",
    }

    response = client.post("/directory/contacts/new?state=BR", data=data)

    assert response.status_code == 400
