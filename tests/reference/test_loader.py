"""`load_reference_data()` and `flask reference load`: idempotent, and respectful of
what the administrators changed or added."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from webapp.core.audit import AuditEntry
from webapp.core.reference import (
    SUSPENDED,
    WITHDRAWN,
    MemberState,
    Organization,
    PermanentObserver,
)
from webapp.directory.models import Area
from webapp.extensions import db
from webapp.reference.services import load_reference_data


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def state(code: str) -> MemberState:
    return db.session.scalar(sa.select(MemberState).where(MemberState.code == code))


def test_loading_inserts_every_row_of_the_file(app):
    summary = load_reference_data()
    db.session.commit()
    assert (count(MemberState), count(PermanentObserver)) == (35, 70)
    assert count(Organization) == summary.inserted["organizations"] > 10
    assert count(Area) == 10


def test_loading_sets_membership_status_and_dates(app, loaded):
    venezuela = state("VE")
    assert venezuela.status == WITHDRAWN
    assert venezuela.status_since == date(2019, 4, 27)
    assert venezuela.joined_on == date(1951, 12, 29)
    assert state("BR").code3 == "BRA"


def test_loading_twice_changes_nothing(app, loaded):
    entries = count(AuditEntry)
    summary = load_reference_data()
    db.session.commit()
    assert not summary.changed_anything
    assert count(MemberState) == 35
    assert count(AuditEntry) == entries


def test_loading_brings_names_back_to_the_file(app, loaded):
    state("MX").name_es = "Mejico"
    db.session.commit()
    summary = load_reference_data()
    db.session.commit()
    assert state("MX").name_es == "México"
    assert summary.renamed["member_states"] == 1


def test_loading_keeps_a_status_an_admin_changed(app, loaded):
    chile = state("CL")
    chile.status, chile.status_since = SUSPENDED, date(2030, 1, 1)
    db.session.commit()
    load_reference_data()
    db.session.commit()
    assert (state("CL").status, state("CL").status_since) == (SUSPENDED, date(2030, 1, 1))


def test_loading_keeps_an_area_an_admin_deactivated(app, loaded):
    area = db.session.scalar(sa.select(Area).where(Area.code == "cybercrime"))
    area.is_active = False
    db.session.commit()
    load_reference_data()
    db.session.commit()
    assert db.session.get(Area, area.id).is_active is False


def test_loading_keeps_rows_admins_added(app, loaded):
    db.session.add(
        Organization(
            acronym="OSCE", name_en="OSCE", name_es="OSCE", name_fr="OSCE", name_pt="OSCE"
        )
    )
    db.session.commit()
    load_reference_data()
    db.session.commit()
    assert db.session.scalar(sa.select(Organization).where(Organization.acronym == "OSCE"))


def test_loading_a_file_of_another_shape_adds_only_what_it_lists(app, tmp_path):
    path = tmp_path / "reference.json"
    names = {"name_en": "Brazil", "name_es": "Brasil", "name_fr": "Brésil", "name_pt": "Brasil"}
    path.write_text(json.dumps({"member_states": [{"code": "BR", "code3": "BRA", **names}]}))
    load_reference_data(path)
    db.session.commit()
    assert count(MemberState) == 1
    assert count(Organization) == 0


def test_loading_records_the_new_rows_in_the_audit_log(app, runner):
    runner.invoke(args=["reference", "load"])
    brazil = state("BR")
    entry = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.entity_type == "MemberState", AuditEntry.entity_id == brazil.id
        )
    )
    assert entry.actor_label == "flask reference load"
    assert entry.changes["name_pt"] == [None, "Brasil"]


def test_the_command_says_what_it_did(app, runner):
    result = runner.invoke(args=["reference", "load"])
    assert result.exit_code == 0
    assert "member_states: 35 added, 0 renamed" in result.output
    again = runner.invoke(args=["reference", "load"])
    assert "member_states: 0 added, 0 renamed" in again.output
