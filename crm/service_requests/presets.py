"""The forms and approval steps a new park starts with, for the categories every park has.

The data migration gave the existing work-permit and talent-housing categories these same rows (frozen in
``crm/migrations/0015_category_forms_data.py``); the demo and the tests give them to a category they create.
After that they are data: the administrator edits them in the admin. Their labels and help texts are marked for
the catalogue (``gettext_noop``): stored in Chinese, shown in English where the English catalogue has them.
"""

from django.db import transaction
from django.utils.translation import gettext_noop as N_

from crm.models import ApprovalStepTemplate, CategoryField, ServiceCategory

from .category_forms import category_form_publish

CONTACT_PHONE = {
    "key": "contact_phone", "label": N_("联系电话"), "kind": "text", "required": False, "max_length": 30,
    "help_text": N_("经办人联系您时拨打的电话；不填则使用提交人的手机号。"),
}

FIELDS: dict[str, list[dict]] = {
    # 外国人来华工作许可: the foreign expert the permit is for.
    "work_permit": [
        {"key": "expert_name", "label": N_("外籍人才姓名"), "kind": "text", "max_length": 100},
        {"key": "nationality", "label": N_("国籍"), "kind": "text", "max_length": 50},
        {"key": "passport_number", "label": N_("护照号码"), "kind": "passport", "help_text": N_("6–12 位大写字母或数字。")},
        {"key": "position", "label": N_("拟任职务"), "kind": "text", "max_length": 100},
        {"key": "planned_start_date", "label": N_("计划入职日期"), "kind": "date", "not_before_today": True},
        CONTACT_PHONE,
    ],
    # 人才房: who is applying and for how many people.
    "talent_housing": [
        {"key": "applicant_name", "label": N_("申请人姓名"), "kind": "text", "max_length": 50},
        {"key": "talent_level", "label": N_("人才层次"), "kind": "text", "max_length": 50, "required": False},
        {"key": "household_size", "label": N_("入住人数"), "kind": "number", "min_value": 1, "max_value": 10},
        CONTACT_PHONE,
    ],
}

_CITY_EXPERT = "杭州市科学技术局（外国专家局）"
STEPS: dict[str, list[dict]] = {
    # 24 小时内完成申领: the four steps of the work permit, due within the category's 24 hours.
    "work_permit": [
        {"name": "材料审核", "authority": "企业服务驿站", "offset_value": 2, "offset_unit": "hours"},
        {"name": "网上申报", "authority": "外国人来华工作管理服务系统", "offset_value": 4, "offset_unit": "hours"},
        {"name": "外专局审批", "authority": _CITY_EXPERT, "offset_value": 20, "offset_unit": "hours"},
        {"name": "发证", "authority": _CITY_EXPERT, "offset_value": 24, "offset_unit": "hours"},
    ],
}


@transaction.atomic
def category_presets_apply(*, category: ServiceCategory, fields: bool = True, steps: bool = True) -> None:
    """Give ``category`` the preset form and step templates of its code, where it has none yet (so a category
    the administrator already designed is left as it is), and publish the form."""
    if fields and not CategoryField.objects.filter(category=category).exists():
        for order, spec in enumerate(FIELDS.get(category.code, ()), start=1):
            CategoryField.objects.create(category=category, order=order * 10, **spec)
        category_form_publish(category=category)
    if steps and not ApprovalStepTemplate.objects.filter(category=category).exists():
        for sequence, spec in enumerate(STEPS.get(category.code, ()), start=1):
            ApprovalStepTemplate.objects.create(category=category, sequence=sequence, **spec)
