"""Entry points: `gunicorn wsgi`, `celery -A wsgi worker`, `celery -A wsgi beat`.

The Flask app is named `application` (gunicorn's and Flask's default name), not `app`:
Celery's `-A wsgi` takes a module attribute named `app` for its own application."""

from webapp import create_app

application = create_app()
celery_app = application.extensions["celery"]
