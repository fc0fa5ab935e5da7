"""`flask reference ...`: load the reference data."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from webapp.core.audit import acting_as
from webapp.extensions import db
from webapp.reference import services

reference_cli = AppGroup("reference", help="Member states, observers, organizations, areas.")


@reference_cli.command("load")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A reference file other than webapp/core/data/reference.json.",
)
def load(path: Path | None) -> None:
    """Add missing reference rows and refresh their names; safe to run again.

    Status, dates and active flags of existing rows are left as the administrators set
    them, and nothing is deleted."""
    with acting_as(None, "flask reference load"):
        summary = services.load_reference_data(path)
        db.session.commit()
    for kind, inserted in summary.inserted.items():
        click.echo(f"{kind}: {inserted} added, {summary.renamed[kind]} renamed")
