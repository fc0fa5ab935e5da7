"""The import job's page as its readers see it: results and row errors in the reader's
language (not the uploader's), progress while it runs, and "Start again" only when
starting again can help."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from tests.directory.test_import import ANA, HEADER, LUIS, _contacts, _job, _setup, _upload
from webapp.core.timezones import utcnow
from webapp.directory import imports
from webapp.directory.models import ImportJob
from webapp.extensions import db

ZZ_ROW = ANA.replace("BR,", "ZZ,", 1)
# Row 2 names no member state; row 3 has no valid address.
BAD_FILE = HEADER + ZZ_ROW + LUIS.replace("luis@aduana.example.mx", "not-an-email")

READS = {
    "es": ("“ZZ” no es el código de un Estado Miembro.", "Se rechazaron 2 filas de 2"),
    "fr": ("«\xa0ZZ\xa0» n'est pas le code d'un État membre.", "2 lignes sur 2 ont été rejetées"),
    "pt": ("“ZZ” não é o código de um Estado membro.", "2 linhas de 2 foram rejeitadas"),
}


def _page(client, job: ImportJob) -> str:
    return client.get(f"/directory/imports/{job.id}").get_data(as_text=True)


def _running_job(organizer, status: str, **fields: object) -> ImportJob:
    job = ImportJob(created_by_id=organizer.id, filename="big.csv", status=status, **fields)
    db.session.add(job)
    db.session.commit()
    return job


@pytest.mark.parametrize("language", ["es", "fr", "pt"])
def test_an_english_upload_reads_in_the_readers_language(
    area, client, user, login, member_state, language
):
    _setup(area, member_state)
    login(user("organizer", language="en"))
    _upload(client, BAD_FILE)
    login(user("organizer", language=language))

    page = _page(client, _job())

    problem, summary = READS[language]
    assert str(escape(problem)) in page
    assert str(escape(summary)) in page
    assert "is not a member state" not in page
    assert "were rejected" not in page


def test_the_uploader_reads_the_report_again_after_switching_language(
    area, client, user, login, member_state
):
    _setup(area, member_state)
    organizer = user("organizer", language="en")
    login(organizer)
    _upload(client, BAD_FILE)
    assert "“ZZ” is not a member state's code." in _page(client, _job()).replace("&#39;", "'")

    organizer.language = "es"
    db.session.commit()
    page = _page(client, _job())

    assert READS["es"][0] in page
    assert "is not a member state" not in page


def test_a_finished_imports_summary_is_in_the_readers_language(
    area, client, user, login, member_state
):
    _setup(area, member_state)
    login(user("organizer", language="en"))
    _upload(client, HEADER + ANA + LUIS)
    login(user("organizer", language="es"))

    page = _page(client, _job())
    progress = client.get(f"/directory/imports/{_job().id}/progress").get_json()

    assert "Se importaron 2 filas." in page
    assert "rows were imported" not in page
    assert progress["text"].startswith("Se importaron 2 filas.")
    assert progress["label"] == "Importada"


def test_a_file_refused_by_the_worker_is_explained_in_the_readers_language(client, user, login):
    organizer = user("organizer", language="en")
    job = _running_job(organizer, "queued", content="state_code,name\nBR,Ana\n", language="en")
    assert imports.run(job.id) == "rejected"
    login(user("organizer", language="fr"))

    page = _page(client, job)

    assert "La première ligne doit indiquer le nom des colonnes." in page
    assert "must name the columns" not in page


def test_the_progress_endpoint_speaks_the_readers_language(client, user, login):
    organizer = user("organizer", language="es")
    job = _running_job(organizer, "validating", total_rows=200, processed_rows=50)
    login(organizer)

    progress = client.get(f"/directory/imports/{job.id}/progress").get_json()

    assert progress["label"] == "Verificando las filas"
    assert progress["percent"] == 25
    assert "50" in progress["text"] and "200" in progress["text"]
    assert "25\xa0%" in progress["text"]


def test_jobs_run_before_reports_were_kept_as_data_still_show_their_text(client, user, login):
    organizer = user("organizer", language="es")
    rows = _running_job(
        organizer,
        "rejected",
        total_rows=1,
        errors=[{"row": 2, "column": "email", "message": "Old row text"}],
        message="Old summary",
    )
    whole_file = _running_job(organizer, "rejected", message="The file is empty (old text).")
    login(organizer)

    assert "Old row text" in _page(client, rows)
    assert "The file is empty (old text)." in _page(client, whole_file)


@pytest.mark.parametrize("status", ["queued", "validating", "applying"])
def test_a_running_job_offers_a_refresh_link_and_no_start_again(client, user, login, status):
    organizer = user("organizer")
    job = _running_job(organizer, status, total_rows=10, processed_rows=4)
    login(organizer)

    page = _page(client, job)

    assert "Start again" not in page
    assert f'href="/directory/imports/{job.id}">Refresh</a>' in page
    if status == "validating":
        assert '<progress max="100" value="40"' in page
        assert "(40%)" in page
    else:  # how long is unknown: an activity bar, and words
        assert "<progress data-progress-url" in page


def test_a_waiting_job_says_it_starts_by_itself(client, user, login):
    organizer = user("organizer")
    job = _running_job(organizer, "queued", total_rows=10)
    login(organizer)

    assert "The import starts by itself" in _page(client, job)


def test_starting_a_waiting_job_again_is_refused_and_changes_nothing(client, user, login):
    organizer = user("organizer")
    job = _running_job(organizer, "queued", content=HEADER + ANA, total_rows=1)
    login(organizer)

    response = client.post(f"/directory/imports/{job.id}/start")

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ImportJob, job.id).status == "queued"


def test_a_rejected_job_offers_a_corrected_file_not_the_same_one_again(
    area, client, user, login, member_state
):
    _setup(area, member_state)
    login(user("organizer"))
    _upload(client, BAD_FILE)

    page = _page(client, _job())

    assert "Start again" not in page
    assert 'href="/directory/imports/new">Import a corrected file</a>' in page


def test_a_failed_job_can_be_started_again_and_then_imports(
    area, client, user, login, member_state
):
    _setup(area, member_state)
    organizer = user("organizer")
    job = _running_job(organizer, "failed", content=HEADER + ANA, total_rows=1)
    login(organizer)
    assert "Start again" in _page(client, job)

    client.post(f"/directory/imports/{job.id}/start")

    assert _job().status == "done"
    assert [c.email for c in _contacts()] == ["ana@receita.example.br"]


def test_the_sweep_starts_jobs_left_waiting_by_a_broker_that_was_down(
    area, app, user, member_state
):
    _setup(area, member_state)
    organizer = user("organizer")
    waiting = _running_job(organizer, "queued", content=HEADER + ANA, total_rows=1)
    waiting.created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()

    assert imports.sweep() == 1

    assert _job().status == "done"
    assert len(_contacts()) == 1


def test_the_sweep_leaves_a_job_just_uploaded_to_its_own_task(user):
    job = _running_job(user("organizer"), "queued", content=HEADER + ANA, total_rows=1)

    assert imports.sweep() == 0

    db.session.expire_all()
    assert db.session.get(ImportJob, job.id).status == "queued"


def test_the_sweep_fails_a_job_whose_worker_died_so_it_can_be_started_again(user):
    organizer = user("organizer")
    started = utcnow() - imports.STALE_RUN - timedelta(minutes=1)
    dead = _running_job(organizer, "validating", started_at=started, total_rows=9)
    alive = _running_job(organizer, "applying", started_at=utcnow(), total_rows=9)

    imports.sweep()

    db.session.expire_all()
    statuses = dict(db.session.execute(sa.select(ImportJob.id, ImportJob.status)).all())
    assert statuses == {dead.id: "failed", alive.id: "applying"}
