"""Every app's English catalogue is complete, agrees with the others and its committed .mo matches the .po.

Django merges the apps' catalogues and the first app in INSTALLED_APPS wins a msgid two of them
translate, so a disagreement shows one app's English on another app's page.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("kaohe_i18n", ROOT / "scripts" / "i18n.py")
i18n = importlib.util.module_from_spec(_spec)
sys.modules["kaohe_i18n"] = i18n  # dataclasses look their module up by name
_spec.loader.exec_module(i18n)

APPS = i18n.all_apps(with_catalogue=True)


def test_the_web_app_has_a_catalogue():
    assert "web" in APPS


@pytest.mark.parametrize("app", APPS)
def test_every_msgid_has_english_and_the_mo_is_freshly_compiled(app):
    assert i18n.problems(app) == []


@pytest.mark.parametrize("app", APPS)
def test_every_msgid_the_apps_templates_and_code_use_has_english_in_its_catalogue(app):
    # missing (extract not re-run), fuzzy or empty: all three show Chinese on the English page
    assert i18n.untranslated_uses(app) == []


def test_msgids_used_outside_the_apps_catalogues_have_english_in_one_of_them():
    english = {e.key for app in APPS for e in i18n.read_po(i18n.po_path(app))[0] if not e.obsolete and e.translated}
    others = [a for a in i18n.all_apps(with_catalogue=False) if a not in APPS]
    assert others == ["kaohe"]  # the project package (settings, lib, commands) has no catalogue of its own
    # settings.LANGUAGES: each language is named in its own language on every page
    self_named = {(None, "简体中文"), (None, "English")}
    used = {(f.msgctxt, f.msgid): f.where for a in others for f in i18n.extract(a) if (f.msgctxt, f.msgid) not in self_named}
    assert {key: where for key, where in used.items() if key not in english} == {}


def test_no_msgid_has_two_english_wordings_in_two_catalogues():
    assert i18n.conflict_lines(i18n.conflicts()) == []


def test_a_conflict_is_a_same_context_msgid_with_different_english():
    catalogues = {
        "projects": [i18n.Entry(msgid="办结", msgctxt="按钮", msgstr=["Resolve"]),
                     i18n.Entry(msgid="办结", msgstr=["Resolved"]),
                     i18n.Entry(msgid="分", msgstr=["points"]),
                     i18n.Entry(msgid="类别", msgstr=["Tier"], obsolete=True),
                     i18n.Entry(msgid="状态", msgstr=["status"], flags={"fuzzy"})],
        "enterprise": [i18n.Entry(msgid="办结", msgstr=["Resolved"]),
                       i18n.Entry(msgid="分", msgstr=["minutes"]),
                       i18n.Entry(msgid="类别", msgstr=["Category"]),
                       i18n.Entry(msgid="状态", msgstr=["Status"])],
        "results": [i18n.Entry(msgid="分", msgstr=["points"])],
    }
    found = i18n.conflicts(catalogues=catalogues)
    # 办结 with and without a context are two keys; obsolete and fuzzy entries are never compiled
    assert found == {(None, "分"): {"projects": ("points",), "enterprise": ("minutes",), "results": ("points",)}}
    assert i18n.conflict_lines(found) == ["'分' — 'points': projects, results | 'minutes': enterprise"]


def test_po_round_trip_keeps_plurals_context_and_escapes(tmp_path):
    entries = [
        i18n.Entry(msgid="共%(n)s项", msgid_plural="共%(n)s项", msgstr=["%(n)s item", "%(n)s items"]),
        i18n.Entry(msgid="月", msgctxt="期间", msgstr=["Month"]),
        i18n.Entry(msgid='引号"与\\反斜杠\n换行', msgstr=['quote " and \\ backslash\nnewline']),
        i18n.Entry(msgid="未译", msgstr=[""]),
    ]
    path = tmp_path / "django.po"
    i18n.write_po(path, entries)
    again, header = i18n.read_po(path)
    assert [(e.msgid, e.msgid_plural, e.msgctxt, e.msgstr) for e in again] == [
        (e.msgid, e.msgid_plural, e.msgctxt, e.msgstr) for e in entries
    ]
    assert "Plural-Forms" in header


def test_compiled_catalogue_is_read_by_python_gettext(tmp_path):
    import gettext

    entries = [
        i18n.Entry(msgid="重大项目", msgstr=["Major projects"]),
        i18n.Entry(msgid="共%(n)s项", msgid_plural="共%(n)s项", msgstr=["%(n)s item", "%(n)s items"]),
        i18n.Entry(msgid="月", msgctxt="期间", msgstr=["Month"]),
        i18n.Entry(msgid="未译", msgstr=[""]),
        i18n.Entry(msgid="存疑", msgstr=["Doubtful"], flags={"fuzzy"}),
    ]
    mo = tmp_path / "django.mo"
    mo.write_bytes(i18n.compile_mo(entries))
    with mo.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    assert catalogue.gettext("重大项目") == "Major projects"
    assert catalogue.ngettext("共%(n)s项", "共%(n)s项", 1) == "%(n)s item"
    assert catalogue.ngettext("共%(n)s项", "共%(n)s项", 3) == "%(n)s items"
    assert catalogue.pgettext("期间", "月") == "Month"
    assert catalogue.gettext("未译") == "未译"
    assert catalogue.gettext("存疑") == "存疑"  # fuzzy entries are not compiled


def test_extraction_finds_template_tags_and_python_calls(tmp_path):
    template = tmp_path / "templates" / "t.html"
    template.parent.mkdir()
    template.write_text(
        '{% load i18n %}{% translate "单位" %}{% translate "月" context "期间" %}'
        "{% blocktranslate count n=items|length %}共{{ n }}项{% plural %}共{{ n }}项{% endblocktranslate %}"
        "{% blocktranslate trimmed with name=x %}\n  您好，\n  {{ name }}\n{% endblocktranslate %}"
        '{% include "x.html" with label=_("月度趋势") %}{{ _("得分") }}'
        '{% comment %}{% translate "注释里的" %}{% endcomment %}{% translate "50%完成" %}',
        encoding="utf-8",
    )
    module = tmp_path / "m.py"
    module.write_text(
        "from django.utils.translation import gettext_lazy as _, ngettext, pgettext\n"
        "from django.utils import translation\n"
        "A = _('单位名称')\nB = ngettext('一项', '多项', 2)\nC = pgettext('期间', '季')\n"
        "D = translation.gettext('表')\nE = _(variable)\n",
        encoding="utf-8",
    )
    found = {(f.msgctxt, f.msgid, f.msgid_plural) for f in i18n.extract_template(template, "t.html")}
    assert found == {
        (None, "单位", None), ("期间", "月", None), (None, "共%(n)s项", "共%(n)s项"),
        (None, "您好， %(name)s", None), (None, "月度趋势", None), (None, "得分", None), (None, "50%%完成", None),
    }
    found_py = {(f.msgctxt, f.msgid, f.msgid_plural) for f in i18n.extract_python(module, "m.py")}
    assert found_py == {(None, "单位名称", None), (None, "一项", "多项"), ("期间", "季", None), (None, "表", None)}


def test_extract_gives_a_new_msgid_the_english_the_other_catalogues_agree_on(tmp_path, monkeypatch):
    package = tmp_path / "kaohe"
    for app in ("alpha", "beta", "gamma"):
        (package / app).mkdir(parents=True)
        (package / app / "apps.py").write_text("", encoding="utf-8")
    template = package / "alpha" / "templates" / "alpha" / "t.html"
    template.parent.mkdir(parents=True)
    template.write_text('{% load i18n %}{% translate "办结" %}{% translate "分" %}{% translate "新词" %}'
                        '{% translate "办结" context "按钮" %}', encoding="utf-8")
    monkeypatch.setattr(i18n, "ROOT", tmp_path)
    monkeypatch.setattr(i18n, "PACKAGE", package)
    i18n.write_po(i18n.po_path("beta"), [i18n.Entry(msgid="办结", msgstr=["Resolved"]),
                                         i18n.Entry(msgid="分", msgstr=["points"])])
    i18n.write_po(i18n.po_path("gamma"), [i18n.Entry(msgid="分", msgstr=["minutes"])])
    assert i18n.merge("alpha") == (4, 4, 3)
    english = {e.key: e.msgstr for e in i18n.read_po(i18n.po_path("alpha"))[0]}
    # 分 is left for a person to word (beta and gamma disagree), and so is the button's 办结
    assert english == {(None, "办结"): ["Resolved"], (None, "分"): [""], (None, "新词"): [""], ("按钮", "办结"): [""]}
