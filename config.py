"""Configuration classes, read from the environment.

`create_app()` picks a class from `PUERTO_ENV` (development, production, testing) unless
a config object is passed in. Every setting can be overridden by an environment variable
of the same name.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PUERTO_INSTANCE", BASE_DIR / "instance"))

DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    return int(value) if value is not None else default


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'puerto.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Accept the `postgres://` and `postgresql://` forms hosts hand out; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def broker_url() -> str | None:
    return env_str("CELERY_BROKER_URL") or env_str("REDIS_URL")


class Config:
    ENV_NAME = "base"
    SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        env_str("DATABASE_URL") or default_database_url()
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Celery: Redis when configured, else a filesystem queue under instance/.
    CELERY_BROKER_URL = broker_url()
    CELERY_QUEUE_DIR = str(INSTANCE_DIR / "celery-queue")
    CELERY_ALWAYS_EAGER = False

    # Mail: with no SMTP_HOST, mail is kept in the outbox and read at /admin/outbox.
    SMTP_HOST = env_str("SMTP_HOST")
    SMTP_PORT = env_int("SMTP_PORT", 25)
    SMTP_USER = env_str("SMTP_USER")
    SMTP_PASSWORD = env_str("SMTP_PASSWORD")
    SMTP_STARTTLS = env_bool("SMTP_STARTTLS", False)
    SMTP_SSL = env_bool("SMTP_SSL", False)
    SMTP_TIMEOUT = env_int("SMTP_TIMEOUT", 30)
    MAIL_FROM = env_str("MAIL_FROM", "Puerto <puerto@localhost>")
    MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 8)
    MAIL_RETRY_BASE_SECONDS = env_int("MAIL_RETRY_BASE_SECONDS", 30)
    # A worker's claim on the rows it is sending lasts this long and is renewed after each
    # message; the rows of a worker that died are re-queued by the sweep once it lapses.
    # Longer than one message can take to send (SMTP_TIMEOUT per command).
    MAIL_CLAIM_SECONDS = env_int("MAIL_CLAIM_SECONDS", 90)
    OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 60)

    BASE_URL = env_str("BASE_URL", "http://127.0.0.1:5000")
    DEFAULT_TIMEZONE = env_str("DEFAULT_TIMEZONE", "America/New_York")
    LANGUAGES = ("en", "es", "fr", "pt")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"

    # Accounts
    INVITATION_MAX_AGE_SECONDS = env_int("INVITATION_MAX_AGE_SECONDS", 7 * 24 * 3600)
    PASSWORD_RESET_MAX_AGE_SECONDS = env_int("PASSWORD_RESET_MAX_AGE_SECONDS", 2 * 3600)
    LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
    LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
    # argon2 parameters (argon2-cffi profile name); tests use the cheapest.
    PASSWORD_HASH_PROFILE = env_str("PASSWORD_HASH_PROFILE", "RFC_9106_LOW_MEMORY")
    # A session unused for this long ends (accounts.sessions).
    SESSION_MAX_IDLE_SECONDS = env_int("SESSION_MAX_IDLE_SECONDS", 14 * 24 * 3600)

    # Directory
    DIRECTORY_VERIFICATION_DAYS = env_int("DIRECTORY_VERIFICATION_DAYS", 180)
    REFRESH_REMINDER_DAYS = env_int("REFRESH_REMINDER_DAYS", 14)
    REFRESH_ESCALATION_DAYS = env_int("REFRESH_ESCALATION_DAYS", 30)
    REFRESH_LINK_MAX_AGE_SECONDS = env_int("REFRESH_LINK_MAX_AGE_SECONDS", 60 * 24 * 3600)
    SECRETARIAT_EMAIL = env_str("SECRETARIAT_EMAIL", "secretariat@localhost")
    # The language the Secretariat reads its own mail in (escalations, states without a
    # focal point): one of LANGUAGES.
    SECRETARIAT_LANGUAGE = env_str("SECRETARIAT_LANGUAGE", "en")
    DIRECTORY_REFRESH_SECONDS = env_int("DIRECTORY_REFRESH_SECONDS", 3600)

    # Meetings
    # Other organizations' activities this many days before or after a meeting count as
    # overlapping it.
    MEETINGS_OVERLAP_WINDOW_DAYS = env_int("MEETINGS_OVERLAP_WINDOW_DAYS", 7)
    MEETING_REMINDER_SECONDS = env_int("MEETING_REMINDER_SECONDS", 900)
    DIRECTORY_IMPORT_MAX_BYTES = env_int("DIRECTORY_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
    DIRECTORY_IMPORT_MAX_ROWS = env_int("DIRECTORY_IMPORT_MAX_ROWS", 5000)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)
    WTF_CSRF_TIME_LIMIT = None
    # `make bench` only: an X-Query-Count header on every response (core/querycounter.py).
    QUERY_COUNT_HEADER = env_bool("QUERY_COUNT_HEADER", False)


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        env_str("DATABASE_URL") or "sqlite:///:memory:"
    )
    CELERY_ALWAYS_EAGER = True
    PASSWORD_HASH_PROFILE = "CHEAPEST"  # argon2 at full cost makes each test take seconds
    BASE_URL = "http://localhost"
    SMTP_HOST = None
    MAIL_RETRY_BASE_SECONDS = 0


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        """Refuse to start without a real secret key."""
        key = env_str("SECRET_KEY")
        if not key or key == DEV_SECRET_KEY or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (for example: python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')."
            )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_from_env() -> type[Config]:
    name = env_str("PUERTO_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"PUERTO_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
