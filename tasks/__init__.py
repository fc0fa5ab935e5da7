"""Celery tasks. Each is a few lines: load by id, call a service, done."""
