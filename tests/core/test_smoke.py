def test_home_page_renders_for_anonymous_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Sign in" in response.data


def test_signed_in_admin_sees_the_mail_outbox_in_navigation(client, user, login):
    login(user("admin"))
    response = client.get("/")
    assert b"Mail outbox" in response.data
