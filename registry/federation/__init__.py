"""Federation between registries: the signed JSON Feed's content hashes, and reading another registry's feed
(Flask-free; the writes are in registry/services/federation.py, the commands in cli.py)."""
