"""Puerto: the cooperation platform of a regional security secretariat."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

import config as config_module


def create_app(config: type | dict | None = None) -> Flask:
    """Build the application. `config` is a config class or a mapping of overrides."""
    app = Flask(__name__, instance_path=str(config_module.INSTANCE_DIR))
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

    from webapp.core import access, navigation, querycounter
    from webapp.core import views as core_views

    navigation.init_app(app)
    querycounter.init_app(app)
    app.register_blueprint(core_views.bp)
    core_views.init_app(app)

    from webapp.accounts import init_app as accounts_init_app

    accounts_init_app(app)

    from webapp.reference import init_app as reference_init_app

    reference_init_app(app)

    from webapp.directory import refresh_views
    from webapp.directory import views as directory_views

    app.register_blueprint(directory_views.bp)
    app.register_blueprint(refresh_views.bp)

    from webapp import demo
    from webapp.core import errors

    demo.init_app(app)
    errors.init_app(app)
    # Last: every endpoint registered above must declare who may use it.
    access.init_app(app)
    return app
