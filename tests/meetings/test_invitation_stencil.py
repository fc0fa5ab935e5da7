"""Invitations written together are rendered once per shape (what the participant is
invited to, their language and zone) and completed for each participant: each must be the
message rendered for that participant alone, and two participants' messages differ only in
their names and their own links."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from tests.meetings.support import NOW, guest, make_series
from webapp.core import mailer, tokens
from webapp.core.links import external_url
from webapp.extensions import db
from webapp.meetings import invitations
from webapp.meetings.invitations import ANSWER_PURPOSE, INVITATION

# The token in a participant's links is signed with the current second: compared apart.
TOKEN = re.compile(r"(/answer/(\d+)/)([^/?\s\"<&]+)")


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


def without_tokens(text: str) -> str:
    return TOKEN.sub(r"\1TOKEN", text)


def rendered_alone(participant) -> mailer.Email:
    """The invitation as `mailer.render` writes it for this participant alone."""
    series = invitations.calendar_series(participant)
    return mailer.render(
        INVITATION,
        invitations._recipient(participant),
        subject=lambda: invitations._("Invitation: %(title)s", title=series.title),
        template="meetings/mail/invitation",
        key="alone",
        context=invitations._context(participant),
        reply_to=invitations._reply_to(series),
    )


def written_for(sent_mail, person) -> object:
    (message,) = sent_mail(INVITATION, to=person.email)
    return message


def test_each_invitation_written_together_is_the_one_rendered_for_that_participant_alone(
    organizer, sent_mail
):
    meeting = make_series(
        organizer, rule="FREQ=MONTHLY;INTERVAL=6;COUNT=3", zone="America/Santiago"
    )
    people = [
        guest(meeting, organizer, "ana@customs.example", language="es"),
        guest(meeting, organizer, "bea@customs.example", language="es", name="Beatriz Núñez",
              role="observer"),
        guest(meeting, organizer, "chris@customs.example", language="en", name="Chris <b>&amp;"),
        guest(meeting, organizer, "dom@customs.example", language="fr", name='Dominique "Dom"'),
        guest(meeting, organizer, "eva@customs.example", language="fr", name="Ève O'Neil",
              timezone="America/St_Johns"),
        guest(meeting, organizer, "fab@customs.example", language="pt", name="Fábio",
              timezone="Asia/Kolkata"),
        guest(meeting, organizer, "gil@customs.example", language="pt",
              name="gil@customs.example"),
        guest(meeting, organizer, "hal@customs.example", language="en", name="Hal"),
        guest(meeting.occurrences[1], organizer, "ivo@customs.example", language="es",
              name="Ivo"),
    ]  # fmt: skip
    people[-2].name = "Hal\nHarper"  # a name on two lines: the salutation's lines change
    db.session.commit()
    assert invitations.send_invitations(meeting, now=NOW) == len(people)
    db.session.commit()
    for person in people:
        written, alone = written_for(sent_mail, person), rendered_alone(person)
        assert written.subject == alone.subject
        assert written.calendar_content == invitations.calendar_request(person, now=NOW)
        assert without_tokens(written.body_text) == without_tokens(alone.body_text)
        assert without_tokens(written.body_html) == without_tokens(alone.body_html)
        links = TOKEN.findall(written.body_text + written.body_html)
        assert len(links) == 10  # five links, in each part
        for _, participant_id, token in links:
            assert int(participant_id) == person.id
            assert tokens.verify(ANSWER_PURPOSE, token, max_age=None) == person.id
        # As the routes build them.
        token = links[0][2]
        assert re.findall(r"http://\S+", written.body_text) == [
            *(invitations.answer_url(person, answer, token) for answer in invitations.ANSWERS),
            external_url("meetings.participant_ics", participant_id=person.id, token=token),
        ]


def test_two_participants_invitations_differ_only_in_their_names_and_links(organizer, sent_mail):
    meeting = make_series(organizer, rule="FREQ=MONTHLY;INTERVAL=6;COUNT=3")
    first = guest(meeting, organizer, "ana@customs.example", language="fr", name="Ana Pérez")
    second = guest(meeting, organizer, "bruno@customs.example", language="fr", name="B & <C>")
    invitations.send_invitations(meeting, now=NOW)
    db.session.commit()

    def generic(person, text: str, html: bool) -> str:
        name = str(escape(person.name)) if html else person.name
        assert name in text
        return TOKEN.sub(r"/answer/ID/TOKEN", without_tokens(text.replace(name, "NAME")))

    one, two = written_for(sent_mail, first), written_for(sent_mail, second)
    assert one.body_text != two.body_text
    assert generic(first, one.body_text, False) == generic(second, two.body_text, False)
    assert generic(first, one.body_html, True) == generic(second, two.body_html, True)
    assert one.subject == two.subject


def test_a_stencil_refuses_slots_other_than_its_own(organizer):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example")
    stencil = invitations._invitation_stencil(meeting)
    with pytest.raises(ValueError):
        stencil.render(
            invitations._recipient(person),
            shape="any",
            key="k",
            context=lambda links: invitations._values(person, links),
            slots={"accepted": "http://localhost/a"},
        )
