"""招商引资 (attraction): filled in by its issue."""
