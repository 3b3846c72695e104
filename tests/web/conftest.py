import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _back_to_chinese_after_each_test():
    """Requests in English leave English active in the thread; don't leak it into other tests."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
