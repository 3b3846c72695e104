"""The Django admin in Chinese: headings, every app's name and every model's name on the index."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _visible_headings(html: str) -> list[str]:
    """The app captions and model links of the admin index (not the screen-reader table headers)."""
    captions = re.findall(r"<caption>\s*<a[^>]*>([^<]+)</a>", html)
    models = re.findall(r'<th scope="row" id="[^"]+">\s*<a[^>]*>([^<]+)</a>', html)
    models += re.findall(r'<th scope="row" id="[^"]+">([^<]+)</th>', html)
    return [t.strip() for t in captions + models]


def test_the_admin_index_names_every_app_and_model_in_chinese(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-Secret-1")
    client.force_login(admin)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "考核 · 基础数据管理" in html
    headings = _visible_headings(html)
    assert len(headings) > 20, headings  # the apps and their models were found
    assert "重大项目" in headings and "后台任务" in headings and "督查督办" in headings
    english = [h for h in headings if LATIN_WORD.search(h.replace("API", ""))]
    assert english == []
