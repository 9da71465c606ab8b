"""In-process events the services send, so that what follows from a change subscribes to it (one-way dependencies)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# A record's status changed (sender: the record; old_status=, new_status=); sent before the change is committed.
record_status_changed = _signals.signal("record-status-changed")

# Photos were added to a record (sender: the record; photos=); sent before the change is committed.
record_photos_added = _signals.signal("record-photos-added")
