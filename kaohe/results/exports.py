"""The results' Excel tables (晒榜、计分卡): one builder per table, used by the page's ``?format=xlsx``
and by the API's downloads, so the two files are the same file."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kaohe.lib.exports import Table
from kaohe.lib.numbers import rounded_float
from kaohe.results import queries
from kaohe.results.models import ScoringRun


def board_export(run: ScoringRun, meta: dict, code: str, group: str, visible: set[str] | None) -> tuple[str, list[Table]]:
    """(file name, tables) of one board of ``group``: rank, unit, score, last period's rank, the
    change and each indicator's value, headed with its unit of measure (the rows ``visible`` sees)."""
    rows, _count = queries.board_rows(run, code, group, visible=visible, page_size=1_000_000)
    names = run.scheme_meta.get("indicators", {})
    cols = [_("排名"), _("单位"), _("得分"), _("上期排名"), _("名次变化")] + [queries.indicator_header(names, i) for i in meta["indicators"]]
    return f"{meta['name']}-{run.label}-{group}", [Table(meta["name"], cols, (
        [r.rank, r.unit_name, rounded_float(r.score, 4), r.prev_rank, r.change] + [v for _i, v, _s in r.values] for r in rows))]


def scorecard_export(run: ScoringRun, card: dict, group: str) -> tuple[str, list[Table]]:
    """(file name, tables) of a scorecard (``queries.scorecard``): rank, unit, total, tier, each indicator's score."""
    cols = [_("排名"), _("单位"), _("总分"), _("等次")] + [i["name"] for i in card["indicators"]]
    return f"scorecard-{run.label}-{group}", [Table(_("计分卡"), cols, (
        [r["rank"] or _("不参与排名"), r["name"], rounded_float(r["total"], 4), r["tier"]] + [c["score"] for c in r["cells"]]
        for r in card["rows"]))]
