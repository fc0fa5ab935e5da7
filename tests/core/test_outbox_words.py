"""The outbox pages speak in words: kinds of mail by name, statuses as words, one date
style, technical codes tucked away."""

from __future__ import annotations

import re

from webapp.core import mailer


def _one_message(client, user, login):
    person = user("participant", email="ana@example.org")
    client.post("/password/reset", data={"email": person.email})
    login(user("admin"))


def test_the_list_names_each_kind_of_mail_in_words(client, user, login):
    _one_message(client, user, login)
    page = client.get("/admin/outbox").get_data(as_text=True)
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "<td>Password reset</td>" in body
    assert "password_reset" not in body


def test_the_kind_is_named_in_the_viewers_language(client, user, login):
    _one_message(client, user, login)
    client.post("/language", data={"language": "es"})
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "<td>Restablecimiento de contraseña</td>" in page


def test_a_kind_nobody_named_is_spelled_out(app):
    assert mailer.kind_label("directory-refresh-escalation") == "Directory refresh escalation"


def test_the_message_page_keeps_codes_under_technical_details(client, user, login):
    _one_message(client, user, login)
    listing = client.get("/admin/outbox").get_data(as_text=True)
    link = re.search(r'href="(/admin/outbox/\d+)"', listing).group(1)
    page = client.get(link).get_data(as_text=True)
    details = page.index("<details")
    assert page.index("password-reset:") > details
    assert "<dd>Password reset</dd>" in page[:details]


def test_dates_have_one_style_on_the_list_and_the_message(client, user, login):
    _one_message(client, user, login)
    listing = client.get("/admin/outbox").get_data(as_text=True)
    link = re.search(r'href="(/admin/outbox/\d+)"', listing).group(1)
    created = re.search(r"<td>([A-Z][a-z]{2} \d[^<]*\(America/New_York\))</td>", listing).group(1)
    page = client.get(link).get_data(as_text=True)
    assert f"<dd>{created}</dd>" in page
