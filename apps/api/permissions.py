"""Who may call what. Reads of published material are open; staff endpoints need the Django
permission the newsroom roles grant (apps.verdicts.roles), held by an active staff account: a user
whose staff status was removed keeps no group right here. An anonymous caller is told to
authenticate (401); an authenticated one without the permission is refused (403). The services
check the finer rules (approve, publish) themselves."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from apps.verdicts.roles import staff_may


def role_required(*, read: str | None = None, write: str | None = None) -> type[BasePermission]:
    """A permission class: `read` is needed for GET/HEAD/OPTIONS (None: anyone may read),
    `write` for every other method (None: writes refused)."""

    class RolePermission(BasePermission):
        message = "Your account does not have the role this needs."

        def has_permission(self, request, view) -> bool:
            perm = read if request.method in SAFE_METHODS else write
            if request.method in SAFE_METHODS and perm is None:
                return True
            user = request.user
            if not (user and user.is_authenticated):
                return False
            return perm is not None and staff_may(user, perm)

    RolePermission.__name__ = f"RolePermission({read}, {write})"
    return RolePermission
