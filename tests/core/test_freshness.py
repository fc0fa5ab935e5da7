"""Results kept between requests stay within a bound of rendered text per process (the
oldest go first, and the newest is always kept), and are dropped by every write a reader
could see, but not by the bookkeeping of a sign-in."""

import sqlalchemy as sa

from webapp.accounts.models import new_session_token
from webapp.core import freshness
from webapp.core.timezones import utcnow
from webapp.extensions import db


def test_the_oldest_pages_go_when_the_kept_text_passes_its_bound(app):
    freshness.touch(db.session, "directory")
    db.session.commit()
    half = freshness.MAX_TEXT // 2 + 1
    freshness.cached("directory", "bound-small", lambda: "small")
    freshness.cached("directory", "bound-first", lambda: "a" * half)
    freshness.cached("directory", "bound-second", lambda: "b" * half)
    computed = []

    def again(text: str):
        def compute() -> str:
            computed.append(text)
            return text

        return compute

    freshness.cached("directory", "bound-second", again("b"))
    freshness.cached("directory", "bound-first", again("a"))
    # The second page is kept; the first and the small one, older, had to go.
    assert computed == ["a"]
    freshness.cached("directory", "bound-small", again("small"))
    assert computed == ["a", "small"]


def test_several_tokens_are_read_in_one_query_and_kept_for_the_request(app):
    from tests.querycount import count_queries

    freshness.touch(db.session, "directory")
    freshness.touch(db.session, "meetings")
    db.session.commit()
    with count_queries() as counted:  # one application context: one request
        meetings, directory, nothing = freshness.read_tokens("meetings", "directory", "none")
        assert freshness.current("directory") == directory
        assert freshness.read_tokens("meetings") == (meetings,)
    assert counted.count == 1
    assert meetings and directory and meetings != directory and nothing is None


def test_a_kept_result_found_stale_is_computed_again(app):
    freshness.touch(db.session, "directory")
    db.session.commit()
    freshness.cached("directory", "clock", lambda: ("until 10:00", "first"))
    # Still fresh for the tables; the caller finds it out of date (its clock passed).
    kept = freshness.cached("directory", "clock", lambda: ("later", "second"), stale=None)
    assert kept == ("until 10:00", "first")
    again = freshness.cached(
        "directory", "clock", lambda: ("later", "second"), stale=lambda r: r[0] != "later"
    )
    assert again == ("later", "second")
    assert freshness.cached("directory", "clock", lambda: ("x", "third")) == ("later", "second")


def _tokens() -> tuple[str | None, ...]:
    db.session.expire_all()
    return tuple(
        db.session.scalar(
            sa.select(freshness.DataVersion.token).where(freshness.DataVersion.name == name)
        )
        for name in ("directory", "meetings", "meeting page")
    )


def test_a_sign_in_drops_no_kept_page_but_a_change_anyone_sees_drops_them(app, user):
    person = user("focal_point", name="Ana Pérez")
    before = _tokens()
    assert all(before)  # the account's creation renewed every group watching accounts
    person.last_login_at = utcnow()  # what signing in writes
    person.session_token = new_session_token()  # what "sign out everywhere" writes
    db.session.commit()
    assert _tokens() == before
    person.last_login_at = utcnow()
    person.name = "Ana Pérez Gómez"  # shown on directory and meeting pages
    db.session.commit()
    after = _tokens()
    assert all(a != b for a, b in zip(after, before, strict=True))
    person.is_active_account = False
    db.session.commit()
    assert all(a != b for a, b in zip(_tokens(), after, strict=True))


def test_signing_in_through_the_form_leaves_a_kept_page_kept(app, client, user):
    from tests.querycount import count_queries

    reader = user("admin")
    other = user("organizer")
    client.post("/login", data={"email": reader.email, "password": reader.test_password})
    client.get("/directory/")
    with count_queries() as kept:
        client.get("/directory/")
    before = _tokens()
    other_browser = app.test_client()
    signed_in = other_browser.post(
        "/login", data={"email": other.email, "password": other.test_password}
    )
    assert signed_in.status_code == 302
    db.session.expire_all()
    assert other.last_login_at is not None
    assert _tokens() == before
    with count_queries() as again:
        client.get("/directory/")
    assert again.count == kept.count
