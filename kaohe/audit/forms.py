"""The audit-log filter: by user, unit, object, action and time range."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe.audit.models import AuditAction
from kaohe.audit.services import content_type_of, object_and_children
from kaohe.orgs.models import OrgUnit


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("用户"), required=False, max_length=150)
    unit = forms.CharField(label=_("单位代码"), required=False, max_length=32)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=100)
    object_id = forms.IntegerField(label=_("对象编号"), required=False, min_value=0)
    action = forms.ChoiceField(label=_("操作"), required=False, choices=[("", _("全部"))] + list(AuditAction.choices))
    date_from = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, object_types: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if object_types is not None:
            self.fields["object_type"] = forms.ChoiceField(
                label=_("对象类型"), required=False, choices=[("", _("全部"))] + object_types
            )

    def clean_unit(self):
        code = self.cleaned_data["unit"].strip()
        if not code:
            return None
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("没有代码为 %(code)s 的单位"), params={"code": code})
        return unit

    def clean_object_type(self):
        name = (self.cleaned_data.get("object_type") or "").strip()
        if not name:
            return None
        try:
            return content_type_of(name)
        except (LookupError, ValueError):
            raise forms.ValidationError(_("没有这种对象类型：%(t)s"), params={"t": name}) from None

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        return data

    def filter(self, queryset):
        """Apply the valid filters to ``queryset`` (call after ``is_valid``)."""
        data = self.cleaned_data
        if data.get("user"):
            queryset = queryset.filter(username__icontains=data["user"].strip())
        if data.get("unit"):
            unit = data["unit"]
            queryset = queryset.filter(Q(object_unit=unit) | Q(actor_unit=unit))
        if data.get("object_type") and data.get("object_id") is not None:
            # One object's history includes the objects under it (a project's reports and problems).
            queryset = queryset.filter(object_and_children(data["object_type"], data["object_id"]))
        elif data.get("object_type"):
            queryset = queryset.filter(object_type=data["object_type"])
        elif data.get("object_id") is not None:
            queryset = queryset.filter(object_id=data["object_id"])
        if data.get("action"):
            queryset = queryset.filter(action=data["action"])
        tz = timezone.get_current_timezone()
        if data.get("date_from"):
            queryset = queryset.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=tz))
        if data.get("date_to"):
            end = dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
            queryset = queryset.filter(at__lt=end)
        return queryset
