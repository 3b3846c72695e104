"""Existing change-log entries of reports, problems and milestones name their project as
parent, and every project entry names the project's unit, so a project's history
(the project and everything under it) is one indexed query."""

from django.db import migrations


def link(apps, schema_editor):
    Entry = apps.get_model("audit", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Project = apps.get_model("projects", "Project")
    cts = {ct.model: ct for ct in ContentType.objects.filter(app_label="projects")}
    if "project" not in cts:
        return
    unit_of = dict(Project.objects.values_list("pk", "unit_id"))
    for entry in Entry.objects.filter(object_type=cts["project"], object_id__isnull=False).iterator(chunk_size=2000):
        if entry.object_id in unit_of:
            Entry.objects.filter(pk=entry.pk).update(object_unit_id=unit_of[entry.object_id])
    for model in ("monthlyreport", "problem", "milestone"):
        if model not in cts:
            continue
        Child = apps.get_model("projects", model)
        project_of = dict(Child.objects.values_list("pk", "project_id"))
        entries = Entry.objects.filter(object_type=cts[model], object_id__isnull=False, related_object_id__isnull=True)
        for entry in entries.iterator(chunk_size=2000):
            project_id = project_of.get(entry.object_id)
            if project_id is not None:
                Entry.objects.filter(pk=entry.pk).update(related_object_type=cts["project"], related_object_id=project_id,
                                                         object_unit_id=unit_of.get(project_id))


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0002_warning_rank"),
        ("audit", "0002_object_content_type_parent_unit"),
    ]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
