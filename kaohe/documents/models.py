"""公文: document numbers (发文字号) and the register of issued documents.

- ``DocumentSequence``: the last 序号 used per issuing unit, 代字 and year. Numbers are taken under
  a row lock (``SELECT … FOR UPDATE``) inside the transaction that issues the document, so two
  offices issuing at once never get the same number and a failed issue leaves no gap.
- ``IssuedDocument``: one 公文 from draft to issued. A draft (``status=draft``) holds the editable
  body (``draft`` = ``kaohe.lib.gbt9704.Document.to_draft()``); issuing freezes it: the number,
  the exact .docx and PDF bytes and their sha256, who issued it and when. An issued document never
  changes (``save`` refuses).

Scope: owned by the issuing unit. Issued documents published down (``audience=down``) are read by
every unit below the issuer; drafts and internal documents only inside the issuer's scope, drafts
only by its office and leaders (``DocumentQuerySet.visible_to``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaohe.orgs.choices import Role
from kaohe.orgs.scope import ScopedQuerySet, person_of, scope_unit_ids


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已印发")


class Audience(models.TextChoices):
    """Where an issued document is published (the office chooses when issuing)."""

    DOWN = "down", _("下发（本级及下级单位可查阅）")
    INTERNAL = "internal", _("内部（仅本级）")


class DocumentSequence(models.Model):
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("发文单位"))
    code = models.CharField(_("机关代字"), max_length=30)
    year = models.PositiveSmallIntegerField(_("年份"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("发文字号序列")
        verbose_name_plural = _("发文字号序列")
        constraints = [models.UniqueConstraint(fields=["unit", "code", "year"], name="document_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.code}〔{self.year}〕{self.last}"


class DocumentQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> DocumentQuerySet:
        """In scope (``visible_to`` with the issuer's ancestors for published-down documents), then:
        below the issuer only issued documents published down; drafts only for office and leaders."""
        rows = super().visible_to(user)
        if getattr(user, "is_superuser", False) is True:
            return rows
        person = person_of(user)
        if person is None:
            return rows.none()
        own = Q(unit_id__in=scope_unit_ids(person))
        if person.role not in (Role.OFFICE, Role.LEADER):
            own &= Q(status=Status.ISSUED)
        return rows.filter(own | Q(status=Status.ISSUED, audience=Audience.DOWN))

    def issued(self) -> DocumentQuerySet:
        return self.filter(status=Status.ISSUED)


class IssuedDocument(models.Model):
    kind = models.CharField(_("文种"), max_length=40)
    title = models.CharField(_("标题"), max_length=300)
    period = models.CharField(_("期别"), max_length=16, blank=True)
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("发文单位"))
    code = models.CharField(_("机关代字"), max_length=30)
    year = models.PositiveSmallIntegerField(_("年份"))
    serial = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    number = models.CharField(_("发文字号"), max_length=60, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    audience = models.CharField(_("发布范围"), max_length=10, choices=Audience.choices, default=Audience.DOWN)
    draft = models.JSONField(_("文稿"), default=dict)
    text = models.TextField(_("正文文本"), blank=True)  # the words, for search
    docx = models.BinaryField(_("Word文件"), null=True, blank=True)
    docx_sha256 = models.CharField(_("Word文件SHA-256"), max_length=64, blank=True)
    pdf = models.BinaryField(_("PDF文件"), null=True, blank=True)
    pdf_sha256 = models.CharField(_("PDF文件SHA-256"), max_length=64, blank=True)
    dated = models.DateField(_("成文日期"), null=True, blank=True)  # printed on the document; issued_at is when it was stored
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("印发人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("起草人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("来源对象类型"))
    source_id = models.PositiveBigIntegerField(_("来源对象编号"), null=True, blank=True)

    scope_owners = ("unit",)
    scope_published_down = True  # narrowed again by DocumentQuerySet.visible_to
    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("公文")
        verbose_name_plural = _("公文")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code", "year", "serial"], condition=Q(serial__isnull=False),
                                    name="document_number_unique"),
            models.CheckConstraint(
                condition=Q(status="draft", serial__isnull=True) | Q(status="issued", serial__isnull=False),
                name="document_issued_has_number"),
        ]
        indexes = [models.Index(fields=["kind", "period"]), models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    def save(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, status=Status.ISSUED).exists():
            raise ValueError("已印发的公文不可更改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_issued:
            raise ValueError("已印发的公文不可删除")
        return super().delete(*args, **kwargs)

    @property
    def period_label(self) -> str:
        """期别 in words (2025年2月, 2025年第1季度); the code if it is not a period."""
        from kaohe.lib.periods import parse_period

        period = parse_period(self.period) if self.period else None
        return period.label() if period else self.period

    @property
    def is_issued(self) -> bool:
        return self.status == Status.ISSUED
