"""公文 (documents): filled in by its issue."""
