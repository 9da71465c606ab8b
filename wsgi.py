"""WSGI entry point: `gunicorn wsgi:app`. Each worker loads the photo index as it starts."""

from registry import create_app
from registry.services.index import preload_index

app = create_app()
preload_index(app)
