"""Extensions, created once and bound to the app in `create_app` with `init_app`."""

from __future__ import annotations

from pathlib import Path

from celery import Celery, Task
from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def celery_init_app(app: Flask) -> Celery:
    """Flask's documented pattern: every task runs inside the application context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(celery_settings(app))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def celery_settings(app: Flask) -> dict[str, object]:
    from tasks.schedule import beat_schedule

    settings: dict[str, object] = {
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 4,
        "task_always_eager": app.config["CELERY_ALWAYS_EAGER"],
        "task_eager_propagates": True,
        "beat_schedule": beat_schedule(app.config),
        "timezone": "UTC",
        "imports": (
            "tasks.mail",
            "tasks.directory_import",
            "tasks.directory",
            "tasks.contributions",
            "tasks.meetings",
        ),
        "broker_connection_retry_on_startup": True,
    }
    settings["beat_schedule_filename"] = str(Path(app.instance_path) / "celery-beat-schedule")
    broker = app.config["CELERY_BROKER_URL"]
    if broker:
        settings["broker_url"] = broker
        # A broker that is down must not hang a web request: the outbox sweep
        # re-queues whatever could not be published.
        settings["broker_transport_options"] = {"max_retries": 1, "interval_start": 0}
    else:
        queue = Path(app.config["CELERY_QUEUE_DIR"])
        (queue / "messages").mkdir(parents=True, exist_ok=True)
        (queue / "processed").mkdir(parents=True, exist_ok=True)
        (queue / "control").mkdir(parents=True, exist_ok=True)
        settings["broker_url"] = "filesystem://"
        settings["broker_transport_options"] = {
            "data_folder_in": str(queue / "messages"),
            "data_folder_out": str(queue / "messages"),
            "processed_folder": str(queue / "processed"),
            "control_folder": str(queue / "control"),
            "store_processed": False,
        }
    return settings
