"""The change log (page and API) × every role: each office reads its own units' entries only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaohe.audit.services import record

pytestmark = pytest.mark.django_db

ROLES = [
    "office", "leader", "submitter", "submitter_b", "assessed_a", "assessed_b",
    "office_a", "leader_a", "district_submitter_a", "assessed_town_a",
    "office_b", "leader_b", "district_submitter_b", "assessed_town_b", "anonymous",
]
OFFICES = {"office", "office_a", "office_b"}


@pytest.fixture
def w(org_world):
    record("update", org_world.towns_a[0], user=org_world.assessed_town_a, reason="甲一街道的修改")
    record("update", org_world.towns_b[0], user=org_world.assessed_town_b, reason="乙一街道的修改")
    record("update", org_world.city, user=org_world.office, reason="市里的修改")
    return org_world


#: What each office reads: its own district's entry; the city office everything.
READS = {
    "office": {"甲一街道的修改", "乙一街道的修改", "市里的修改"},
    "office_a": {"甲一街道的修改"},
    "office_b": {"乙一街道的修改"},
}


@pytest.mark.parametrize("role", ROLES)
def test_the_log_page_as_every_role(w, client_for, role):
    response = client_for(w.users[role]).get(reverse("audit:log"))
    if role == "anonymous":
        assert response.status_code == 302
    elif role not in OFFICES:
        assert response.status_code == 403
    else:
        page = response.content.decode()
        shown = {reason for reason in READS["office"] if reason in page}
        assert response.status_code == 200 and shown == READS[role]


@pytest.mark.parametrize("role", ROLES)
def test_the_log_api_as_every_role(w, client_for, role):
    response = client_for(w.users[role]).get("/api/audit/entries")
    if role == "anonymous":
        assert response.status_code == 401
    elif role not in OFFICES:
        assert response.status_code == 403
    else:
        # Sign-ins are logged too (without a reason): only the three changes are compared.
        assert {e["reason"] for e in response.json() if e["reason"]} == READS[role]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_a_district_offices_export_holds_only_its_entries(w, client_for, export):
    body = client_for(w.office_a).get(reverse("audit:log"), {"export": export}).content
    if export == "csv":
        text = body.decode("utf-8-sig")
    else:
        import io

        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
        text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    assert "甲一街道的修改" in text and "乙一街道的修改" not in text and "市里的修改" not in text
