"""Fill the run's period and scheme-version foreign keys from the plain ids (where the row still
exists) and rewrite its kind: monthly → month, quarterly → quarter, half_yearly → half, annual → year.
Its own migration, so the row updates commit before the columns change (PostgreSQL refuses to
alter a table with pending foreign-key trigger events)."""

from django.db import migrations

OLD_TO_NEW_KIND = {"monthly": "month", "quarterly": "quarter", "half_yearly": "half", "annual": "year"}


def forwards(apps, schema_editor):
    ScoringRun = apps.get_model("results", "ScoringRun")
    Period = apps.get_model("assessment", "Period")
    SchemeVersion = apps.get_model("assessment", "SchemeVersion")
    for old, new in OLD_TO_NEW_KIND.items():
        ScoringRun.objects.filter(kind=old).update(kind=new)
    # Plain ids become foreign keys where the row they named still exists.
    periods = set(Period.objects.values_list("pk", flat=True))
    versions = set(SchemeVersion.objects.values_list("pk", flat=True))
    refs = ScoringRun.objects.exclude(period_ref__isnull=True, scheme_version_ref__isnull=True)
    for pk, period_ref, version_ref in refs.values_list("pk", "period_ref", "scheme_version_ref"):
        ScoringRun.objects.filter(pk=pk).update(
            period_id=period_ref if period_ref in periods else None,
            scheme_version_id=version_ref if version_ref in versions else None,
        )


def backwards(apps, schema_editor):
    ScoringRun = apps.get_model("results", "ScoringRun")
    for old, new in OLD_TO_NEW_KIND.items():
        ScoringRun.objects.filter(kind=new).update(kind=old)
    for pk, period_id, version_id in ScoringRun.objects.values_list("pk", "period_id", "scheme_version_id"):
        ScoringRun.objects.filter(pk=pk).update(period_ref=period_id, scheme_version_ref=version_id)


class Migration(migrations.Migration):

    dependencies = [
        ('results', '0004_run_points_at_period_and_scheme_version'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
