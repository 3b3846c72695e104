"""公开承诺 (commitments): filled in by its issue."""
