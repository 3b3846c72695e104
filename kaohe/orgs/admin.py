"""Admin for the office's reference data: units, placements, peer groups, people.

Every save goes to the audit trail (``AuditedModelAdmin``). A unit's parent or
kind is changed through ``orgs.services.move_unit``, which needs the date the
change takes effect: the unit form asks for it. The office (not only
superusers) may use these pages, within its scope; the permission module
decides (``orgs.manage_unit``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from kaohe.lib.admin import AuditedModelAdmin
from kaohe.lib.changes import announce, snapshot
from kaohe.orgs import services
from kaohe.orgs.models import ApiToken, OrgUnit, PeerGroup, Person, UnitPlacement, WorkCalendarDay
from kaohe.orgs.permissions import (
    check,
    is_top_level,
    is_visible,
    person_of,
    scope_unit_ids,
    subtree_ids,
)

admin.site.site_header = _("考核 · 基础数据管理")
admin.site.site_title = _("考核管理")
admin.site.index_title = _("基础数据")


class OfficeScopedAdmin(AuditedModelAdmin):
    """Open to the assessment office (rule ``orgs.use_admin``); rows are those in its scope and
    a row is changed only by the office managing it (``orgs.manage_unit`` with the row)."""

    def has_module_permission(self, request):
        return check(request.user, "orgs.use_admin")

    def has_view_permission(self, request, obj=None):
        return check(request.user, "orgs.use_admin") and (obj is None or is_visible(request.user, obj))

    def has_add_permission(self, request):
        return check(request.user, "orgs.use_admin")

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return check(request.user, "orgs.use_admin")
        return check(request.user, "orgs.manage_unit", obj)

    def has_delete_permission(self, request, obj=None):
        # Units, placements and people are deactivated, not deleted; the superuser may still clean up.
        return request.user.is_superuser

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        # Out of scope is not found (404), as on every page — Django's admin would redirect to its
        # index with "doesn't exist", which reads as a success to a client and tells nothing.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("no such object in scope")
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is OrgUnit:
            kwargs["queryset"] = OrgUnit.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is OrgUnit:
            kwargs["queryset"] = OrgUnit.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class OrgUnitForm(forms.ModelForm):
    valid_from = forms.DateField(
        label=_("隶属变更生效日期"), required=False,
        help_text=_("调整上级单位或类型时必填：从该日起按新的隶属关系考核，此前年度保持原隶属。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    audit_reason = forms.CharField(label=_("修改原因"), required=False, max_length=200,
                                   help_text=_("记入操作日志，例如“行政区划调整”。"))

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "name_en", "short_name", "kind", "parent", "sort_order", "is_active"]

    def clean(self):
        data = super().clean()
        unit = self.instance
        if unit.pk is None:
            return data
        old = OrgUnit.objects.get(pk=unit.pk)
        moved = data.get("parent") != old.parent or data.get("kind") != old.kind
        if moved:
            valid_from = data.get("valid_from")
            if valid_from is None:
                self.add_error("valid_from", _("调整上级单位或类型时，请填写生效日期。"))
                return data
            parent = data.get("parent")
            if parent is not None:
                if parent.pk in subtree_ids(old):
                    self.add_error("parent", _("不能把单位调整到它自己或其下级之下。"))
            current = services.current_placement(old)
            if current is not None and valid_from <= current.valid_from:
                self.add_error("valid_from", _("生效日期必须晚于当前隶属的起始日期 %(start)s。")
                               % {"start": current.valid_from.isoformat()})
        return data


class PlacementInline(admin.TabularInline):
    model = UnitPlacement
    fk_name = "unit"
    extra = 0
    can_delete = False
    readonly_fields = ("valid_from", "valid_to", "parent", "kind", "reason")
    verbose_name_plural = _("隶属沿革（通过修改上级单位或类型并填写生效日期来调整）")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OrgUnit)
class OrgUnitAdmin(OfficeScopedAdmin):
    form = OrgUnitForm
    list_display = ("code", "name", "name_en", "kind", "parent", "sort_order", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "name_en", "short_name")
    list_select_related = ("parent",)
    inlines = [PlacementInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "short_name", "sort_order", "is_active")}),
        (_("隶属关系"), {"fields": ("kind", "parent", "valid_from", "audit_reason")}),
    )

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("audit_reason", "")
        if not change:
            obj.save()
            UnitPlacement.objects.create(unit=obj, parent=obj.parent, kind=obj.kind,
                                         valid_from=form.cleaned_data.get("valid_from") or services.EPOCH,
                                         reason=reason)
            announce("create", obj, after=snapshot(obj), reason=reason, user=request.user)
            return
        old = OrgUnit.objects.get(pk=obj.pk)
        new_parent, new_kind = obj.parent, obj.kind
        moved = new_parent != old.parent or new_kind != old.kind
        # Names etc. first (one entry), then the dated move (its own entry) through the service.
        obj.parent, obj.kind = old.parent, old.kind
        before = snapshot(old)
        obj.save()
        after = snapshot(obj)
        if services._changed(before, after):
            announce("update", obj, before=before, after=after, reason=reason, user=request.user)
        if moved:
            try:
                services.move_unit(obj, parent=new_parent, kind=new_kind, valid_from=form.cleaned_data["valid_from"],
                                   reason=reason, user=request.user)
            except ValidationError as exc:  # the form checked; a race may still end here
                self.message_user(request, "; ".join(exc.messages), level="error")


@admin.register(UnitPlacement)
class UnitPlacementAdmin(OfficeScopedAdmin):
    """Corrections of the dated history (dates, reasons); moves are made on the unit."""

    scope_field = "unit"
    list_display = ("unit", "parent", "kind", "valid_from", "valid_to", "reason")
    list_filter = ("kind",)
    search_fields = ("unit__code", "unit__name", "reason")
    list_select_related = ("unit", "parent")
    date_hierarchy = "valid_from"
    readonly_fields = ("unit",)

    def has_add_permission(self, request):
        return False  # a placement is opened by creating or moving a unit


@admin.register(PeerGroup)
class PeerGroupAdmin(OfficeScopedAdmin):
    list_display = ("year", "code", "name", "member_count", "sort_order")
    list_filter = ("year",)
    search_fields = ("code", "name", "members__name")
    filter_horizontal = ("members",)

    def get_queryset(self, request):
        # Peer groups are shared reference data: every office reads them all; it changes only
        # the groups whose members it all manages (``has_change_permission`` with the group).
        return admin.ModelAdmin.get_queryset(self, request)

    def has_view_permission(self, request, obj=None):
        return check(request.user, "orgs.use_admin")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        user = request.user

        class ScopedPeerGroupForm(form):
            def clean(self):
                # The members offered are the office's own units; a group without members is the
                # whole city's, which only the city's office (or the superuser) sets up.
                data = super().clean()
                if "members" in data and not data["members"] and not (user.is_superuser or is_top_level(person_of(user))):
                    self.add_error("members", _("没有成员单位的考核分组属于全市，只有市考核办可以设立；请选择本辖区的成员单位。"))
                return data

        return ScopedPeerGroupForm

    @admin.display(description=_("成员数"))
    def member_count(self, obj):
        return obj.members.count()


class PersonForm(forms.ModelForm):
    audit_reason = forms.CharField(label=_("修改原因"), required=False, max_length=200)

    class Meta:
        model = Person
        fields = ["user", "unit", "role", "display_name", "title", "phone"]


@admin.register(Person)
class PersonAdmin(OfficeScopedAdmin):
    form = PersonForm
    scope_field = "unit"
    list_display = ("display_name", "user", "unit", "role", "title")
    list_filter = ("role",)
    search_fields = ("display_name", "user__username", "unit__name", "unit__code")
    list_select_related = ("user", "unit")
    autocomplete_fields = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The accounts offered: those not yet placed anywhere and those of the office's own units
        # (not every username in the city).
        if db_field.name == "user" and not request.user.is_superuser:
            scope = scope_unit_ids(person_of(request.user))
            kwargs["queryset"] = get_user_model().objects.filter(Q(person__isnull=True) | Q(person__unit_id__in=scope))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("prefix", "key_hash")


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(AuditedModelAdmin):
    """工作日历: manual corrections to one day (a year is loaded with ``kaohe calendar import``).

    The calendar belongs to the whole deployment, so only superusers change it.
    """

    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
