"""The Content-Security-Policy in a real Chromium: charts (ECharts), htmx (what-if) and the filters that
act on change still work, and no policy violation is reported. Screenshots: var/test-output/csp-*.png."""

from __future__ import annotations

import pytest

from tests.browser.conftest import OUTPUT
from tests.browser.test_results import page_for
from tests.results.fixtures import build_scored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored(org_world):
    return build_scored(org_world)


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _charts(page, count=1):
    """Wait without evaluating a string (the production policy forbids eval, Playwright's polling uses it)."""
    page.wait_for_selector(f":nth-match(.chart canvas, {count})", timeout=15000)


def test_charts_htmx_and_change_filters_work_under_the_policy(browser, live_server, scored, settings):
    settings.KAOHE_CSP = settings.KAOHE_CSP_DEFAULT  # the production policy, no 'unsafe-eval'
    assert "unsafe-eval" not in settings.KAOHE_CSP
    page = page_for(browser, live_server, "office")
    problems = _watch(page)
    response = page.goto(f"{live_server.url}/results/boards/{scored.feb.pk}/ZX/?group=ZCQ")
    assert response.headers["content-security-policy"] == settings.KAOHE_CSP_DEFAULT
    _charts(page)
    page.screenshot(path=str(OUTPUT / "csp-board.png"), full_page=True)
    # the month filter (data-navigate) goes to the other month's board
    page.select_option("select:not([name])", index=0)
    page.wait_for_load_state("networkidle")
    _charts(page)
    # the profile: trend and radar charts
    page.goto(f"{live_server.url}/results/units/C-A/?run={scored.jan.pk}")
    _charts(page, 2)
    page.screenshot(path=str(OUTPUT / "csp-profile.png"), full_page=True)
    # htmx: the what-if form re-scores live
    page.goto(f"{live_server.url}/results/units/C-A/gap/?run={scored.jan.pk}")
    page.fill("input[name=v_INV]", "10")
    page.click("#what-if-form button[type=submit]")
    page.wait_for_selector("#what-if-result :text('组内第1名')", timeout=15000)
    page.screenshot(path=str(OUTPUT / "csp-what-if.png"), full_page=True)
    # the run list's type filter (data-autosubmit) submits its form
    page.goto(f"{live_server.url}/results/runs/")
    page.select_option("select[name=kind]", "year")
    page.wait_for_url("**kind=year**")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
