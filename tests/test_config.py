"""Configuration from the environment; production refuses to start without a real key."""

from __future__ import annotations

import pytest

import config
from webapp import create_app


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config.ProductionConfig)


def test_production_refuses_the_development_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", config.DEV_SECRET_KEY)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.ProductionConfig.check()


def test_production_starts_with_a_long_random_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    config.ProductionConfig.check()


def test_production_session_cookies_are_secure():
    assert config.ProductionConfig.SESSION_COOKIE_SECURE is True
    assert config.ProductionConfig.SESSION_COOKIE_HTTPONLY is True


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db/puerto", "postgresql+psycopg://u:p@db/puerto"),
        ("postgresql://127.0.0.1:5432/test", "postgresql+psycopg://127.0.0.1:5432/test"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_are_normalised_for_psycopg_3(given, used):
    assert config.normalise_database_url(given) == used


def test_the_broker_is_celery_broker_url_then_redis_url(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://r:6379/0")
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    assert config.broker_url() == "redis://r:6379/0"
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://b:6379/1")
    assert config.broker_url() == "redis://b:6379/1"


def test_an_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("PUERTO_ENV", "staging")
    with pytest.raises(RuntimeError, match="PUERTO_ENV"):
        config.config_from_env()


def test_without_a_broker_celery_uses_the_filesystem_queue_under_instance(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "CELERY_BROKER_URL": None,
            "CELERY_QUEUE_DIR": str(tmp_path / "queue"),
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    celery = app.extensions["celery"]
    assert celery.conf.broker_url == "filesystem://"
    assert (tmp_path / "queue" / "messages").is_dir()


def test_tasks_run_inside_the_application_context(app):
    from celery import shared_task
    from flask import current_app

    @shared_task
    def app_name() -> str:
        return current_app.name

    assert app_name.apply().get() == app.name


def test_every_periodic_job_is_in_the_beat_schedule(app):
    celery = app.extensions["celery"]
    celery.loader.import_default_modules()  # what a worker and beat import at start
    schedule = celery.conf.beat_schedule
    assert schedule["sweep-outbox"]["task"] == "tasks.mail.sweep_outbox"
    registered = celery.tasks
    for entry in schedule.values():
        assert entry["task"] in registered


def test_make_run_links_emails_to_the_port_it_serves_on():
    import os
    import subprocess
    from pathlib import Path

    environment = {k: v for k, v in os.environ.items() if k not in ("BASE_URL", "PORT", "HOST")}
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8123"],
        cwd=Path(config.__file__).parent,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    honcho = next(line for line in dry_run.splitlines() if "honcho" in line)
    assert "PORT=8123" in honcho
    assert "BASE_URL=http://127.0.0.1:8123" in honcho
