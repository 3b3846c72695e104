"""Pages and actions by role, with the same-role outsiders of 乙区 (404), the enterprise's own link
(one-time code, expiry, rate limit, only its own requests), attachments, Excel in and out."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kaohe.enterprise import services
from kaohe.enterprise.models import Enterprise, EnterpriseRequest, Status
from kaohe.lib.exports import Table, xlsx_bytes
from tests.enterprise.factories import EnterpriseFactory, credit_code

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def w(org_world, work_calendar):
    w = org_world
    w.ent = EnterpriseFactory(unit=w.towns_a[0], specialist=w.assessed_town_a, name="甲一精密制造有限公司")
    w.ent_b = EnterpriseFactory(unit=w.towns_b[0], name="乙一物流有限公司")
    w.req = services.receive(w.ent, rtype="finance", title="贷款贴息", channel="office", first_unit=w.district_a, user=w.office_a)
    w.assigned = services.receive(w.ent, rtype="land", title="厂房用地", channel="office", first_unit=w.district_a, user=w.office_a)
    services.assign(w.assigned, w.stats_a)
    w.req_b = services.receive(w.ent_b, rtype="policy", title="人才政策", channel="office", first_unit=w.district_b, user=w.office_b)
    w.att = services.add_attachment(w.req, "贴息申请.pdf", PDF)
    return w


EVERYONE = {"office", "leader", "submitter", "submitter_b", "assessed_a", "assessed_b", "office_a", "leader_a",
            "district_submitter_a", "assessed_town_a", "office_b", "leader_b", "district_submitter_b", "assessed_town_b"}
FINDS_A = {"office", "leader", "submitter", "submitter_b", "assessed_a", "office_a", "leader_a", "district_submitter_a",
           "assessed_town_a"}
HIDDEN_A = EVERYONE - FINDS_A  # 乙区's office, leader, unit, submitter and town: the same roles, outside

PAGES = [
    ("enterprise:workbench", [], EVERYONE, set()),
    ("enterprise:requests", [], EVERYONE, set()),
    ("enterprise:export", [], EVERYONE, set()),
    ("enterprise:register", [], EVERYONE, set()),
    ("enterprise:export_register", [], EVERYONE, set()),
    ("enterprise:faq", [], EVERYONE, set()),
    ("enterprise:board", [], {"office", "leader", "office_a", "leader_a", "office_b", "leader_b"}, set()),
    ("enterprise:import", [], {"office", "office_a", "office_b"}, set()),
    ("enterprise:enterprise", ["ent"], FINDS_A, HIDDEN_A),
    ("enterprise:request", ["req"], FINDS_A, HIDDEN_A),
    ("enterprise:attachment", ["att"], FINDS_A, HIDDEN_A),
]


@pytest.mark.parametrize(("name", "args", "allowed", "hidden"), PAGES, ids=[f"{p[0]}{p[1]}" for p in PAGES])
def test_pages_by_role(w, client_for, name, args, allowed, hidden):
    url = reverse(name, args=[getattr(w, a).pk for a in args])
    for user in EVERYONE:
        code = client_for(w.users[user]).get(url).status_code
        expected = 200 if user in allowed else 404 if user in hidden else 403
        assert code == expected, (user, code)
    assert client_for(w.anonymous).get(url).status_code == 302  # to the login page


# (action, request attribute, data, who may) — 乙区's people get 404, the rest of the city 403
ACTIONS = [
    ("assign", "req", {"handler_unit": "stats_a"}, {"office", "office_a", "assessed_a", "assessed_town_a"}),
    ("sign", "assigned", {}, {"office", "office_a", "assessed_a", "district_submitter_a"}),
    ("respond", "req", {"text": "已电话联系企业，明日上门"}, {"office", "office_a", "assessed_a", "assessed_town_a"}),
    ("escalate", "req", {}, {"office", "office_a"}),
]


@pytest.mark.parametrize(("action", "attr", "data", "allowed"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_actions_by_role(w, client_for, action, attr, data, allowed):
    for user in sorted(EVERYONE):
        fresh = services.receive(w.ent, rtype="finance", title="贴息", channel="office", first_unit=w.district_a,
                                 user=w.office_a)
        if attr == "assigned":
            services.assign(fresh, w.stats_a)
        payload = {k: (getattr(w, v).pk if k == "handler_unit" else v) for k, v in data.items()}
        response = client_for(w.users[user]).post(reverse("enterprise:act", args=[fresh.pk, action]), payload)
        expected = 302 if user in allowed else 404 if user in HIDDEN_A else 403
        assert response.status_code == expected, (user, response.status_code)


def test_the_request_page_shows_the_timeline_and_clocks(w, client_for):
    html = client_for(w.office_a).get(reverse("enterprise:request", args=[w.assigned.pk])).content.decode()
    assert 'data-step="receive"' in html and 'data-step="assign"' in html
    assert "首次响应（事不过夜）" in html and "甲区统计局" in html


def test_the_board_counts_open_requests_by_type_and_unit(w, client_for):
    html = client_for(w.office_a).get(reverse("enterprise:board")).content.decode()
    assert 'id="by-type"' in html and "甲区统计局" in html and "乙区" not in html.split('id="by-unit"')[1]


def test_an_attachment_is_a_download_never_inline(w, client_for):
    response = client_for(w.office_a).get(reverse("enterprise:attachment", args=[w.att.pk]))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


def test_a_disguised_or_forbidden_file_is_refused(w):
    with pytest.raises(services.RequestError, match="内容与扩展名不符"):
        services.add_attachment(w.req, "报告.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(services.RequestError, match="不接受该类型"):
        services.add_attachment(w.req, "page.html", b"<html></html>")
    with pytest.raises(services.RequestError, match="不接受该类型"):
        services.add_attachment(w.req, "setup.exe", b"MZ\x90\x00")
    assert services.add_attachment(w.req, "../../etc/照片.PNG", b"\x89PNG\r\n\x1a\n....").name == "照片.PNG"
    assert w.req.attachments.count() == 2  # the refused three left nothing behind


def test_the_attachment_limit_is_the_enterprise_setting(w, settings):
    settings.KAOHE_ENTERPRISE = {"attachment_max_mb": 0.001, "attachment_types": {"pdf": "application/pdf"}}
    with pytest.raises(services.RequestError, match="超过"):
        services.add_attachment(w.req, "大.pdf", PDF + b"0" * 2000)
    with pytest.raises(services.RequestError, match="不接受该类型"):  # png is allowed by lib, not by this setting
        services.add_attachment(w.req, "图.png", b"\x89PNG\r\n\x1a\n....")
    assert services.add_attachment(w.req, "小.pdf", PDF).content_type == "application/pdf"


def test_attachments_are_not_under_media(w, settings):
    assert not str(w.att.file.path).startswith(str(settings.MEDIA_ROOT))


def test_the_specialist_receives_for_their_enterprise(w, client_for):
    response = client_for(w.assessed_town_a).post(reverse("enterprise:receive", args=[w.ent.pk]), {
        "rtype": "permits", "title": "消防验收", "files": SimpleUploadedFile("图纸.pdf", PDF, "application/pdf")})
    req = EnterpriseRequest.objects.get(title="消防验收")
    assert response.status_code == 302 and req.channel == "specialist" and req.first_unit == w.towns_a[0]
    assert req.attachments.count() == 1


# ---- the enterprise's own link -------------------------------------------------------------


def _enter(client, ent):
    url = reverse("enterprise:portal", args=[ent.link_key])
    client.post(url, {"action": "send"})
    code = services.issue_code(ent, "127.0.0.9")  # the code as it reached the contact (another address)
    return url, client.post(url, {"action": "verify", "code": code})


def test_the_link_with_a_one_time_code_shows_only_its_own_requests(w, client):
    url, response = _enter(client, w.ent)
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "贷款贴息" in html and "厂房用地" in html and "人才政策" not in html
    assert client.get(reverse("enterprise:portal_request", args=[w.ent.link_key, w.req.pk])).status_code == 200
    assert client.get(reverse("enterprise:portal_request", args=[w.ent.link_key, w.req_b.pk])).status_code == 404
    assert client.get(reverse("enterprise:portal_attachment", args=[w.ent.link_key, w.att.pk])).status_code == 200
    # the session is bound to this enterprise: another enterprise's link asks for its own code
    assert "verify-form" in client.get(reverse("enterprise:portal", args=[w.ent_b.link_key])).content.decode()


def test_the_enterprise_submits_a_request_itself(w, client):
    url, _r = _enter(client, w.ent)
    response = client.post(url, {"action": "submit", "rtype": "talent", "title": "高层次人才落户",
                                 "files": SimpleUploadedFile("证书.png", b"\x89PNG\r\n\x1a\nxx", "image/png")})
    req = EnterpriseRequest.objects.get(title="高层次人才落户")
    assert response.status_code == 302 and req.channel == "enterprise" and req.first_unit == w.towns_a[0]
    assert req.received_by is None and req.attachments.count() == 1


def test_a_used_code_does_not_open_the_page_again(w, client):
    url = reverse("enterprise:portal", args=[w.ent.link_key])
    code = services.issue_code(w.ent, "127.0.0.9")
    assert client.post(url, {"action": "verify", "code": code}).status_code == 302
    other = type(client)()
    assert other.post(url, {"action": "verify", "code": code}).status_code == 400


def test_an_expired_link_is_not_found(w, client):
    Enterprise.objects.filter(pk=w.ent.pk).update(link_expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(reverse("enterprise:portal", args=[w.ent.link_key])).status_code == 404
    assert client.get(reverse("enterprise:portal", args=["not-a-key"])).status_code == 404


def test_an_expired_session_asks_for_a_code_again(w, client):
    url, _r = _enter(client, w.ent)
    session = client.session
    visit = session["kaohe_enterprise_visit"]
    visit["until"] = (timezone.now() - dt.timedelta(seconds=1)).isoformat()
    session["kaohe_enterprise_visit"] = visit
    session.save()
    assert "verify-form" in client.get(url).content.decode()


def test_sending_codes_is_rate_limited(w, client):
    url = reverse("enterprise:portal", args=[w.ent.link_key])
    for _ in range(5):
        assert client.post(url, {"action": "send"}).status_code == 200
    assert client.post(url, {"action": "send"}).status_code == 429


def test_the_satisfaction_link_works_once_and_unsatisfied_reopens(w, client):
    services.sign(w.assigned)
    services.reply(w.assigned, "用地指标已列入年度计划")
    url = reverse("enterprise:survey", args=[w.assigned._survey_key])
    assert client.get(url).status_code == 200
    assert client.post(url, {"answer": "unsatisfied", "comment": "时间太长", "solved": "0"}).status_code == 200
    w.assigned.refresh_from_db()
    assert w.assigned.status == Status.ASSIGNED and w.assigned.round == 2
    assert client.get(url).status_code == 404


# ---- Excel ---------------------------------------------------------------------------------


def _xlsx(rows):
    from kaohe.enterprise.excel import COLUMNS

    return xlsx_bytes([Table("企业名录", [c.label for c in COLUMNS], rows)])


def test_the_register_import_is_all_or_nothing(w, client_for):
    good = (credit_code(900001), "新企业甲", "制造业", "规上", "C-A-01", "assessed_town_a", "专班一", "张三", "13800000000",
            "a@example.com", "是")
    bad = (credit_code(900002)[:-1] + "0" if not credit_code(900002).endswith("0") else credit_code(900002)[:-1] + "1",
           "新企业乙", "", "规下", "C-A-01", "", "", "", "", "", "否")
    outside = (credit_code(900003), "新企业丙", "", "规下", "C-B-01", "", "", "", "", "", "否")
    client = client_for(w.office_a)
    response = client.post(reverse("enterprise:import"), {"file": SimpleUploadedFile("名录.xlsx", _xlsx([good, bad, outside]))})
    html = response.content.decode()
    assert response.status_code == 400 and "第3行" in html and "校验码" in html and "第4行" in html and "管辖范围" in html
    assert not Enterprise.objects.filter(name__startswith="新企业").exists()
    response = client.post(reverse("enterprise:import"), {"file": SimpleUploadedFile("名录.xlsx", _xlsx([good]))})
    assert response.status_code == 302
    ent = Enterprise.objects.get(name="新企业甲")
    assert ent.size == "above" and ent.is_key and ent.specialist == w.assessed_town_a


def test_the_export_opens_back_with_the_requests_in_scope(w, client_for):
    from openpyxl import load_workbook

    response = client_for(w.office_a).get(reverse("enterprise:export"))
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "工单号"
    assert {r[5] for r in rows[1:]} == {"贷款贴息", "厂房用地"}


def test_routing_goes_to_the_enterprise_s_place_or_above_only(w, client_for):
    client = client_for(w.office)
    url = reverse("enterprise:act", args=[w.req.pk, "assign"])
    client.post(url, {"handler_unit": w.stats_b.pk})  # 乙区统计局: not where the enterprise sits
    w.req.refresh_from_db()
    assert w.req.status == Status.RECEIVED and w.req.handler_unit is None
    html = client_for(w.assessed_town_a).get(reverse("enterprise:request", args=[w.req.pk])).content.decode()
    options = html.split('id="handler_unit"')[1].split("</select>")[0]
    assert "甲一街道" in options and "甲区统计局" in options and "市商务局" in options and "乙区" not in options
    client.post(url, {"handler_unit": w.commerce_bureau.pk})
    w.req.refresh_from_db()
    assert w.req.handler_unit == w.commerce_bureau and w.req.level == "city"


def test_the_board_colours_by_the_cached_due_moments(w, client_for):
    old = services.receive(w.ent, rtype="finance", title="旧诉求", channel="office", first_unit=w.district_a,
                           now=timezone.now() - dt.timedelta(days=30))
    services.assign(old, w.stats_a)
    response = client_for(w.office_a).get(reverse("enterprise:board"))
    rows = {label: (counts, total) for label, counts, total in response.context["type_rows"]}
    assert rows["融资"] == ([1, 0, 1], 2) and rows["用地"] == ([0, 0, 1], 1)  # red, today, green
    assert response.context["overdue_count"] == 1 and response.context["overdue"][0] == old
    units = {u.name: (statuses, colours) for u, statuses, colours in response.context["unit_rows"]}
    assert units["甲区统计局"] == ([0, 2, 0], [1, 0, 1])


def test_every_count_column_of_the_board_is_headed_with_its_unit(w, client_for):
    import re

    html = client_for(w.office_a).get(reverse("enterprise:board")).content.decode()
    for table in ("by-type", "by-unit"):
        head = html.split(f'id="{table}"')[1].split("</thead>")[0]
        numeric = re.findall(r'<th class="num">([^<]*)</th>', head)
        assert numeric and all(h.endswith("（件）") for h in numeric), (table, numeric)
    assert "已分派待签收（件）" in html


def test_the_board_says_requests_in_english_not_supervision_s_tasks(w, client_for):
    client = client_for(w.office_a)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("enterprise:board"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert " requests</span>" in html and " tasks</span>" not in html


def test_the_board_offers_bulletin_periods_by_name(w, client_for):
    import re

    html = client_for(w.office_a).get(reverse("enterprise:board")).content.decode()
    assert "（件）（件）" not in html
    form = html.split('id="bulletin-form"')[1].split("</form>")[0]
    options = re.findall(r'<option value="([^"]+)">([^<]+)</option>', form)
    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1))
    assert options[0] == (f"{last:%Y-%m}", f"{last.year}年{last.month}月")
    assert len(options) == 17 and options[-1] == (str(today.year - 1), f"{today.year - 1}年度")
    assert not re.search(r">\d{4}-\d{2}<", form)  # no period code shown
