"""WSGI entry point: `gunicorn wsgi:app`. Each worker loads the photo index as it starts, then compares it with
the database every minute (registry/services/index.py)."""

from registry import create_app
from registry.services.index import preload_index, start_reconciler

app = create_app()
preload_index(app)
start_reconciler(app)
