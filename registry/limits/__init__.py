"""What one client may cost the registry: request bodies refused before they are read, checks rate-limited."""

from __future__ import annotations

from flask import Flask

from registry.limits import bodies, memory


def init_app(app: Flask) -> None:
    """Install the limits on the app."""
    bodies.init_app(app)
    memory.init_app(app)
