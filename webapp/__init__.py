"""Puerto: the cooperation platform of a regional security secretariat."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

import config as config_module


def create_app(config: type | dict | None = None) -> Flask:
    """Build the application. `config` is a config class or a mapping of overrides."""
    app = Flask(__name__, instance_path=str(config_module.INSTANCE_DIR))
    from webapp.core import urls

    urls.init_app(app)  # before any route is added: `<int:...>` fits the database
    if config is None or isinstance(config, dict):
        base = config_module.config_from_env()
        app.config.from_object(base)
        if isinstance(config, dict):
            app.config.update(config)
    else:
        base = config
        app.config.from_object(config)
    if hasattr(base, "check"):
        base.check()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from webapp import extensions, models  # noqa: F401 - every model, for Alembic

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db)
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)
    extensions.celery_init_app(app)

    from webapp.core import i18n, outbox, security  # noqa: F401 - outbox registers its commit hook

    i18n.init_app(app)
    security.init_app(app)

    # Each part wires itself: blueprints, navigation entries, template helpers, CLI.
    from webapp import accounts, audit, contributions, demo, directory, meetings, reference
    from webapp.core import access, errors, navigation, querycounter
    from webapp.core import views as core_views

    navigation.init_app(app)
    querycounter.init_app(app)
    core_views.init_app(app)
    accounts.init_app(app)
    reference.init_app(app)
    audit.init_app(app)
    directory.init_app(app)
    meetings.init_app(app)
    contributions.init_app(app)
    demo.init_app(app)
    errors.init_app(app)
    # Last: every endpoint registered above must declare who may use it.
    access.init_app(app)
    return app
