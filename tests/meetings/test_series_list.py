"""The meetings list shows fifty series a page, newest first, every series one may see
reachable through the pages."""

from __future__ import annotations

import re

from tests.meetings.support import make_series


def titles(page: str) -> list[str]:
    return re.findall(r">(Series \d+)</a></th>", page)


def test_the_list_shows_fifty_series_a_page_newest_first(client, login, user):
    organizer = user("organizer")
    for n in range(53):
        make_series(organizer, title=f"Series {n:02}")
    login(organizer)
    first = client.get("/meetings/").get_data(as_text=True)
    assert titles(first) == [f"Series {n:02}" for n in range(52, 2, -1)]
    assert "Page 1 of 2" in first
    second = client.get("/meetings/?page=2").get_data(as_text=True)
    assert titles(second) == ["Series 02", "Series 01", "Series 00"]
    assert titles(client.get("/meetings/?page=99").get_data(as_text=True)) == titles(second)
    assert client.get("/meetings/?page=x").status_code == 200
