"""Real Chromium through enterprise service: the specialist takes a request, the district routes it,
the bureau signs and answers, the enterprise rates it 不满意 through its one-time link (second round),
the enterprise enters its own page with a one-time code; the office's board.
Screenshots: var/test-output/enterprise-*.png (look at them)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from kaohe.enterprise import services
from kaohe.enterprise.models import EnterpriseRequest, Status
from tests.browser.conftest import OUTPUT
from tests.enterprise.factories import EnterpriseFactory
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def w(org_world, work_calendar):
    w = org_world
    w.ent = EnterpriseFactory(unit=w.towns_a[0], specialist=w.assessed_town_a, name="甲一精密制造有限公司",
                              task_force="先进制造服务专班", contact_email="caiwu@jiayi.example.com")
    return w


def sign_in(browser, live_server, username):
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    return page


def test_a_request_from_intake_to_a_second_round(browser, live_server, w, tmp_path):
    page = sign_in(browser, live_server, "assessed_town_a")
    page.goto(f"{live_server.url}/enterprise/")
    page.get_by_role("link", name="甲一精密制造有限公司").first.click()
    page.select_option("#rtype", "finance")
    page.fill("#title", "流动资金贷款贴息")
    page.fill("#content", "企业扩产需流动资金2000万元，申请贴息支持。")
    pdf = tmp_path / "贴息申请.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.set_input_files("#files", str(pdf))
    page.click("#receive-form button[type=submit]")
    page.wait_for_selector("#timeline >> text=受理")
    req = EnterpriseRequest.objects.get(title="流动资金贷款贴息")
    assert req.first_unit == w.towns_a[0] and req.attachments.count() == 1
    page.fill("#respond-text", "已电话联系企业财务负责人，明日上门核实")
    page.click("#respond-form button[type=submit]")
    page.wait_for_selector("#timeline >> text=首次响应")
    page.select_option("#handler_unit", str(w.stats_a.pk))
    page.click("#assign-form button[type=submit]")
    page.wait_for_selector("#timeline >> text=分派")
    page.screenshot(path=str(OUTPUT / "enterprise-request-assigned.png"), full_page=True)
    page.close()

    page = sign_in(browser, live_server, "district_submitter_a")
    page.goto(f"{live_server.url}/enterprise/r/{req.pk}/")
    page.click("#sign")
    page.wait_for_selector("#reply-form")
    page.fill("#reply-text", "已协调合作银行，贴息按季度拨付。")
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector("#reply")
    page.screenshot(path=str(OUTPUT / "enterprise-request-replied.png"), full_page=True)
    page.close()

    key = re.search(r"/enterprise/survey/([\w-]+)/", mail.outbox[-1].body).group(1)
    page = browser.new_page(viewport={"width": 1000, "height": 800}, locale="zh-CN")
    page.goto(f"{live_server.url}/enterprise/survey/{key}/")
    page.check("input[name=answer][value=unsatisfied]")
    page.check("input[name=solved][value='0']")
    page.fill("#comment", "贴息到账时间太晚，未解决资金周转问题")
    page.screenshot(path=str(OUTPUT / "enterprise-survey.png"), full_page=True)
    page.click("#survey-form button[type=submit]")
    page.wait_for_selector("#survey-done")
    req.refresh_from_db()
    assert req.status == Status.ASSIGNED and req.round == 2
    page.goto(f"{live_server.url}/enterprise/survey/{key}/")
    assert "评价链接无效、已使用或已过期" in page.content()
    page.close()


def test_the_enterprise_enters_with_a_one_time_code_and_the_office_sees_the_board(browser, live_server, w):
    services.receive(w.ent, rtype="land", title="扩产用地指标", channel="office", first_unit=w.district_a, user=w.office_a)
    other = EnterpriseFactory(unit=w.towns_b[0], name="乙一物流有限公司")
    services.receive(other, rtype="policy", title="乙企业的诉求", channel="office", first_unit=w.district_b)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/enterprise/link/{w.ent.link_key}/")
    page.click("#send-form button[type=submit]")
    page.wait_for_selector("#verify-form")
    code = re.search(r"验证码：(\d{6})", mail.outbox[-1].body).group(1)
    page.fill("#code", code)
    page.click("#verify-form button[type=submit]")
    page.wait_for_selector("#own-requests >> text=扩产用地指标")
    assert "乙企业的诉求" not in page.content()
    page.select_option("#rtype", "talent")
    page.fill("#title", "研发人员子女入学")
    page.click("#portal-form button[type=submit]")
    page.wait_for_selector("#own-requests >> text=研发人员子女入学")
    page.screenshot(path=str(OUTPUT / "enterprise-own-page.png"), full_page=True)
    page.close()

    page = sign_in(browser, live_server, "office_a")
    page.goto(f"{live_server.url}/enterprise/board/")
    page.wait_for_selector("#by-type")
    page.screenshot(path=str(OUTPUT / "enterprise-board.png"), full_page=True)
    page.close()
