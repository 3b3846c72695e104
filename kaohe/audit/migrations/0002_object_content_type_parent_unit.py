"""The change log names its object by content type and integer id, its parent object the
same way, and the object's unit beside the actor's (which was the only unit recorded).

Existing entries are converted: ``object_type`` strings become content types, numeric
``object_id`` strings integers; a batch of values (``"<version>:<period>"``) gets its scheme
version as parent and keeps version and period in ``after``; any other non-numeric key
("batch", "2025/first_prize", a date) is kept in ``after["object_key"]``. The apps above
fill in the parents and units of their own objects in their own migrations.
"""

import django.db.models.deletion
from django.db import migrations, models


def convert(apps, schema_editor):
    Entry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    cts: dict[str, int | None] = {}

    def ct(label: str) -> int | None:
        if label not in cts:
            app_label, _dot, model = label.partition(".")
            cts[label] = (ContentType.objects.get_or_create(app_label=app_label, model=model)[0].pk
                          if app_label and model else None)
        return cts[label]

    fields = ["object_ct", "object_pk", "related_object_type", "related_object_id", "object_unit", "after"]
    batch = []
    for e in Entry.objects.order_by("pk").iterator(chunk_size=2000):
        e.object_ct_id = ct(e.object_type) if e.object_type else None
        key = e.object_id or ""
        if key.isdigit():
            e.object_pk = int(key)
            if e.object_type == "orgs.orgunit":
                e.object_unit_id = e.object_pk
        elif e.object_type == "assessment.datavalue" and ":" in key:
            version, _colon, period = key.partition(":")
            e.related_object_type_id = ct("assessment.schemeversion")
            e.related_object_id = int(version)
            after = dict(e.after) if isinstance(e.after, dict) else {}
            after["version"] = int(version)
            if period.isdigit():
                after["period"] = int(period)
            e.after = after
        elif key:
            after = dict(e.after) if isinstance(e.after, dict) else ({} if e.after is None else {"value": e.after})
            after["object_key"] = key
            e.after = after
        batch.append(e)
        if len(batch) >= 2000:
            Entry.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        Entry.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="auditentry", name="audit_audit_object__3eefc4_idx"),
        migrations.RemoveIndex(model_name="auditentry", name="audit_audit_user_id_c820e8_idx"),
        migrations.RenameField(model_name="auditentry", old_name="unit", new_name="actor_unit"),
        migrations.AlterField(
            model_name="auditentry", name="actor_unit",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="orgs.orgunit", verbose_name="操作人单位"),
        ),
        migrations.AddField(
            model_name="auditentry", name="object_ct",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="contenttypes.contenttype", verbose_name="对象类型"),
        ),
        migrations.AddField(model_name="auditentry", name="object_pk",
                            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="对象编号")),
        migrations.AddField(
            model_name="auditentry", name="related_object_type",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="contenttypes.contenttype", verbose_name="上级对象类型"),
        ),
        migrations.AddField(model_name="auditentry", name="related_object_id",
                            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="上级对象编号")),
        migrations.AddField(
            model_name="auditentry", name="object_unit",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="orgs.orgunit", verbose_name="对象所属单位"),
        ),
        migrations.RunPython(convert, migrations.RunPython.noop),
        migrations.RemoveField(model_name="auditentry", name="object_type"),
        migrations.RemoveField(model_name="auditentry", name="object_id"),
        migrations.RenameField(model_name="auditentry", old_name="object_ct", new_name="object_type"),
        migrations.RenameField(model_name="auditentry", old_name="object_pk", new_name="object_id"),
        migrations.AddIndex(model_name="auditentry",
                            index=models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at")),
        migrations.AddIndex(model_name="auditentry",
                            index=models.Index(fields=["related_object_type", "related_object_id", "at"],
                                               name="audit_related_at")),
        migrations.AddIndex(model_name="auditentry",
                            index=models.Index(fields=["object_unit", "at"], name="audit_object_unit_at")),
        migrations.AddIndex(model_name="auditentry", index=models.Index(fields=["user", "at"], name="audit_user_at")),
    ]
