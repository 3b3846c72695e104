"""Every scheme and period has its assessment owner (考核主体): unique per owner, not globally.

Existing schemes without an owner, and every existing period, go to the top unit (the city: the
first unit without a parent) — before this migration there was one assessment owner.
"""

import django.db.models.deletion
from django.db import migrations, models


def assign_owner(apps, schema_editor):
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    Scheme = apps.get_model("assessment", "Scheme")
    Period = apps.get_model("assessment", "Period")
    orphans = Scheme.objects.filter(owner_unit__isnull=True).exists() or Period.objects.exists()
    if not orphans:
        return
    top = OrgUnit.objects.filter(parent__isnull=True).order_by("sort_order", "id").first()
    if top is None:
        raise RuntimeError("assessment 0006: schemes or periods exist but no unit does; create the city unit first")
    Scheme.objects.filter(owner_unit__isnull=True).update(owner_unit=top)
    Period.objects.update(owner_unit=top)


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0005_apitoken_moves_to_orgs"),
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="period",
            name="owner_unit",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="orgs.orgunit", verbose_name="考核主体"),
        ),
        migrations.RunPython(assign_owner, migrations.RunPython.noop),
    ]
