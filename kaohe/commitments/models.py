"""Models of this domain area (filled in by its issue)."""
