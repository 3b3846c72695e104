"""经济运行监测: the monitored indicators (configuration) and their annual targets.

The figures themselves are not stored here: they are the assessment's values
(``assessment.DataValue``), entered once through the grid, the Excel import or the API under
the codes an indicator names (``amount_code``, ``growth_code``) in any adopted scheme of the
monitor's owner that year. A figure the city's 高质量发展考核 already collects is read from
there — the monitor never asks for it a second time.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.monitor import compute
from kaohe.orgs.scope import ScopedQuerySet


class Form(models.TextChoices):
    YTD = compute.YTD, _("1–N月累计")
    MONTH = compute.MONTH, _("当月")


class PriceBasis(models.TextChoices):
    CURRENT = "current", _("现价")
    COMPARABLE = "comparable", _("可比价")


class Frequency(models.TextChoices):
    MONTHLY = compute.MONTHLY, _("月度")
    QUARTERLY = compute.QUARTERLY, _("季度")


class JudgedOn(models.TextChoices):
    AMOUNT = compute.AMOUNT, _("总量")
    GROWTH = compute.GROWTH, _("增速")
    BOTH = compute.BOTH, _("总量和增速")


class MonitorIndicator(models.Model):
    """监测指标: one key economic indicator of the owner's monitor, with its statistical
    conventions and the checks applied to it."""

    owner_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("监测主体"))
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    unit_of_measure = models.CharField(_("计量单位"), max_length=16)
    form = models.CharField(_("统计口径"), max_length=8, choices=Form.choices, default=Form.YTD)
    price_basis = models.CharField(_("价格口径"), max_length=12, choices=PriceBasis.choices, default=PriceBasis.CURRENT)
    frequency = models.CharField(_("发布频次"), max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY)
    has_january = models.BooleanField(_("发布1月数据"), default=False,
                                      help_text=_("多数指标1月不单独发布，首期为1–2月；价格指数类发布1月"))
    judged_on = models.CharField(_("考察"), max_length=8, choices=JudgedOn.choices, default=JudgedOn.BOTH)
    summable = models.BooleanField(_("可加总"), default=True, help_text=_("各地区数值相加即全市数（人均、比重类不可加总）"))
    amount_code = models.CharField(_("总量数据指标代码"), max_length=64, blank=True,
                                   help_text=_("填报中的指标代码；空：不发布总量"))
    growth_code = models.CharField(_("增速数据指标代码"), max_length=64, blank=True,
                                   help_text=_("填报中的同比增速指标代码（%）；空：按上年同期数推算"))
    is_key = models.BooleanField(_("列入领导监测表"), default=True)
    top_n = models.PositiveSmallIntegerField(_("增幅领先：前N位"), default=1)
    kmh_vs_target = models.BooleanField(_("开门红：增速不低于目标"), default=True)
    kmh_vs_city = models.BooleanField(_("开门红：增速不低于全市"), default=True)
    sgb_share = models.DecimalField(_("双过半：上半年完成目标比例"), max_digits=4, decimal_places=2, default=0.5)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    scope_owners = ("owner_unit",)
    scope_published_down = True
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("监测指标")
        verbose_name_plural = _("监测指标")
        ordering = ["owner_unit", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["owner_unit", "code"], name="unique_monitor_indicator")]

    def __str__(self) -> str:
        return self.name

    @property
    def spec(self) -> compute.Spec:
        return compute.Spec(
            code=self.code, name=self.name, unit=self.unit_of_measure, form=self.form, frequency=self.frequency,
            has_january=self.has_january, judged_on=self.judged_on, summable=self.summable, top_n=self.top_n,
            kmh_vs_target=self.kmh_vs_target, kmh_vs_city=self.kmh_vs_city, sgb_share=float(self.sgb_share),
        )

    @property
    def codes(self) -> list[str]:
        return [c for c in (self.amount_code, self.growth_code) if c]


class MonitorTarget(models.Model):
    """年度目标: a unit's annual target of one indicator — the amount, the growth rate, or both."""

    indicator = models.ForeignKey(MonitorIndicator, on_delete=models.CASCADE, related_name="targets",
                                  verbose_name=_("监测指标"))
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    year = models.PositiveIntegerField(_("年度"))
    amount = models.DecimalField(_("总量目标"), max_digits=20, decimal_places=4, null=True, blank=True)
    growth = models.DecimalField(_("增速目标（%）"), max_digits=8, decimal_places=2, null=True, blank=True)

    scope_owners = ("indicator__owner_unit", "unit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        constraints = [models.UniqueConstraint(fields=["indicator", "unit", "year"], name="unique_monitor_target")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.unit_id} {self.year}"
