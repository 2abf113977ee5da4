from django.contrib.auth.management import create_permissions
from django.db import migrations

from apps.verdicts.roles import GROUP_PERMISSIONS

DEFAULT_SCALE = [
    # label, colour, ratingValue, alternateName, description
    ("True", "#1b7f3b", 5, "True", "The claim is accurate and nothing significant is missing."),
    ("Mostly true", "#6aa84f", 4, "Mostly true", "Accurate but needs clarification or context."),
    ("Half true", "#f1c232", 3, "Half true", "Partially accurate; leaves out important details."),
    ("Mostly false", "#e69138", 2, "Mostly false", "Contains an element of truth but misleads."),
    ("False", "#cc0000", 1, "False", "The claim is not accurate."),
    ("Misleading", "#8e4585", 2, "Misleading", "Accurate facts arranged to give a false picture."),
    ("Unverifiable", "#7f7f7f", 3, "Unverifiable", "The evidence available can neither prove nor disprove it."),
]


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = []
        for code in codes:
            app_label, codename = code.split(".")
            perms.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(perms)


def seed_scale(apps, schema_editor):
    Rating = apps.get_model("verdicts", "Rating")
    for order, (label, colour, value, alternate, description) in enumerate(DEFAULT_SCALE, 1):
        Rating.objects.update_or_create(
            label=label,
            defaults={
                "order": order,
                "colour": colour,
                "rating_value": value,
                "best_rating": 5,
                "worst_rating": 1,
                "alternate_name": alternate,
                "description": description,
            },
        )


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
