"""Drop the run's plain ids, now foreign keys; its kind holds only the four period kinds."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('results', '0005_run_period_and_kind_data'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='scoringrun',
            name='period_ref',
        ),
        migrations.RemoveField(
            model_name='scoringrun',
            name='scheme_version_ref',
        ),
        migrations.AlterField(
            model_name='scoringrun',
            name='kind',
            field=models.CharField(choices=[('month', '月度'), ('quarter', '季度'), ('half', '半年'), ('year', '年度')], max_length=8, verbose_name='类型'),
        ),
        migrations.AlterField(
            model_name='scoringrun',
            name='label',
            field=models.CharField(help_text='考核期名称，由年度、类型和期次生成', max_length=100, verbose_name='名称'),
        ),
    ]
