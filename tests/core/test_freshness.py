"""Results kept between requests stay within a bound of rendered text per process: the
oldest go first, and the newest is always kept."""

from webapp.core import freshness
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
