"""Supervision's documents take their numbers from the documents register's counter
(``documents.DocumentSequence``: per issuing unit, 代字 and year). The counters are seeded from the
numbers supervision has issued so far, so the next 催办单/督办函/交办单 continues the run — no number
repeats and none is skipped."""

from django.db import migrations, models
from django.db.models import Max


def seed_counters(apps, schema_editor):
    TaskDocument = apps.get_model("supervision", "TaskDocument")
    DocumentSequence = apps.get_model("documents", "DocumentSequence")
    last: dict[tuple[int, str, int], int] = {}
    rows = TaskDocument.objects.values("issuer_id", "year", "number").annotate(m=Max("seq")).order_by()
    for row in rows:
        code = row["number"].partition("〔")[0]  # the 代字 the number was issued under (督催〔2026〕7号 → 督催)
        key = (row["issuer_id"], code, row["year"])
        last[key] = max(last.get(key, 0), row["m"])
    for (unit_id, code, year), seq in sorted(last.items()):
        counter, _created = DocumentSequence.objects.get_or_create(unit_id=unit_id, code=code, year=year, defaults={"last": 0})
        if counter.last < seq:
            counter.last = seq
            counter.save(update_fields=["last"])


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0002_dated'),
        ('orgs', '0004_deadline_events'),
        ('supervision', '0004_bulletin_in_register'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='taskdocument',
            name='supervision_doc_number',
        ),
        migrations.AddConstraint(
            model_name='taskdocument',
            constraint=models.UniqueConstraint(fields=('issuer', 'number'), name='supervision_doc_number_once'),
        ),
        migrations.RunPython(seed_counters, migrations.RunPython.noop),
    ]
