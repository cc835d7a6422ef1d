"""招商专员 work the land and the spaces: they may add and change parcels and spaces in the admin.

crm.0003_role_groups gave them view rights only; parcel status moves still go through the parcel
services (the status, project and transfer date are not editable fields).
"""

from django.db import migrations

GRANTS = {"investment_officer": ["add_landparcel", "change_landparcel", "add_space", "change_space"]}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group is None:
            continue
        perms = list(Permission.objects.filter(content_type__app_label="parks", codename__in=codenames))
        if len(perms) != len(codenames):
            raise RuntimeError(f"missing parks permissions for {role}: {codenames}")
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label="parks", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("parks", "0002_eligibility_parcel_rules_history"),
        ("crm", "0003_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
