"""The shell's pages: login, home per role, placeholder pages, language switch."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaohe.orgs.models import Role

from .factories import PASSWORD, city_with_people

pytestmark = pytest.mark.django_db

NAV_ZH = ["首页/驾驶舱", "考核方案", "数据填报", "考核结果", "晒榜", "重大项目", "单位与分组"]


@pytest.fixture
def people():
    return city_with_people()


@pytest.fixture
def shell_home(settings):
    """The shell's own home page, whatever the results app provides."""
    settings.KAOHE_HOME_COCKPIT = False


def login(client, person):
    assert client.login(username=person.user.username, password=PASSWORD)
    return client


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans"' in html
    assert "用户名" in html and "密码" in html and "登录" in html


def test_wrong_password_says_so_in_chinese(client, people):
    response = client.post(reverse("login"), {"username": "office", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_wrong_password_says_so_in_english_for_an_english_reader(client, people):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    response = client.post(reverse("login"), {"username": "office", "password": "wrong"})
    html = response.content.decode()
    assert "incorrect" in html.lower()
    assert "用户名或密码不正确" not in html


def test_right_password_lands_on_home(client, people, shell_home):
    response = client.post(reverse("login"), {"username": "office", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "王考核" in response.content.decode()


@pytest.mark.parametrize("role", [Role.OFFICE, Role.LEADER, Role.SUBMITTER, Role.ASSESSED])
def test_home_shows_user_unit_role_and_navigation_for_every_role(client, people, role, shell_home):
    person = people[role]
    html = login(client, person).get("/").content.decode()
    assert person.display_name in html
    assert person.unit.name in html
    assert person.get_role_display() in html
    for label in NAV_ZH:
        # an assessed unit neither fills nor reads the data grid: 数据填报 is not offered to it
        assert (label in html) is (label != "数据填报" or role != Role.ASSESSED)


def test_audit_log_is_in_the_navigation_of_the_office_only(client, people, shell_home):
    assert "操作日志" in login(client, people[Role.OFFICE]).get("/").content.decode()
    client.logout()
    for role in (Role.LEADER, Role.SUBMITTER, Role.ASSESSED):
        assert "操作日志" not in login(client, people[role]).get("/").content.decode()
        client.logout()


def test_home_highlights_the_home_entry(client, people, shell_home):
    html = login(client, people[Role.ASSESSED]).get("/").content.decode()
    assert 'aria-current="page"' in html


def test_the_navigation_shows_only_modules_that_exist_and_no_placeholder(client, people, shell_home):
    from kaohe.web.navigation import MODULES

    html = login(client, people[Role.OFFICE]).get("/").content.decode()
    assert "建设中" not in html
    for module in MODULES:
        assert f'href="{reverse(module.url_name)}"' in html
    assert "reports" in {m.key for m in MODULES}  # 报告 exists since the documents app (kaohe/reports)


def test_language_switch_turns_the_shell_english(client, people, shell_home):
    login(client, people[Role.OFFICE])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Major projects" in html
    assert "Sign out" in html
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"}, follow=True)
    assert '<html lang="zh-Hans"' in response.content.decode()


def test_logout_ends_the_session(client, people):
    login(client, people[Role.OFFICE])
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_city_name_shows_in_the_top_bar(client, people):
    assert "示范市" in login(client, people[Role.ASSESSED]).get("/").content.decode()


def test_submitter_and_assessed_user_get_the_shell_home_even_with_a_cockpit(client, people):
    html = login(client, people[Role.ASSESSED]).get("/").content.decode()
    assert "功能模块" in html


def test_office_home_is_the_results_cockpit(client, people):
    response = login(client, people[Role.OFFICE]).get("/")
    assert response.status_code == 200
    assert "功能模块" not in response.content.decode()


def test_chinese_first_middleware_ignores_the_browser_language(client, settings):
    settings.MIDDLEWARE = [
        "kaohe.web.middleware.ChineseFirstLocaleMiddleware" if m.endswith("LocaleMiddleware") else m
        for m in settings.MIDDLEWARE
    ]
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-Hans"' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en"' in html


def test_home_offers_shortcuts_for_the_role_that_exist_here(client, people, shell_home):
    from kaohe.web.navigation import quick_links

    person = people[Role.ASSESSED]
    links = quick_links(person)
    html = login(client, person).get("/").content.decode()
    for link in links:
        assert f'href="{link["url"]}"' in html
    unit_links = [link["url"] for link in links if "SFS-DC" in link["url"]]
    assert all("SFS-DC" in url for url in unit_links)  # unit shortcuts point at the user's own unit


def test_every_shortcut_of_every_role_names_a_url_that_exists():
    from kaohe.web.navigation import QUICK_LINKS

    for role, links in QUICK_LINKS.items():
        for _label, name, with_unit in links:
            assert reverse(name, args=["X"] if with_unit else []), (role, name)


def test_home_page_stays_within_a_query_budget(client, people, shell_home, django_assert_max_num_queries):
    login(client, people[Role.ASSESSED])
    client.get("/")  # warm caches (city name, permission rules)
    with django_assert_max_num_queries(10):
        assert client.get("/").status_code == 200
