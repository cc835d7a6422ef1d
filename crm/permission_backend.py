"""The admin's model permissions, answered from the role table (``crm.roles.WHO_READS``).

Listed in ``AUTHENTICATION_BACKENDS`` before ``ModelBackend``. For a model of an area the user may read,
``user.has_perm("app.view_model")`` is true whatever the user's groups hold, and add/change/delete are left
to the groups' permissions (``ModelBackend``). For a model of an area the user may not read, every permission
on it is refused (``PermissionDenied`` stops Django asking the other backends), so no group permission — an old
migration's or one granted by hand — lets a role see in the admin what the API and the reports refuse it.

Every ModelAdmin, inline, autocomplete and action of the admin asks ``has_perm``, so this is the one place the
admin meets the table. Superusers never reach a backend: Django answers yes for them first.
"""

from django.core.exceptions import PermissionDenied

from crm.roles import AREA_OF_MODEL, area_of_model, may_read

MODEL_ACTIONS = ("add", "change", "delete", "view")


class RoleTableBackend:
    """Answers permissions only: it authenticates nobody and, having no ``get_user``, is never a session's backend."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        app_label, _, codename = perm.partition(".")
        action, _, model_name = codename.partition("_")
        if action not in MODEL_ACTIONS:
            return False
        area = area_of_model(f"{app_label}.{model_name}")
        if area is None:
            return False
        if not may_read(user_obj, area):
            raise PermissionDenied
        return action == "view"

    def has_module_perms(self, user_obj, app_label):
        if not user_obj.is_active:
            return False
        return any(
            label.partition(".")[0] == app_label and may_read(user_obj, area) for label, area in AREA_OF_MODEL.items()
        )
