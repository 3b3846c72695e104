"""The results app's unit notifications move into the one inbox (kaohe.notifications): a
notification addressed to a user goes to that user, one addressed to a unit to every
person of the unit; read ones stay read."""

from django.db import migrations


def kind_of(message: str) -> str:
    if "申诉" in message:
        return "appeal"
    if "提名" in message:
        return "award"
    if "公示" in message or "发布" in message:
        return "publication"
    return "other"


def move(apps, schema_editor):
    Old = apps.get_model("results", "Notification")
    New = apps.get_model("notifications", "Notification")
    Person = apps.get_model("orgs", "Person")
    people: dict[int, list[int]] = {}
    for unit_id, user_id in Person.objects.values_list("unit_id", "user_id"):
        people.setdefault(unit_id, []).append(user_id)
    rows = []
    for n in Old.objects.order_by("pk").iterator(chunk_size=2000):
        recipients = [n.user_id] if n.user_id else sorted(people.get(n.unit_id, []))
        for user_id in recipients:
            rows.append(New(recipient_id=user_id, kind=kind_of(n.message), title=n.message[:200], body=n.message,
                            link=n.link, read_at=n.read_at))
        if len(rows) >= 2000:
            New.objects.bulk_create(rows)
            rows = []
    New.objects.bulk_create(rows)
    # created_at is auto_now_add: restore the original times.
    for n in Old.objects.order_by("pk").iterator(chunk_size=2000):
        New.objects.filter(title=n.message[:200], link=n.link).update(created_at=n.created_at)


class Migration(migrations.Migration):

    dependencies = [
        ("results", "0006_run_drops_plain_period_ids"),
        ("notifications", "0001_inbox"),
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(move, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
