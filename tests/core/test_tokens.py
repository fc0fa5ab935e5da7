"""The one token signer: a signed link opens only what it was made for, only while it is
valid, and only as it was issued."""

from __future__ import annotations

import time

import pytest

from webapp.core import tokens
from webapp.core.tokens import InvalidToken


def test_a_token_gives_back_its_payload_for_its_purpose(app):
    token = tokens.sign("invitation", {"user": 7, "email": "a@example.org"})
    assert tokens.verify("invitation", token, max_age=60) == {"user": 7, "email": "a@example.org"}


def test_a_link_issued_before_an_upgrade_still_opens(app):
    # Signed on 30 November 2026 with the test configuration's secret: the signing scheme
    # (and so every link already mailed) must not change from one version to the next.
    app.config["SECRET_KEY"] = "testing-secret-key"
    issued = "eyJ1c2VyIjo3fQ.aw3ibA.y8jqFhBkfr5AROELh8YT7dV4DeU"
    assert tokens.verify("invitation", issued, max_age=None) == {"user": 7}


def test_a_token_without_an_age_limit_is_accepted(app):
    assert tokens.verify("answer", tokens.sign("answer", [1, "yes"]), max_age=None) == [1, "yes"]


def test_a_token_for_another_purpose_is_refused_as_invalid(app):
    token = tokens.sign("password-reset", {"user": 7})
    with pytest.raises(InvalidToken) as refused:
        tokens.verify("invitation", token, max_age=60)
    assert refused.value.expired is False


def test_a_tampered_token_is_refused_as_invalid(app):
    token = tokens.sign("invitation", {"user": 7})
    payload, rest = token.split(".", 1)
    forged = tokens.sign("invitation", {"user": 8}).split(".", 1)[0]
    with pytest.raises(InvalidToken) as refused:
        tokens.verify("invitation", f"{forged}.{rest}", max_age=60)
    assert refused.value.expired is False
    assert payload != forged


@pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c", "eyJ1c2VyIjo3fQ"])
def test_something_that_is_not_a_token_is_refused_as_invalid(app, token):
    with pytest.raises(InvalidToken) as refused:
        tokens.verify("invitation", token, max_age=60)
    assert refused.value.expired is False


def test_a_token_signed_with_another_secret_is_refused(app):
    token = tokens.sign("invitation", {"user": 7})
    app.config["SECRET_KEY"] = "another-secret"
    with pytest.raises(InvalidToken):
        tokens.verify("invitation", token, max_age=60)


def test_a_token_older_than_its_age_limit_is_refused_as_expired(app):
    token = tokens.sign("invitation", {"user": 7})
    time.sleep(1.1)  # the signer counts whole seconds
    with pytest.raises(InvalidToken) as refused:
        tokens.verify("invitation", token, max_age=0)
    assert refused.value.expired is True


def test_an_expired_token_for_another_purpose_is_still_invalid_not_expired(app):
    token = tokens.sign("password-reset", {"user": 7})
    time.sleep(1.1)
    with pytest.raises(InvalidToken) as refused:
        tokens.verify("invitation", token, max_age=0)
    assert refused.value.expired is False


def test_a_refusal_says_whether_the_link_expired():
    assert InvalidToken(expired=True).expired is True
    assert InvalidToken().expired is False
    assert str(InvalidToken(expired=True)) != str(InvalidToken())


def test_an_expired_token_still_tells_whose_it_was(app):
    # The "link expired" page speaks the language of the link's account.
    token = tokens.sign("invitation", {"user": 7})
    with pytest.raises(InvalidToken) as refused:
        tokens.verify("invitation", token, max_age=-1)
    assert (refused.value.expired, refused.value.payload) == (True, {"user": 7})


def test_an_invalid_token_tells_nothing_of_its_content(app):
    token = tokens.sign("invitation", {"user": 7})
    with pytest.raises(InvalidToken) as refused:
        tokens.verify("password-reset", token, max_age=-1)
    assert (refused.value.expired, refused.value.payload) == (False, None)
    assert InvalidToken(payload={"user": 7}).payload is None
