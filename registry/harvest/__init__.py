"""Harvesting museums' collection systems over OAI-PMH (Flask-free here; the writes: services/harvest.py)."""
