"""分期兑现 in the admin's read-only list: every staff role that reads grants (crm.roles, Area.GRANTS) may look."""

from django.db import migrations

PERMISSIONS = {group: ["view_grantinstalment"] for group in
               ("service_officer", "manager", "investment_officer", "investment_lead")}


def grant_permissions(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations (post_migrate); create parks's now, as parks.0010 does.
    app_config = global_apps.get_app_config("parks")
    previous, app_config.models_module = app_config.models_module, app_config.models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = previous
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=PERMISSIONS):
        group.permissions.add(*Permission.objects.filter(content_type__app_label="parks",
                                                         codename__in=PERMISSIONS[group.name]))


class Migration(migrations.Migration):

    dependencies = [
        ("parks", "0012_grant_reminder_rules"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
