"""Appeal files uploaded before private storage (results 0009) still lie under MEDIA_ROOT, where a web
server serving /media/ hands them to anyone: move each into private storage under the same name."""

from django.db import migrations

from kaohe.lib.files import move_out_of_media


def forwards(apps, schema_editor):
    AppealAttachment = apps.get_model("results", "AppealAttachment")
    move_out_of_media(AppealAttachment.objects.values_list("file", flat=True))


class Migration(migrations.Migration):

    dependencies = [
        ("results", "0010_publication_seal"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
