"""The Secretariat's bulk import from CSV: validate every row, apply all or nothing."""

from __future__ import annotations

import io

import sqlalchemy as sa

from webapp.core.audit import history
from webapp.directory import imports
from webapp.directory.models import Agency, ImportJob, PointOfContact
from webapp.extensions import db

HEADER = (
    "state_code,agency,agency_kind,name,title,email,phones,languages,areas,designation,"
    "note_verbale_reference,note_verbale_date,visibility\n"
)
ANA = (
    "BR,Receita Federal,customs,Ana Souza,Inspector,ana@receita.example.br,"
    "(11) 2345-6789,pt;es,customs,primary,NV-1/2025,2025-01-15,member_states\n"
)
LUIS = (
    "MX,Aduana de México,customs,Luis Pérez,Jefe,luis@aduana.example.mx,"
    "55 1234 5678,es,customs;drugs,alternate,NV-2/2025,2025-02-01,secretariat\n"
)


def _upload(client, text: str | bytes, filename: str = "contacts.csv"):
    body = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        "/directory/imports/new",
        data={"file": (io.BytesIO(body), filename)},
        content_type="multipart/form-data",
    )


def _contacts() -> list[PointOfContact]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(PointOfContact).order_by(PointOfContact.id)))


def _job() -> ImportJob:
    db.session.expire_all()
    return db.session.scalar(sa.select(ImportJob).order_by(ImportJob.id.desc()))


def _setup(area, member_state) -> None:
    member_state("BR"), member_state("MX")
    area("customs"), area("drugs", "Illicit drugs")


def test_a_valid_file_creates_agencies_and_entries(area, client, user, login, member_state):
    _setup(area, member_state)
    login(user("organizer"))

    response = _upload(client, HEADER + ANA + LUIS)

    assert response.status_code == 302
    ana, luis = _contacts()
    assert (ana.name, ana.agency.name, ana.phones) == (
        "Ana Souza",
        "Receita Federal",
        "+551123456789",
    )
    assert ana.languages == "pt,es"
    assert [a.code for a in luis.areas] == ["customs", "drugs"]
    assert (luis.designation, luis.visibility) == ("alternate", "secretariat")
    assert luis.phones == "+525512345678"
    assert _job().status == "done"
    assert _job().created_count == 2


def test_the_import_is_audited_as_the_uploader(area, client, user, login, member_state):
    _setup(area, member_state)
    login(user("organizer", email="staff@secretariat.example"))

    _upload(client, HEADER + ANA)

    (ana,) = _contacts()
    assert history("PointOfContact", ana.id)[0].actor_label == "staff@secretariat.example"


def test_one_bad_row_rejects_the_whole_file_with_a_report(area, client, user, login, member_state):
    _setup(area, member_state)
    login(user("organizer"))
    bad = ANA.replace("ana@receita.example.br", "not-an-email").replace("Ana", "Bia")

    _upload(client, HEADER + LUIS + bad)

    assert _contacts() == []
    assert db.session.scalar(sa.select(sa.func.count(Agency.id))) == 0
    job = _job()
    assert job.status == "rejected"
    ((row, column, text),) = [(p.row, p.column, p.text) for p in imports.row_problems(job)]
    assert (row, column) == (3, "email")
    assert text == "“not-an-email” is not an email address: it has no @ sign."


def test_the_report_lists_every_problem_of_every_row(area, client, user, login, member_state):
    _setup(area, member_state)
    login(user("organizer"))
    bad = (
        "ZZ,Receita,customs,Ana,,ana@receita.example.br,,pt,customs,primary,,,member_states\n"
        "BR,Receita,customs,Bia,,bia@receita.example.br,123,xx,smuggling,boss,,2025-13-01,all\n"
    )

    _upload(client, HEADER + bad)

    job = _job()
    problems = {(e["row"], e["column"]) for e in job.errors}
    assert problems == {
        (2, "state_code"),
        (3, "phones"),
        (3, "languages"),
        (3, "areas"),
        (3, "designation"),
        (3, "note_verbale_date"),
    }


def test_the_job_page_shows_the_rejected_rows(area, client, user, login, member_state):
    _setup(area, member_state)
    login(user("organizer"))
    _upload(client, HEADER + ANA.replace("BR,", "ZZ,", 1))

    page = client.get(f"/directory/imports/{_job().id}").get_data(as_text=True)

    assert "Rejected rows" in page
    assert "“ZZ” is not a member state" in page


def test_a_known_email_updates_the_entry_instead_of_adding_one(
    area, contact, client, user, login, member_state
):
    _setup(area, member_state)
    brazil = member_state("BR")
    existing = contact(
        brazil, agency_name="Receita Federal", name="Ana S.", email="ana@receita.example.br"
    )
    login(user("organizer"))

    _upload(client, HEADER + ANA)

    (ana,) = _contacts()
    assert ana.id == existing.id
    assert ana.name == "Ana Souza"
    assert _job().updated_count == 1


def test_the_same_email_twice_in_a_file_is_rejected(area, client, user, login, member_state):
    _setup(area, member_state)
    login(user("organizer"))

    _upload(client, HEADER + ANA + ANA.replace("Ana Souza", "Ana Maria"))

    assert _contacts() == []
    assert "appears already in row 2" in imports.row_problems(_job())[0].text


def test_a_value_with_a_nul_byte_is_refused_with_a_row_message(
    area, client, user, login, member_state
):
    _setup(area, member_state)
    login(user("organizer"))
    response = _upload(client, HEADER + LUIS + ANA.replace("Ana Souza", "Ana\x00Souza"))
    assert response.status_code == 400
    assert "Row 3, column name contains a NUL character" in response.get_data(as_text=True)
    assert _job() is None
    assert _contacts() == []


def test_a_new_agency_needs_a_kind(area, client, user, login, member_state):
    _setup(area, member_state)
    login(user("organizer"))

    _upload(client, HEADER + ANA.replace(",customs,Ana", ",,Ana"))

    assert _job().errors[0]["column"] == "agency_kind"


def test_a_known_agency_with_another_kind_is_rejected(
    area, agency, client, user, login, member_state
):
    _setup(area, member_state)
    agency(member_state("BR"), "Receita Federal", "customs")
    login(user("organizer"))

    _upload(client, HEADER + ANA.replace(",customs,Ana", ",police,Ana"))

    assert _job().errors[0]["column"] == "agency_kind"
    assert _contacts() == []


def test_semicolon_separated_files_from_european_spreadsheets_are_read(
    area, client, user, login, member_state
):
    _setup(area, member_state)
    login(user("organizer"))
    text = (HEADER + ANA).replace(",", ";").replace("pt;es", "pt,es")

    _upload(client, text)

    assert [c.name for c in _contacts()] == ["Ana Souza"]


def test_our_own_csv_export_imports_back(area, client, user, login, member_state):
    _setup(area, member_state)
    login(user("organizer"))
    _upload(client, HEADER + ANA + LUIS)
    exported = client.get("/directory/export.csv").data
    for entry in _contacts():
        entry.name = entry.name + " (old)"
    db.session.commit()

    _upload(client, exported)

    assert _job().status == "done"
    assert [c.name for c in _contacts()] == ["Ana Souza", "Luis Pérez"]


def test_a_file_that_is_not_utf8_gets_a_clear_message(area, client, user, login, member_state):
    _setup(area, member_state)
    login(user("organizer"))

    response = _upload(client, (HEADER + ANA + LUIS).encode("latin-1"))

    assert response.status_code == 400
    assert "The file is not in UTF-8" in response.get_data(as_text=True)
    assert _job() is None


def test_an_empty_file_gets_a_clear_message(client, user, login):
    login(user("organizer"))

    response = _upload(client, "")

    assert response.status_code == 400
    assert "The file is empty" in response.get_data(as_text=True)


def test_a_header_without_rows_gets_a_clear_message(client, user, login):
    login(user("organizer"))

    response = _upload(client, HEADER)

    assert response.status_code == 400
    assert "no rows to import" in response.get_data(as_text=True)


def test_missing_header_columns_are_named(client, user, login):
    login(user("organizer"))

    response = _upload(client, "state_code,name,email\nBR,Ana,ana@example.org\n")

    assert response.status_code == 400
    assert "Missing: agency, agency_kind" in response.get_data(as_text=True)


def test_a_file_over_the_size_limit_is_refused(client, app, user, login):
    app.config["DIRECTORY_IMPORT_MAX_BYTES"] = 1024
    login(user("organizer"))

    response = _upload(client, HEADER + ANA * 20)

    assert response.status_code == 400
    assert "larger than 1 kB" in response.get_data(as_text=True)


def test_a_file_over_the_row_limit_is_refused(client, app, user, login):
    app.config["DIRECTORY_IMPORT_MAX_ROWS"] = 3
    login(user("organizer"))

    response = _upload(client, HEADER + ANA * 4)

    assert response.status_code == 400
    assert "more than 3 rows" in response.get_data(as_text=True)


def test_a_post_without_a_file_gets_a_message(client, user, login):
    login(user("organizer"))

    response = client.post("/directory/imports/new", data={})

    assert response.status_code == 400
    assert "Choose a CSV file to import" in response.get_data(as_text=True)


def test_focal_points_may_not_import(client, user, login, member_state):
    login(user("focal_point", states=[member_state("BR")]))

    assert client.get("/directory/imports/new").status_code == 403


def test_the_progress_endpoint_reports_the_jobs_state(area, client, user, login, member_state):
    _setup(area, member_state)
    login(user("organizer"))
    _upload(client, HEADER + ANA + LUIS)

    progress = client.get(f"/directory/imports/{_job().id}/progress").get_json()

    assert progress == {
        "status": "done",
        "label": "Imported",
        "text": "2 rows were imported. 2 new entries were added. No entry was updated.",
        "processed": 2,
        "total": 2,
        "percent": 100,
        "finished": True,
    }


def test_a_running_jobs_page_has_a_progress_bar_and_a_refresh_link(
    client, user, login, member_state
):
    organizer = user("organizer")
    job = ImportJob(
        created_by_id=organizer.id, filename="big.csv", status="validating", total_rows=200
    )
    job.processed_rows = 50
    db.session.add(job)
    db.session.commit()
    login(organizer)

    page = client.get(f"/directory/imports/{job.id}").get_data(as_text=True)

    assert '<progress max="100" value="25"' in page
    assert f'href="/directory/imports/{job.id}">Refresh</a>' in page
    assert "import.js" in page


def test_with_the_task_queue_down_the_job_waits_and_the_uploader_is_told(
    area, client, user, login, member_state, broker_down
):
    _setup(area, member_state)
    login(user("organizer"))
    response = _upload(client, HEADER + ANA)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The import is waiting for the task queue" in page
    assert _job().status == "queued"


def test_running_a_job_twice_applies_it_once(area, app, user, member_state):
    _setup(area, member_state)
    organizer = user("organizer")
    job = ImportJob(created_by_id=organizer.id, content=HEADER + ANA, total_rows=1)
    db.session.add(job)
    db.session.commit()

    assert imports.run(job.id) == "done"
    assert imports.run(job.id) == "done"

    assert len(_contacts()) == 1
