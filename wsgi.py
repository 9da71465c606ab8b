"""WSGI entry point: `gunicorn wsgi:app`. Each worker loads the photo index as it starts (or the master once, with
--preload), and each compares its index with the database every minute from its first request
(registry/services/index.py)."""

from registry import create_app
from registry.services.index import preload_index, reconcile_in_every_worker

app = create_app()
preload_index(app)
reconcile_in_every_worker(app)
