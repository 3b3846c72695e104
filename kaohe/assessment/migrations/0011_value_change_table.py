"""A cell's history in a narrow table (ValueChange) instead of rows packed into the audit
entry's JSON (lists, or TSV text for large batches).

The data migration unpacks every existing batch entry into value-change rows, leaves the
entry a summary (source, number of values, version, period), names sources in Chinese
in the entry's text ("(grid)" → "（网格填报）"), and gives submissions their scheme
version as parent and their responsible unit as unit.
"""

from decimal import Decimal, InvalidOperation

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


SOURCES = {"grid": "网格填报", "excel": "Excel导入", "csv": "CSV导入", "api": "接口", "correction": "更正",
           "demo": "演示数据"}


def _rows(block) -> list[list]:
    if not isinstance(block, dict):
        return []
    if "rows" in block and isinstance(block["rows"], list):
        return [r for r in block["rows"] if isinstance(r, list) and len(r) == 4]
    out = []
    for line in str(block.get("rows_tsv", "")).splitlines():
        u, i, v, r = line.split("\t")
        out.append([int(u), i, v or None, int(r)])
    return out


def _number(text):
    if text is None or text == "":
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


def unpack(apps, schema_editor):
    Entry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ValueChange = apps.get_model("assessment", "ValueChange")
    Submission = apps.get_model("assessment", "Submission")
    SchemeVersion = apps.get_model("assessment", "SchemeVersion")
    value_ct = ContentType.objects.filter(app_label="assessment", model="datavalue").first()
    if value_ct is not None:
        owners = dict(SchemeVersion.objects.values_list("pk", "scheme__owner_unit_id"))
        for entry in Entry.objects.filter(object_type=value_ct).order_by("pk").iterator(chunk_size=200):
            after = entry.after if isinstance(entry.after, dict) else {}
            source = str(after.get("source", ""))
            version, period = after.get("version"), after.get("period")
            new_rows = _rows(after)
            if version is not None and period is not None and new_rows:
                old_by_cell = {(r[0], r[1]): r[2] for r in _rows(entry.before)}
                ValueChange.objects.bulk_create([
                    ValueChange(entry_id=entry.pk, version_id=version, period_id=period, unit_id=u, indicator=i,
                                old=_number(old_by_cell.get((u, i))), new=_number(v), revision=r,
                                actor_id=entry.user_id, at=entry.at, source=source if source in SOURCES else "grid")
                    for u, i, v, r in new_rows
                ], batch_size=2000)
            summary = {k: v for k, v in after.items() if k not in ("rows", "rows_tsv", "columns")}
            if new_rows:
                summary["values"] = len(new_rows)
            entry.after = summary
            entry.before = None
            for code, label in SOURCES.items():
                entry.object_repr = entry.object_repr.replace(f"({code})", f"（{label}）")
            if entry.object_unit_id is None and version is not None:
                entry.object_unit_id = owners.get(version)
            entry.save(update_fields=["after", "before", "object_repr", "object_unit"])
    sub_ct = ContentType.objects.filter(app_label="assessment", model="submission").first()
    version_ct = ContentType.objects.filter(app_label="assessment", model="schemeversion").first()
    if sub_ct is not None and version_ct is not None:
        subs = dict((pk, (v, ru)) for pk, v, ru in Submission.objects.values_list("pk", "version_id", "responsible_unit_id"))
        for entry in Entry.objects.filter(object_type=sub_ct, related_object_type__isnull=True).iterator(chunk_size=2000):
            if entry.object_id in subs:
                version, unit = subs[entry.object_id]
                Entry.objects.filter(pk=entry.pk).update(related_object_type=version_ct, related_object_id=version,
                                                         object_unit_id=unit)


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0010_period_kind_labels'),
        ('audit', '0002_object_content_type_parent_unit'),
        ('orgs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ValueChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('indicator', models.CharField(max_length=64, verbose_name='指标代码')),
                ('old', models.DecimalField(blank=True, decimal_places=6, max_digits=24, null=True, verbose_name='修改前')),
                ('new', models.DecimalField(blank=True, decimal_places=6, max_digits=24, null=True, verbose_name='修改后')),
                ('revision', models.PositiveIntegerField(verbose_name='版本号')),
                ('at', models.DateTimeField(verbose_name='时间')),
                ('source', models.CharField(choices=[('grid', '网格填报'), ('excel', 'Excel导入'), ('csv', 'CSV导入'), ('api', '接口'), ('correction', '更正'), ('demo', '演示数据')], max_length=16, verbose_name='来源')),
                ('actor', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='修改人')),
                ('entry', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='audit.auditentry', verbose_name='操作日志')),
                ('period', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='assessment.period', verbose_name='考核期')),
                ('unit', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.orgunit', verbose_name='单位')),
                ('version', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='assessment.schemeversion')),
            ],
            options={
                'verbose_name': '数据修改记录',
                'verbose_name_plural': '数据修改记录',
                'indexes': [models.Index(fields=['version', 'period', 'unit', 'indicator', 'at'], name='assessment_vc_cell_idx')],
            },
        ),
        migrations.RunPython(unpack, migrations.RunPython.noop),
    ]
