"""The admin's Mail outbox: list, open, retry a failed message."""

from __future__ import annotations

import sqlalchemy as sa

from webapp.core import outbox
from webapp.core.outbox import Email, OutboxMessage
from webapp.extensions import db


def write(key: str, **fields: object) -> int:
    values = {
        "kind": "test",
        "recipient": "officer@example.org",
        "subject": f"Subject {key}",
        "body_text": "Plain body",
        "body_html": "<p>HTML body</p>",
        "idempotency_key": key,
    }
    values.update(fields)
    message_id = outbox.enqueue(Email(**values))
    db.session.commit()
    return message_id


def fail(message_id: int, reason: str = "550 5.1.1 User unknown") -> None:
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=outbox.FAILED, last_error=reason)
    )
    db.session.commit()


def test_an_admin_sees_every_message_with_its_status(app, client, login, user):
    write("a")
    fail(write("b"))
    login(user("admin"))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Subject a" in page and "Subject b" in page
    assert "failed" in page


def test_the_list_can_be_filtered_by_status(app, client, login, user):
    write("a")
    fail(write("b"))
    login(user("admin"))
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "Subject b" in page and "Subject a" not in page


def test_an_admin_opens_a_message_and_reads_it(app, client, login, user):
    message_id = write(
        "a", calendar_method="REQUEST", calendar_content="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    )
    login(user("admin"))
    page = client.get(f"/admin/outbox/{message_id}").get_data(as_text=True)
    assert "Plain body" in page and "BEGIN:VCALENDAR" in page
    html = client.get(f"/admin/outbox/{message_id}/html")
    assert html.get_data(as_text=True) == "<p>HTML body</p>"
    assert "sandbox" in html.headers["Content-Security-Policy"]


def test_an_admin_retries_a_failed_message_and_it_is_delivered(app, client, login, user):
    message_id = write("a")
    fail(message_id)
    login(user("admin"))
    response = client.post(f"/admin/outbox/{message_id}/retry")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).status == outbox.SENT


def test_a_message_that_did_not_fail_cannot_be_retried(app, client, login, user):
    message_id = write("a")
    login(user("admin"))
    response = client.post(f"/admin/outbox/{message_id}/retry", follow_redirects=True)
    assert "Only a failed message can be retried." in response.get_data(as_text=True)


def test_people_other_than_admins_are_refused(app, client, login, user):
    message_id = write("a")
    login(user("organizer", "finance", "focal_point", "participant"))
    assert client.get("/admin/outbox").status_code == 403
    assert client.get(f"/admin/outbox/{message_id}").status_code == 403
    assert client.post(f"/admin/outbox/{message_id}/retry").status_code == 403


def test_the_list_issues_the_same_number_of_queries_however_many_messages(
    app, client, login, user
):
    from tests.querycount import count_queries

    login(user("admin"))
    for n in range(3):
        write(f"few-{n}")
    with count_queries() as few:
        client.get("/admin/outbox")
    for n in range(40):
        write(f"many-{n}")
    with count_queries() as many:
        client.get("/admin/outbox")
    assert many.count == few.count
