"""Stored scheme content moves its platform metadata into the engine's ``platform`` place.

Leaves kept 责任单位, 报送频次, 计量单位, 数值类型 and 审核规则 (``rules``) as loose keys that were
stripped before the engine saw them, and the top level ``code`` and ``collect``; the
engine's ``upgrade_legacy`` moves them into ``platform`` mappings (``rules`` becomes
``validation``). The YAML text shown and exported is regenerated from the new content.
Nothing is lost: going back puts nothing back, but the upgraded content holds every value.
"""

import yaml
from django.db import migrations

from kaohe.engine.platform import upgrade_legacy


def forwards(apps, schema_editor):
    SchemeVersion = apps.get_model("assessment", "SchemeVersion")
    for version in SchemeVersion.objects.all().iterator():
        content = upgrade_legacy(version.content or {})
        if content == version.content:
            continue
        version.content = content
        version.yaml_text = yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=120)
        version.save(update_fields=["content", "yaml_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0008_scheme_derived_from"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
