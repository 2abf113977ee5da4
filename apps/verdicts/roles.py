"""The newsroom's roles and what each may do. Read by the data migration that creates the groups
and by the services that enforce the rules."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions


def staff_may(user, perm: str) -> bool:
    """Whether `user` holds the staff right `perm` now: an active staff account with the
    permission. Removing staff status withdraws every group right at once, while the groups stay
    attached so that an admin can restore the account as it was."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(perm)
    )


REVIEWERS = "Reviewers"
EDITORS = "Editors"

_READ_ALL = [
    "articles.view_article",
    "claims.view_claim",
    "sources.view_source",
    "sources.view_snapshot",
    "sources.view_citation",
    "verdicts.view_verdict",
    "verdicts.view_rating",
    "verdicts.view_verdicttransition",
]

REVIEWER_PERMISSIONS = [
    *_READ_ALL,
    "articles.add_article",
    "articles.change_article",
    "claims.change_claim",
    "sources.add_source",
    "sources.change_source",
    "sources.add_citation",
    "sources.change_citation",
    "sources.delete_citation",
    "verdicts.add_verdict",
    "verdicts.change_verdict",
]

EDITOR_PERMISSIONS = [
    *REVIEWER_PERMISSIONS,
    "claims.add_claim",
    "claims.delete_claim",
    "verdicts.approve_verdict",
    "verdicts.publish_verdict",
    "verdicts.add_rating",
    "verdicts.change_rating",
    "verdicts.delete_rating",
]

GROUP_PERMISSIONS = {REVIEWERS: REVIEWER_PERMISSIONS, EDITORS: EDITOR_PERMISSIONS}


def roles_sync(apps=global_apps) -> None:
    """Create the groups with exactly their permissions. Used by the data migration (with the
    historical app registry) and safe to call again at any time."""
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
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
