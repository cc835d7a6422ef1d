"""Departments (承办单位) are edited by the service desk: the service officers' group may add and change them (superusers
always may). None may delete one: a department is retired (启用 off), its routings keep it (``crm.admin.departments``).
"""

from django.db import migrations

CODENAMES = ["add_department", "change_department"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name="service_officer")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="crm", codename__in=CODENAMES))


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="service_officer").first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="crm", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [("crm", "0018_role_groups_departments")]

    operations = [migrations.RunPython(forwards, backwards)]
