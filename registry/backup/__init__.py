"""Backups: a consistent snapshot of the database and the photo files, a manifest to verify it, and the restore.

No Flask here: the commands (commands.py) hand in the database engine and the photo storage.
"""

from registry.backup.archive import BackupError, backup, restore, verify_backup

__all__ = ["BackupError", "backup", "restore", "verify_backup"]
