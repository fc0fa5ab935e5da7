"""The header's navigation: the entries the viewer's roles may open, in their language,
the page's own marked as current; worked out once per roles and language."""

from __future__ import annotations

import re

from webapp.extensions import db


def header(client, path: str = "/") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'<ul class="nav">(.*?)</ul>', page, re.S)[1]


def test_each_viewer_sees_the_entries_their_roles_open(client, user, login):
    login(user("admin"))
    assert 'href="/admin/users"' in header(client)
    login(user("participant"))
    assert 'href="/admin/users"' not in header(client)
    assert 'href="/directory/"' in header(client)


def test_the_entries_follow_the_viewers_language(client, user, login):
    reader = user("admin")
    login(reader)
    english = header(client)
    reader.language = "fr"
    db.session.commit()
    assert header(client) != english
    assert 'lang="fr"' in client.get("/").get_data(as_text=True)


def test_only_the_page_opened_is_marked_current(client, user, login):
    login(user("admin"))
    marked = re.findall(r'<a href="([^"]+)" aria-current="page">', header(client, "/directory/"))
    assert marked == ["/directory/"]
    assert 'aria-current="page"' not in header(client, "/")


def test_signed_out_visitors_see_no_entries_of_signed_in_pages(client):
    assert "/directory/" not in header(client, "/")
