"""Create the four role groups with their permissions.

Permissions are normally created after migrations run (post_migrate); they are created here
first so that a fresh database has the groups ready for ``load_demo`` and for production.
"""

from django.db import migrations

VIEW = ("view",)
EDIT = ("add", "change", "view")
ALL = ("add", "change", "delete", "view")

ROLE_PERMISSIONS = {
    "investment_officer": {
        "crm": {
            "enterprise": EDIT, "enterprisequalification": ALL, "contact": ALL, "project": EDIT,
            "projectstagechange": VIEW, "projectcredit": ALL, "followup": ALL, "event": EDIT,
            "projectmilestone": ALL, "capitalarrival": ALL, "annualcommitment": ALL, "notification": VIEW,
        },
        "parks": {
            "park": VIEW, "landparcel": VIEW, "space": VIEW, "policy": VIEW, "policyclause": VIEW,
            "eligibilitycriterion": VIEW, "policygrant": VIEW,
        },
    },
    "service_officer": {
        "crm": {
            "enterprise": VIEW, "enterprisequalification": VIEW, "contact": VIEW, "servicecategory": VIEW,
            "servicerequest": ("change", "view"), "servicerequesttransition": VIEW, "servicerequestmessage": ("add", "view"),
            "servicerequestattachment": ("add", "view"), "approvalstep": ALL, "calendarday": VIEW, "notification": VIEW,
        },
        "parks": {"park": VIEW, "policy": VIEW, "policyclause": VIEW, "eligibilitycriterion": VIEW, "policygrant": EDIT},
    },
    "manager": {"crm": "*view", "parks": "*view"},
    "enterprise": {},
}


def create_groups(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        # create_permissions skips apps whose models_module is unset; restore it afterwards, as
        # post_migrate handlers and the test runner's serialized rollback rely on the real value.
        previous, app_config.models_module = app_config.models_module, app_config.models_module or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = previous

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, by_app in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for app_label, models in by_app.items():
            if models == "*view":
                perms += Permission.objects.filter(content_type__app_label=app_label, codename__startswith="view_")
                continue
            for model, actions in models.items():
                codenames = [f"{action}_{model}" for action in actions]
                found = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
                if len(found) != len(codenames):
                    raise RuntimeError(f"missing permissions for {app_label}.{model}: {codenames}")
                perms += found
        group.permissions.set(perms)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0002_initial"),
        ("parks", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
