"""Browser tests: the application served on loopback, driven by Debian's Chromium through
Playwright.

Chromium is found at `PUERTO_CHROMIUM` or `/usr/bin/chromium`. Without it these tests are
not collected at all, unless `PUERTO_REQUIRE_BROWSER=1` (as in CI), where its absence is
a collection error. Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tests.e2e.support import field

CHROMIUM = Path(os.environ.get("PUERTO_CHROMIUM") or "/usr/bin/chromium")
REQUIRED = os.environ.get("PUERTO_REQUIRE_BROWSER") == "1"
# The machine may have no network: without these Chromium waits on services it cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous enough for a loaded CI machine, short enough that a hang fails fast.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

if not CHROMIUM.is_file():
    if REQUIRED:
        pytest.fail(
            f"PUERTO_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM} "
            "(install Debian's `chromium` or set PUERTO_CHROMIUM).",
            pytrace=False,
        )
    collect_ignore_glob = ["test_*.py"]


class _QuietHandler(WSGIRequestHandler):
    """No access log on the test output."""

    def log_request(self, *args: object, **kwargs: object) -> None:
        pass


class _Tracked:
    """The application, counting the requests it is handling, so that a test's tables are
    emptied only once the browser's last requests (a favicon, say) are answered.

    A request counts until the application returns its response: Flask has then torn
    down the request and released its database session. (Werkzeug may hold the socket
    a while longer, reading what the browser left on it.)"""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.running: list[str] = []
        self.changed = threading.Condition()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO')}"
        with self.changed:
            self.running.append(request)
        try:
            return self.app(environ, start_response)
        finally:
            with self.changed:
                self.running.remove(request)
                self.changed.notify_all()

    def wait_idle(self, timeout: float = 10) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: not self.running, timeout)


@pytest.fixture(scope="session")
def _server(_app: Flask) -> Iterator[tuple[BaseWSGIServer, _Tracked]]:
    """The session's application on a free loopback port, one thread per request."""
    tracked = _Tracked(_app)
    server = make_server("127.0.0.1", 0, tracked, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield server, tracked
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture()
def live_server(app: Flask, _server: tuple[BaseWSGIServer, _Tracked]) -> Iterator[str]:
    """The base URL of the running application, with CSRF protection on so the real
    forms and their tokens are exercised, and links in emails pointing at it.

    The `app` fixture restores the configuration and empties the tables afterwards."""
    server, tracked = _server
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config.update(WTF_CSRF_ENABLED=True, BASE_URL=base_url)
    yield base_url
    assert tracked.wait_idle(), f"requests still running after the test: {tracked.running}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def new_page(browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """`new_page()`: a page in a fresh browser (its own cookies), English unless asked,
    opening relative URLs on the live server. Closed after the test."""
    contexts = []

    def make(locale: str = "en-US") -> Page:
        context = browser.new_context(base_url=live_server, locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture()
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


@pytest.fixture()
def sign_in() -> Callable[..., None]:
    """`sign_in(page, email, password)` through the sign-in form; waits for the redirect."""

    def submit(page: Page, email: str, password: str, *, open_form: bool = True) -> None:
        if open_form:
            page.goto("/login")
        field(page, "Email").fill(email)
        field(page, "Password").fill(password)
        with page.expect_navigation():
            page.locator("main").get_by_role("button", name="Sign in").click()

    return submit


@pytest.fixture(scope="session")
def translated(_app: Flask) -> Callable[[str, str], str]:
    """`translated("es", "Sign out")`: what the catalog says for a message, or the message
    itself while it is untranslated, exactly as the application will show it."""
    from babel.support import Translations

    folder = Path(_app.root_path) / "translations"  # where Flask-Babel looks
    catalogs: dict[str, Translations] = {}

    def lookup(language: str, message: str) -> str:
        if language not in catalogs:
            catalogs[language] = Translations.load(str(folder), [language])
        return catalogs[language].gettext(message)

    return lookup
