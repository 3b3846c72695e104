import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    """Run queries are cached by run id; ids repeat across tests (rolled-back rows), the cache does not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
