"""One date style per page: no page shows "2026-11-30" in one place and "Nov 30, 2026" in
another, or two localised styles ("11/30/26" and "Nov 30, 2026").

The demo data is loaded and the pages an admin with every role can open are crawled from
the navigation, following links, so a new page or a new date on a page is checked without
editing this file. Dates a machine reads (CSV, `<input type=date>` values, `<time
datetime=...>`) are attributes or downloads and are not looked at.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from webapp.core.access import ROLES

MONTHS = "January|February|March|April|June|July|August|September|October|November|December"
# English (the walk reads the pages in English; every language uses the same styles).
STYLES = {
    "ISO": re.compile(r"(?<![\d/-])\d{4}-\d{2}-\d{2}(?![\d-])"),
    "short": re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}/\d{2}(?![\d/])"),
    "medium": re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}"),
    "long": re.compile(rf"\b(?:{MONTHS}) \d{{1,2}}, \d{{4}}"),
}
# Not pages: downloads, the language switch, signing out, calendar feeds.
SKIP = re.compile(
    r"\.(csv|vcf|ics|xlsx|pdf|svg|png|js|css)$|/logout|/language|/feed|/export|/health"
)
PAGE_LIMIT = 800
# Filters and page numbers of one page: a few are enough.
VARIANTS = 3


class _Page(HTMLParser):
    """The text a reader sees (no scripts, styles or form values) and the page's links.
    A field's help is left out too: it shows how to type a value, and the instalments
    box is typed with ISO dates ("2026-06-30 5000.00")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._help = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "textarea"):
            self._hidden += 1
        if tag == "p" and "help" in (dict(attrs).get("class") or "").split():
            self._help = True
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "textarea") and self._hidden:
            self._hidden -= 1
        if tag == "p":
            self._help = False

    def handle_data(self, data: str) -> None:
        if not self._hidden and not self._help:
            self.text.append(data)


def date_styles(text: str) -> dict[str, list[str]]:
    """Each date style found in `text`, with its examples."""
    found = {name: pattern.findall(text) for name, pattern in STYLES.items()}
    return {name: sorted(set(examples))[:3] for name, examples in found.items() if examples}


def test_the_detector_tells_the_styles_apart():
    assert date_styles("Nov 30, 2026 and November 30, 2026") == {
        "medium": ["Nov 30, 2026"],
        "long": ["November 30, 2026"],
    }
    assert set(date_styles("2026-11-30, 11/30/26")) == {"ISO", "short"}
    assert date_styles("NV-1/2025, +55 11 2345-6789, YYYY-MM-DD, 2026-001") == {}


@pytest.fixture()
def demo(app, runner):
    assert runner.invoke(args=["reference", "load"]).exit_code == 0
    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output


def test_no_page_formats_dates_two_ways(app, client, demo, user, login):
    login(user(*ROLES, language="en"))
    queue = deque(["/"])
    seen: set[str] = set()
    variants: dict[str, int] = {}
    mixed: dict[str, dict[str, list[str]]] = {}
    while queue and len(seen) < PAGE_LIMIT:
        path = queue.popleft()
        route = urlsplit(path).path
        if path in seen or variants.get(route, 0) >= VARIANTS:
            continue
        seen.add(path)
        variants[route] = variants.get(route, 0) + 1
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        styles = date_styles(" ".join(page.text))
        if len(styles) > 1 or "ISO" in styles:
            mixed[path] = styles
        for href in page.links:
            link = urldefrag(href)[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # another site, mailto:, a page-relative anchor
            if SKIP.search(parts.path):
                continue
            if link not in seen:
                queue.append(link)
    assert len(seen) > 50  # the crawl reached the parts' pages
    assert mixed == {}, "\n".join(f"{p}: {s}" for p, s in mixed.items())
