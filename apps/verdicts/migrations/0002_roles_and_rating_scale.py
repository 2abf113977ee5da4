from django.db import migrations

from apps.verdicts.roles import roles_sync
from apps.verdicts.scale import rating_scale_seed


def create_roles(apps, schema_editor):
    roles_sync(apps)


def seed_scale(apps, schema_editor):
    rating_scale_seed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0001_initial"),
        ("claims", "0001_initial"),
        ("sources", "0001_initial"),
        ("verdicts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(seed_scale, migrations.RunPython.noop),
    ]
