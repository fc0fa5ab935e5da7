"""In the browser: an import's page follows its job without a reload, in the reader's
language, and shows the outcome when it ends."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from webapp.directory.models import ImportJob
from webapp.extensions import db

pytestmark = pytest.mark.e2e


def _set(job_id: int, **values: object) -> None:
    job = db.session.get(ImportJob, job_id)
    for name, value in values.items():
        setattr(job, name, value)
    db.session.commit()


def test_the_progress_bar_and_its_words_follow_the_job_then_the_outcome_shows(page, user, sign_in):
    uploader = user("organizer", language="en")
    job = ImportJob(
        created_by_id=uploader.id, filename="big.csv", status="validating", total_rows=200
    )
    db.session.add(job)
    db.session.commit()
    reader = user("organizer", language="es")
    sign_in(page, reader.email, reader.test_password)

    page.goto(f"/directory/imports/{job.id}")
    bar = page.locator("progress")
    expect(bar).to_have_attribute("value", "0")

    _set(job.id, processed_rows=50)
    expect(bar).to_have_attribute("value", "25")
    expect(page.locator("#import-status")).to_contain_text("50 de 200")

    _set(job.id, status="applying")
    expect(bar).not_to_have_attribute("value", "25")
    expect(page.locator("#import-status")).to_contain_text("Todas las filas son válidas")

    _set(job.id, status="done", processed_rows=200, created_count=200)
    expect(page.locator("main")).to_contain_text("Se importaron 200 filas.")
    expect(page.get_by_role("button", name="Volver a iniciar")).to_have_count(0)
