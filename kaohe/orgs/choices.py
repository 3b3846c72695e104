"""Choices of the organisation: kinds of unit and roles of people (imported by models and scope)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """Kinds of org unit seen in the source documents."""

    CITY = "city", _("市")
    DISTRICT = "district", _("区/县")
    NEW_AREA = "new_area", _("新区")
    DEV_ZONE = "dev_zone", _("开发区")
    HIGH_TECH_PARK = "park", _("高新园区")
    TOWN = "town", _("镇")
    STREET = "street", _("街道")
    DEPARTMENT = "department", _("部门")
    ENTERPRISE = "enterprise", _("市属国企")


class Role(models.TextChoices):
    """Roles; what each may do is decided in ``kaohe.orgs.permissions`` and nowhere else."""

    OFFICE = "office", _("考核办")
    SUBMITTER = "submitter", _("指标责任单位填报员")
    ASSESSED = "assessed", _("被考核单位")
    LEADER = "leader", _("领导")
