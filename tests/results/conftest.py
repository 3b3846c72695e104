"""Fixtures of the results tests."""

import pytest

from tests.results.fixtures import build_scored


@pytest.fixture
def scored(org_world):
    """Months 1 and 2 of 2025 and the 2025 annual run of 甲乙丙丁 (see tests/results/fixtures.py)."""
    return build_scored(org_world)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Public pages are cached by publication id; ids repeat across tests (rolled-back rows), the cache does not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
