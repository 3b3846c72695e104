# ruff: noqa: E501
"""API operations that landed (07:10 UTC, 2026-12-02) while the matrix was being declared: not yet in the
matrix. This list may only shrink — declare an operation in its app's API dict and remove it here
(tests/authz/test_matrix.py fails when a pending operation is declared or no longer exists). A new
operation does not go here: declare it."""

PENDING_API: set[str] = set()
