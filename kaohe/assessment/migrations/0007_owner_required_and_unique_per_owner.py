"""Owners required; schemes unique per (owner, year, code), periods per (owner, year, kind, number).

A separate migration from 0006's data step: PostgreSQL refuses to ALTER a table with pending
deferred-constraint events from updates in the same transaction.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0006_owned_schemes_and_periods"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="period", name="unique_period"),
        migrations.RemoveConstraint(model_name="scheme", name="unique_scheme_per_year"),
        migrations.AlterField(
            model_name="period",
            name="owner_unit",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="orgs.orgunit", verbose_name="考核主体"),
        ),
        migrations.AlterField(
            model_name="scheme",
            name="owner_unit",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="orgs.orgunit", verbose_name="考核主体"),
        ),
        migrations.AddConstraint(
            model_name="period",
            constraint=models.UniqueConstraint(fields=("owner_unit", "year", "kind", "number"),
                                               name="unique_period_per_owner"),
        ),
        migrations.AddConstraint(
            model_name="scheme",
            constraint=models.UniqueConstraint(fields=("owner_unit", "year", "code"),
                                               name="unique_scheme_per_owner_year"),
        ),
    ]
