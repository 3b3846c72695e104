import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The board keeps its answered and closed counts a minute in the cache: no test reads another's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
