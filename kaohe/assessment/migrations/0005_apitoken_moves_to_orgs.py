# The API token is a user's credential, not assessment data: the model moves to orgs (the layer
# below every app that serves the API). The table is kept and handed over (orgs 0002 renames it).
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0004_datavalue_no_db_fk"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiToken")],
            database_operations=[],
        ),
    ]
