"""The work-permit and talent-housing forms, written in Python until now, become rows with the same keys.

For each existing category of those codes: its fields (``CategoryField``), published as version 1, and every request
already submitted in it pointing at that version (its stored values are kept as they are). The work permit also gets
its approval-step template, 材料审核 → 网上申报 → 外专局审批 → 发证. A category that already has fields or
templates is left alone. The definitions are frozen here (``crm.service_requests.presets`` holds today's copy).
"""

from django.db import migrations
from django.utils import timezone

CONTACT_PHONE = {
    "key": "contact_phone", "label": "联系电话", "kind": "text", "required": False, "max_length": 30,
    "help_text": "经办人联系您时拨打的电话；不填则使用提交人的手机号。",
}
FIELDS = {
    "work_permit": [
        {"key": "expert_name", "label": "外籍人才姓名", "kind": "text", "max_length": 100},
        {"key": "nationality", "label": "国籍", "kind": "text", "max_length": 50},
        {"key": "passport_number", "label": "护照号码", "kind": "passport", "help_text": "6–12 位大写字母或数字。"},
        {"key": "position", "label": "拟任职务", "kind": "text", "max_length": 100},
        {"key": "planned_start_date", "label": "计划入职日期", "kind": "date", "not_before_today": True},
        CONTACT_PHONE,
    ],
    "talent_housing": [
        {"key": "applicant_name", "label": "申请人姓名", "kind": "text", "max_length": 50},
        {"key": "talent_level", "label": "人才层次", "kind": "text", "max_length": 50, "required": False},
        {"key": "household_size", "label": "入住人数", "kind": "number", "min_value": 1, "max_value": 10},
        CONTACT_PHONE,
    ],
}
CITY_EXPERT = "杭州市科学技术局（外国专家局）"
STEPS = {
    "work_permit": [
        ("材料审核", "企业服务驿站", 2, "hours"),
        ("网上申报", "外国人来华工作管理服务系统", 4, "hours"),
        ("外专局审批", CITY_EXPERT, 20, "hours"),
        ("发证", CITY_EXPERT, 24, "hours"),
    ],
}
DEFAULTS = {"required": True, "help_text": "", "max_length": None, "min_value": None, "max_value": None,
            "not_before_today": False}


def forwards(apps, schema_editor):
    ServiceCategory = apps.get_model("crm", "ServiceCategory")
    CategoryField = apps.get_model("crm", "CategoryField")
    CategoryFormVersion = apps.get_model("crm", "CategoryFormVersion")
    ApprovalStepTemplate = apps.get_model("crm", "ApprovalStepTemplate")
    ServiceRequest = apps.get_model("crm", "ServiceRequest")
    for category in ServiceCategory.objects.filter(code__in=FIELDS):
        if CategoryField.objects.filter(category=category).exists():
            continue
        definition = []
        for order, spec in enumerate(FIELDS[category.code], start=1):
            spec = {**DEFAULTS, **spec}
            CategoryField.objects.create(category=category, order=order * 10, **spec)
            definition.append({**spec, "options": []})
        # The same shape as crm.service_requests.category_forms.field_definition (keys in its order).
        definition = [
            {key: spec[key] for key in ("key", "label", "kind", "required", "help_text", "options", "max_length",
                                        "min_value", "max_value", "not_before_today")}
            for spec in definition
        ]
        version = CategoryFormVersion.objects.create(
            category=category, number=1, fields=definition, created_at=timezone.now()
        )
        ServiceRequest.objects.filter(category=category, form_version__isnull=True).update(form_version=version)
    for category in ServiceCategory.objects.filter(code__in=STEPS):
        if ApprovalStepTemplate.objects.filter(category=category).exists():
            continue
        for sequence, (name, authority, value, unit) in enumerate(STEPS[category.code], start=1):
            ApprovalStepTemplate.objects.create(
                category=category, sequence=sequence, name=name, authority=authority, offset_value=value,
                offset_unit=unit,
            )


# Who reads requests reads the categories' forms, versions and step templates (crm.roles.WHO_READS, area
# "requests"): the role groups say so too. Editing them stays with the administrator (a superuser).
VIEWERS = ("service_officer", "manager")
NEW_MODELS = ("categoryfield", "categoryformversion", "approvalsteptemplate")


def grant_views(apps, schema_editor):
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    app_config = global_apps.get_app_config("crm")
    # As 0003_role_groups: the permissions of models created in this run exist only after post_migrate otherwise.
    previous, app_config.models_module = app_config.models_module, app_config.models_module or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="crm", codename__in=[f"view_{m}" for m in NEW_MODELS])
    for group in Group.objects.filter(name__in=VIEWERS):
        group.permissions.add(*perms)


def backwards(apps, schema_editor):
    """The rows go with the tables 0013 drops; the requests' values were never touched."""


class Migration(migrations.Migration):
    dependencies = [("crm", "0014_category_forms"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(grant_views, migrations.RunPython.noop),
    ]
