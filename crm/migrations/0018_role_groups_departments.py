"""Departments (承办单位): the role groups ``department_liaison`` (承办单位联络员) and ``service_lead`` (驿站站长), the
new models' view permissions for the groups that read them (``crm.roles``), the work permit's routing limits
(24 calendar hours for the lead, 12 for an assisting department: the article's story) and the routing reminder
rules' rows (``reminders_setup``, idempotent).

The admin answers from the role table anyway (``crm.permission_backend``); the groups say the same so nobody reading
them is misled (``tests/security/test_least_privilege_schema.py``).
"""

from django.db import migrations

ROUTING_MODELS = ["department", "routing", "routingevent", "routingextension"]
# Area.REQUESTS (scoped to the routed requests for a liaison) and Area.DEPARTMENTS.
REQUEST_MODELS = [
    "servicerequest", "servicerequesttransition", "servicerequestmessage", "servicerequestattachment", "approvalstep",
    "servicecategory", "calendarday", "categoryfield", "categoryformversion", "approvalsteptemplate",
]
GRANTS = {
    "department_liaison": [f"view_{m}" for m in ROUTING_MODELS + REQUEST_MODELS]
    + ["add_servicerequestmessage", "change_approvalstep"],
    "service_lead": [f"view_{m}" for m in ROUTING_MODELS + REQUEST_MODELS] + ["change_routingextension"],
    "service_officer": [f"view_{m}" for m in ROUTING_MODELS],
    "manager": [f"view_{m}" for m in ROUTING_MODELS],
}


def _create_permissions(apps):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    app_config = global_apps.get_app_config("crm")
    previous, app_config.models_module = app_config.models_module, app_config.models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = previous


def forwards(apps, schema_editor):
    _create_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _created = Group.objects.get_or_create(name=name)
        found = list(Permission.objects.filter(content_type__app_label="crm", codename__in=codenames))
        if len(found) != len(set(codenames)):
            raise RuntimeError(f"missing permissions for {name}: {sorted(set(codenames) - {p.codename for p in found})}")
        group.permissions.add(*found)
    apps.get_model("crm", "ServiceCategory").objects.filter(code="work_permit").update(
        routing_limit_unit="calendar_hours", lead_limit=24, assist_limit=12
    )

    from crm.notifications.setup import reminders_setup

    reminders_setup(apps, app_label="crm")


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["department_liaison", "service_lead"]).delete()
    apps.get_model("crm", "ReminderRule").objects.filter(code__startswith="routing_").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0017_departments_and_routing"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
