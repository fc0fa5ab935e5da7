"""Exports: CSV safe for spreadsheets, vCard 4.0, and the printable dated snapshot."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from webapp.core.audit import AuditEntry
from webapp.directory.exports import fold, safe_cell
from webapp.directory.models import PointOfContact
from webapp.extensions import db


def _csv_rows(response) -> list[dict[str, str]]:
    text = response.data.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_csv_starts_with_a_byte_order_mark_for_excel(contact, client, user, login, member_state):
    contact(member_state("BR"), name="José Conceição")
    login(user("organizer"))

    response = client.get("/directory/export.csv")

    assert response.data.startswith("\ufeff".encode())
    assert "José Conceição" in response.data.decode("utf-8")


def test_csv_cells_that_start_like_a_formula_are_quoted(
    contact, client, user, login, member_state
):
    contact(member_state("BR"), name='=HYPERLINK("http://evil")', title="@SUM(A1)")
    login(user("organizer"))

    row = _csv_rows(client.get("/directory/export.csv"))[0]

    assert row["name"] == '\'=HYPERLINK("http://evil")'
    assert row["title"] == "'@SUM(A1)"


def test_safe_cell_protects_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(start + "1") == "'" + start + "1"
    assert safe_cell("Maria") == "Maria"


def test_csv_honours_the_filters(contact, client, user, login, member_state):
    contact(member_state("BR"), name="Brazilian Bruno")
    contact(member_state("MX"), name="Mexican Marta")
    login(user("organizer"))

    rows = _csv_rows(client.get("/directory/export.csv?state=MX"))

    assert [r["name"] for r in rows] == ["Mexican Marta"]


def test_csv_leaves_out_what_the_viewer_may_not_see(contact, client, user, login, member_state):
    contact(member_state("MX"), name="Shared Sharon")
    contact(member_state("MX"), name="Hidden Hugo", visibility="secretariat")
    contact(member_state("MX"), name="Gone Gabriel", status="withdrawn")
    login(user("participant"))

    rows = _csv_rows(client.get("/directory/export.csv"))

    assert [r["name"] for r in rows] == ["Shared Sharon"]


def test_one_vcard_follows_rfc_6350(contact, client, user, login, member_state):
    entry = contact(
        member_state("BR"),
        name="Ana Souza; Jr, \\",
        title="Inspector",
        phones="+551123456789",
        languages="pt,es",
    )
    login(user("organizer"))

    response = client.get(f"/directory/contacts/{entry.id}.vcf")
    card = response.data.decode("utf-8")

    assert response.mimetype == "text/vcard"
    assert card.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert card.endswith("END:VCARD\r\n")
    assert "\nFN:Ana Souza\\; Jr\\, \\\\\r\n" in card
    assert "\r\nN:Ana Souza\\; Jr\\, \\\\;;;;\r\n" in card
    assert "\r\nORG:Customs Administration\r\n" in card
    assert "\r\nTITLE:Inspector\r\n" in card
    assert f"\r\nEMAIL;TYPE=work:{entry.email}\r\n" in card
    assert "\r\nTEL;VALUE=uri:tel:+551123456789\r\n" in card
    assert "\r\nLANG;PREF=1:pt\r\nLANG;PREF=2:es\r\n" in card
    assert "\r\nNOTE:Brazil" in card
    assert "\n" not in card.replace("\r\n", "")


def test_long_vcard_lines_are_folded_at_75_octets_without_splitting_characters():
    line = "NOTE:" + "é" * 100

    folded = fold(line)

    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_the_vcard_of_all_filtered_entries_holds_one_card_each(
    contact, client, user, login, member_state
):
    contact(member_state("BR"), name="Brazilian Bruno")
    contact(member_state("MX"), name="Mexican Marta")
    contact(member_state("MX"), name="Mexican Mario")
    login(user("organizer"))

    cards = client.get("/directory/export.vcf?state=MX").data.decode("utf-8")

    assert cards.count("BEGIN:VCARD\r\n") == 2
    assert "Brazilian Bruno" not in cards


def test_a_hidden_entrys_vcard_is_not_found(contact, client, user, login, member_state):
    entry = contact(member_state("MX"), visibility="secretariat")
    login(user("participant"))

    assert client.get(f"/directory/contacts/{entry.id}.vcf").status_code == 404


def test_the_snapshot_is_titled_with_its_date_and_grouped_by_state(
    area, contact, client, user, login, member_state
):
    contact(member_state("BR"), name="Brazilian Bruno", areas=[area("customs")])
    contact(member_state("MX"), name="Mexican Marta")
    login(user("organizer"))

    page = client.get("/directory/snapshot").get_data(as_text=True)
    page = page[page.index('<article class="snapshot">') :]

    assert "Directory of National Points of Contact as of" in page
    entries = page[page.index("</form>") :]  # the title, then the filters, then the entries
    assert entries.index("Brazil") < entries.index("Brazilian Bruno") < entries.index("Mexico")
    assert "Mexican Marta" in page


def _backdate(entry: PointOfContact, days: int) -> None:
    """Move the entry and its recorded history `days` into the past."""
    past = datetime.now(UTC) - timedelta(days=days)
    db.session.execute(
        sa.update(PointOfContact)
        .where(PointOfContact.id == entry.id)
        .values(created_at=past)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.text("UPDATE audit_entries SET at = :at WHERE entity_type = 'PointOfContact'"),
        {"at": past.replace(tzinfo=None)},
    )
    db.session.commit()


def test_a_past_snapshot_shows_entries_as_they_were_that_day(
    contact, client, user, login, member_state
):
    entry = contact(member_state("BR"), name="Old Name")
    _backdate(entry, 10)
    entry.name = "New Name"
    db.session.commit()
    login(user("organizer"))
    day = (date.today() - timedelta(days=5)).isoformat()

    page = client.get(f"/directory/snapshot?day={day}").get_data(as_text=True)

    assert "Old Name" in page
    assert "New Name" not in page


def test_a_past_snapshot_leaves_out_entries_created_later(
    contact, client, user, login, member_state
):
    contact(member_state("BR"), name="Newcomer Nina")
    login(user("organizer"))
    day = (date.today() - timedelta(days=5)).isoformat()

    page = client.get(f"/directory/snapshot?day={day}").get_data(as_text=True)

    assert "Newcomer Nina" not in page


def test_a_past_snapshot_includes_entries_withdrawn_since(
    contact, client, user, login, member_state
):
    entry = contact(member_state("BR"), name="Retired Rita")
    _backdate(entry, 10)
    entry.status = "withdrawn"
    db.session.commit()
    login(user("organizer"))
    day = (date.today() - timedelta(days=5)).isoformat()

    page = client.get(f"/directory/snapshot?day={day}").get_data(as_text=True)

    assert "Retired Rita" in page
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) >= 2


def test_a_future_snapshot_date_gets_a_message(client, user, login, member_state):
    login(user("organizer"))
    day = (date.today() + timedelta(days=5)).isoformat()

    response = client.get(f"/directory/snapshot?day={day}")

    assert response.status_code == 400
    assert "Choose a date not after today" in response.get_data(as_text=True)


def test_a_malformed_snapshot_date_gets_a_message(client, user, login):
    login(user("organizer"))

    response = client.get("/directory/snapshot?day=yesterday")

    assert response.status_code == 400
    assert "Not a valid date value" in response.get_data(as_text=True)
