"""The walk: every page reachable by links, as every role (a district office and same-role
outsiders included), in real Chromium. It fails on any HTTP error, any link that leads to
403/404, any console error, any ASCII identifier of the scheme (indicator, group or rule code)
in the visible text of a Chinese page, a figure column whose header names no unit, and a table
running out of its card.

Screenshots: var/test-output/walk-<role>-<n>.png — look at them after a change to a page.
``KNOWN`` lists what is not fixed yet (page pattern → check → why); it may only shrink.
"""

from __future__ import annotations

import collections
import re
from urllib.parse import urljoin, urlparse

import pytest

from kaohe.assessment import services as assessment
from kaohe.assessment.models import IndicatorSpec
from kaohe.engine.quality import CHECK_LABELS
from kaohe.orgs.models import PeerGroup
from kaohe.results.receivers import run_for_period
from kaohe.results.services import publish
from tests.assessment.factories import adopted_version, periods, put
from tests.browser.conftest import OUTPUT
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["office", "leader", "submitter", "assessed_a", "office_a", "district_submitter_a", "assessed_town_a", "office_b"]
MAX_PAGES = 30
SKIP = re.compile(r"/logout|/i18n/|format=|export|\.(xlsx|docx|pdf|csv|zip|yaml)\b|download|/template/|/static/|/media/|"
                  r"^/admin|^/api/(?!docs)|/print")
METHODS = {"rank_points", "rank_ratio", "efficacy", "minmax", "goalposts", "mean_relative", "zscore"}
# A header naming a unit: （亿元） (%) 分 名 家 个 次 … or a count/rank/date column.
UNIT = re.compile(r"[（(][^）)]+[）)]|%|‰|分|名|家|个|次|条|项|人|天|日|排名|位次|期|数|时间|日期|编号|序号|文号")
#: Not fixed yet: (path regex, check) → reason. Remove an entry when its page is fixed.
KNOWN: dict[tuple[str, str], str] = {}


def _world(w):
    version = adopted_version(w)
    march = periods(2025)[3]
    feb = periods(2025)[2]
    values = {("C-A", "fai"): "120", ("C-B", "fai"): "100", ("C-A", "export"): "30", ("C-B", "export"): "40",
              ("C-A", "trade"): "50", ("C-B", "trade"): "60", ("C-A", "gdp"): "300", ("C-B", "gdp"): "280",
              ("C-A", "jobs"): "900", ("C-B", "jobs"): "800"}
    assert put(w, version, feb, {k: str(float(v) * 0.9) for k, v in values.items()}).ok
    assert put(w, version, march, values).ok
    for ru, who in ((w.stats_bureau, w.submitter), (w.commerce_bureau, w.submitter_b)):
        sub = assessment.submission_for(version, ru, march)
        assessment.submit(sub, user=who)
        assessment.approve(sub, user=w.office)
    run = run_for_period(version, march, background=False)
    assert run.status == "done", run.error
    publish(run, w.office)
    codes = set(IndicatorSpec.objects.values_list("code", flat=True)) | set(PeerGroup.objects.values_list("code", flat=True))
    return codes | set(CHECK_LABELS) | METHODS


JS_PROBES = """() => {
  const out = {overflow: [], unitless: []};
  for (const t of document.querySelectorAll('table')) {
    const card = t.closest('.card');
    let scroller = t.parentElement;
    while (scroller && scroller !== card && getComputedStyle(scroller).overflowX === 'visible') scroller = scroller.parentElement;
    const box = (scroller && scroller !== card) ? null : card;
    if (box && t.getBoundingClientRect().right > box.getBoundingClientRect().right + 2) out.overflow.push(t.id || (t.className || 'table'));
    const head = t.tHead && t.tHead.rows[0];
    if (!head) continue;
    const caption = (card && card.querySelector('.card-header') || {}).innerText || '';
    Array.from(head.cells).forEach((th, i) => {
      const cells = Array.from(t.tBodies[0] ? t.tBodies[0].rows : []).map(r => r.cells[i]).filter(Boolean);
      const numeric = cells.filter(c => c.classList.contains('num') && /\\d/.test(c.innerText));
      if (numeric.length && numeric.length >= cells.length / 2) out.unitless.push([th.innerText.trim(), caption]);
    });
  }
  return out;
}"""


def _known(path: str, check: str) -> bool:
    return any(re.search(p, path) and c == check for p, c in KNOWN)


def test_every_page_as_every_role(browser, live_server, org_world):
    codes = _world(org_world)
    code_re = re.compile(r"(?<![A-Za-z0-9_./-])(" + "|".join(sorted(map(re.escape, codes), key=len, reverse=True)) + r")(?![A-Za-z0-9_])")
    problems = []
    for role in ROLES:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page = context.new_page()
        console = []
        page.on("console", lambda m, out=console: out.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", role)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.form button[type=submit]")
        page.wait_for_load_state("networkidle")
        queue, seen, origin, variants, n = collections.deque([("/", "")]), set(), {}, {}, 0
        while queue and n < MAX_PAGES:
            path, came_from = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            n += 1
            console.clear()
            response = page.goto(live_server.url + path, wait_until="load")
            where = f"{role} {path}" + (f" (link on {came_from})" if came_from else "")
            if response is None or response.status >= 400:
                problems.append((path, "http", f"{where}: HTTP {response.status if response else '—'}"))
                continue
            if "html" not in (response.headers.get("content-type") or ""):
                continue
            page.screenshot(path=str(OUTPUT / f"walk-{role}-{n:02d}.png"))
            text = page.evaluate("document.body.innerText")
            found = sorted(set(code_re.findall(text)))
            if found:
                problems.append((path, "codes", f"{where}: codes {found[:8]}"))
            if console:
                problems.append((path, "console", f"{where}: console {console[:2]}"))
            probe = page.evaluate(JS_PROBES)
            if probe["overflow"]:
                problems.append((path, "overflow", f"{where}: table beyond its card {probe['overflow']}"))
            bare = sorted({h for h, caption in probe["unitless"] if h and not UNIT.search(h) and not UNIT.search(caption)})
            if bare:
                problems.append((path, "unit", f"{where}: figure columns without a unit {bare}"))
            for href in page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"):
                if not href or href.startswith(("#", "javascript:", "mailto:")):
                    continue
                url = urlparse(urljoin(live_server.url + path, href))
                if url.netloc and url.netloc != urlparse(live_server.url).netloc:
                    continue
                target = url.path + (f"?{url.query}" if url.query else "")
                if SKIP.search(target) or target in seen:
                    continue
                pattern = re.sub(r"\d+", "N", url.path)
                if variants.get(pattern, 0) >= 2:
                    continue
                variants[pattern] = variants.get(pattern, 0) + 1
                origin.setdefault(target, path)
                queue.append((target, path))
        context.close()
        assert n >= 8, f"{role} reached only {n} pages"
    unexpected = [msg for path, check, msg in problems if not _known(path, check)]
    assert unexpected == [], "\n".join(unexpected)
