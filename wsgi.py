"""Entry points: `gunicorn wsgi:app`, `celery -A wsgi worker`, `celery -A wsgi beat`."""

from webapp import create_app

app = create_app()
celery_app = app.extensions["celery"]
