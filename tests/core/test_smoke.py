def test_home_page_renders_for_anonymous_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Sign in" in response.data


def test_signed_in_admin_sees_the_mail_outbox_in_navigation(client, user, login):
    login(user("admin"))
    response = client.get("/")
    assert b"Mail outbox" in response.data


def test_a_zone_name_of_any_length_or_content_is_just_invalid():
    from webapp.core.timezones import is_valid_zone

    assert is_valid_zone("America/Port-au-Prince")
    assert not is_valid_zone("x" * 20_000)
    assert not is_valid_zone("America/\x00")
    assert not is_valid_zone("../../etc/passwd")


def test_a_nul_byte_in_a_form_or_query_is_refused_before_reaching_the_database(client):
    assert client.get("/directory/?q=a%00b").status_code == 400
    assert client.post("/login", data={"email": "a\x00@x.org", "password": "p"}).status_code == 400
    assert client.post("/login", data={"email": "a@x.org", "password": "p"}).status_code == 200
