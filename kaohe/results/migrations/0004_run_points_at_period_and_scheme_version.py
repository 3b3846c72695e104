"""A scoring run points at its assessment period and scheme version by foreign key (filled from
the plain ids by the next migration); its kind takes the one period vocabulary (month/quarter/
half/year) — the choices widen here, the values are rewritten next."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0009_scheme_content_platform_metadata'),
        ('results', '0003_units_not_assessed'),
    ]

    operations = [
        migrations.AddField(
            model_name='scoringrun',
            name='period',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='runs', to='assessment.period', verbose_name='考核期'),
        ),
        migrations.AddField(
            model_name='scoringrun',
            name='scheme_version',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='runs', to='assessment.schemeversion', verbose_name='方案版本'),
        ),
        migrations.AlterField(
            model_name='scoringrun',
            name='kind',
            field=models.CharField(choices=[('month', '月度'), ('quarter', '季度'), ('half', '半年'), ('year', '年度')], max_length=20, verbose_name='类型'),
        ),
    ]
