"""Excel export of the enterprise and project lists, and Excel import of leads (线索导入).

Columns carry Chinese headers and choice labels (“深度洽谈”, not “negotiating”) because the files are
read and filled in by officers. Imported leads are created through ``project_create`` like any other
project, so each gets its first stage-history row and its actor; a row's contact goes through ``contact_add``.
The import reads what a clerk types (labels or codes, “1,200.5”, 2026年12月31日, “总投资(万元)”), names every error by
its Excel row and Chinese column, and ``leads_template`` writes the file to start from.

Every export writes through ``SpreadsheetResource``: text as text by ``crm.text.spreadsheet_value`` (a name typed as
a formula is neutralised, a control character stored before input refused it is dropped) and amounts and counts as
numbers, so a negative figure stays a number a manager can sum.
"""

import datetime as dt
import io
from decimal import Decimal, InvalidOperation

import openpyxl
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from crm.crypto import mask_phone
from crm.enterprises import contact_add, enterprise_for_lead
from crm.errors import DomainError
from crm.models import (
    Contact,
    Enterprise,
    IndustryChain,
    Project,
    Role,
    SourceChannel,
    Stage,
    User,
    list_choices,
    list_labels,
)
from crm.pipeline.collisions import project_collisions
from crm.pipeline.services import project_create
from crm.text import spreadsheet_value
from crm.validators import normalize_phone


def _label(value, choices) -> str:
    return str(dict(choices).get(value, value or ""))


class SpreadsheetResource(resources.ModelResource):
    """An export whose every cell goes through the one spreadsheet rule (``crm.text.spreadsheet_value``)."""

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_value(super().export_field(field, instance, **kwargs))


class EnterpriseResource(SpreadsheetResource):
    name = fields.Field(attribute="name", column_name="企业名称")
    short_name = fields.Field(attribute="short_name", column_name="简称")
    credit_code = fields.Field(attribute="credit_code", column_name="统一社会信用代码")
    status = fields.Field(attribute="get_status_display", column_name="状态")
    industry_chain = fields.Field(attribute="get_industry_chain_display", column_name="产业链")
    jurisdiction = fields.Field(attribute="get_jurisdiction_display", column_name="属地")
    park = fields.Field(attribute="park", column_name="所在园区")
    registered_capital = fields.Field(
        attribute="registered_capital", column_name="注册资本（万元）", widget=widgets.DecimalWidget()
    )
    headcount = fields.Field(attribute="headcount", column_name="员工人数", widget=widgets.IntegerWidget())
    active_projects = fields.Field(
        attribute="active_project_count", column_name="在跟项目数", widget=widgets.IntegerWidget()
    )

    class Meta:
        model = Enterprise
        fields = (
            "name", "short_name", "credit_code", "status", "industry_chain", "jurisdiction", "park",
            "registered_capital", "headcount", "active_projects",
        )
        export_order = fields


class ProjectExportResource(SpreadsheetResource):
    """招商项目 as a clerk reads them: labels for choices, 万元 and dates as numbers and dates, and the enterprise's
    primary contact — the phone in clear for the project's owner and co-officers, masked (138****5678) for anyone
    else, as a passport number is for anyone but the request's assignee."""

    name = fields.Field(attribute="name", column_name="项目名称")
    enterprise = fields.Field(attribute="enterprise__name", column_name="投资企业")
    credit_code = fields.Field(attribute="enterprise__credit_code", column_name="统一社会信用代码")
    contact_name = fields.Field(column_name="联系人")
    contact_phone = fields.Field(column_name="联系电话")
    stage = fields.Field(attribute="get_stage_display", column_name="阶段")
    industry_chain = fields.Field(attribute="get_industry_chain_display", column_name="产业链")
    segment = fields.Field(attribute="segment", column_name="细分赛道")
    source_channel = fields.Field(attribute="get_source_channel_display", column_name="来源渠道")
    total_investment = fields.Field(
        attribute="total_investment", column_name="总投资（万元）", widget=widgets.DecimalWidget()
    )
    fixed_asset_investment = fields.Field(
        attribute="fixed_asset_investment", column_name="固定资产投资（万元）", widget=widgets.DecimalWidget()
    )
    priority = fields.Field(attribute="priority_label", column_name="项目等级")
    owner = fields.Field(attribute="owner", column_name="负责人")
    park = fields.Field(attribute="park", column_name="拟落地园区")
    expected_signing_on = fields.Field(
        attribute="expected_signing_on", column_name="预计签约日期", widget=widgets.DateWidget()
    )
    next_step = fields.Field(attribute="next_step", column_name="下一步")
    next_follow_up_on = fields.Field(
        attribute="next_follow_up_on", column_name="下次跟进日期", widget=widgets.DateWidget()
    )
    last_follow_up_on = fields.Field(
        attribute="last_follow_up_on", column_name="最近跟进日期", widget=widgets.DateWidget()
    )

    class Meta:
        model = Project
        fields = (
            "name", "enterprise", "credit_code", "contact_name", "contact_phone", "stage", "industry_chain", "segment",
            "source_channel", "total_investment", "fixed_asset_investment", "priority", "owner", "park",
            "expected_signing_on", "next_step", "next_follow_up_on", "last_follow_up_on",
        )
        export_order = fields

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    @classmethod
    def get_display_name(cls):
        return _("项目清单")

    def filter_export(self, queryset, **kwargs):
        # Two queries whatever the number of rows: the enterprises' contacts, and the co-officers' ids.
        return queryset.prefetch_related(
            "enterprise__contacts", Prefetch("co_officers", queryset=User.objects.only("id"))
        )

    @staticmethod
    def _primary_contact(project):
        contacts = project.enterprise.contacts.all()  # prefetched, primary first (Contact.Meta.ordering)
        return contacts[0] if contacts else None

    def dehydrate_contact_name(self, project):
        contact = self._primary_contact(project)
        return contact.name if contact else ""

    def dehydrate_contact_phone(self, project):
        contact = self._primary_contact(project)
        if contact is None or not contact.phone:
            return ""
        user_id = getattr(self.user, "pk", None)
        if user_id is not None and (
            project.owner_id == user_id or any(officer.pk == user_id for officer in project.co_officers.all())
        ):
            return contact.phone
        return mask_phone(contact.phone)


# ---- import of leads -------------------------------------------------------------------------------

CREDIT_CODE_COLUMN = "统一社会信用代码"
CONTACT_NAME_COLUMN = "联系人"
CONTACT_PHONE_COLUMN = "联系电话"
CENT = Decimal("0.01")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def row_message(row: int, column: str | None, message: str) -> str:
    """“第 3 行「总投资（万元）」：请输入数字。” — ``row`` as Excel numbers it (the header is row 1)."""
    if column:
        return _("第 %(row)s 行「%(column)s」：%(message)s") % {"row": row, "column": column, "message": message}
    return _("第 %(row)s 行：%(message)s") % {"row": row, "message": message}


class HeaderError(ValueError):
    """The file's first row names columns the import does not know, or lacks a required one."""


def _header(text) -> str:
    """A header as typed, compared as the template writes it: no spaces, full-width brackets."""
    return str(text or "").replace(" ", "").replace("\u3000", "").replace("(", "（").replace(")", "）").strip()


class ChoiceLabelWidget(widgets.Widget):
    """Reads an entry of an editable list (``list_model``, e.g. ``"crm.IndustryChain"``) by its Chinese name
    (“以商招商”) or its code (“business_referral”); blank → the default. Only active entries are accepted (an
    import makes new records). Shows it by its name, in the preview as in a file."""

    def __init__(self, list_model, default):
        super().__init__()
        self.list_model = list_model
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return self.default
        active = list_choices(self.list_model)
        by_label = {label: code for code, label in active}
        if text in dict(active):
            return text
        if text in by_label:
            return by_label[text]
        raise ValueError(_("无法识别“%(value)s”，可填：%(labels)s。") % {"value": text, "labels": "、".join(by_label)})

    def render(self, value, obj=None, **kwargs):
        return list_labels(self.list_model).get(value, value or "")


class AmountWidget(widgets.DecimalWidget):
    """An amount in 万元: a number cell, or text such as “1,200” or “1200.5”; a blank is none."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, bool):
            raise ValueError(_("请输入数字。"))
        if isinstance(value, float):
            # A computed cell carries binary noise (1200.1 read as 1200.1000000000001): back to the cent it shows.
            number, cents = Decimal(str(value)), Decimal(str(value)).quantize(CENT)
            return cents if abs(number - cents) < Decimal("1e-9") else number
        if isinstance(value, int | Decimal):
            return Decimal(value)
        try:
            number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise ValueError(_("请输入数字。")) from None
        if not number.is_finite():
            raise ValueError(_("请输入数字。"))
        return number


class LocalDateWidget(widgets.DateWidget):
    """A date cell, or text as 2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(_("请输入日期，如 2026-12-31。"))


class CellError(ValueError):
    """A cell's value refused because of another column of the row (a credit code refused while reading 企业名称)."""

    def __init__(self, message, *, column):
        super().__init__(message)
        self.column = column


class EnterpriseWidget(widgets.Widget):
    """The investor, found by credit code, then by exact name; an unknown company is registered as a prospect (意向企业).

    ``enterprise_for_lead`` decides, and registers through ``enterprise_create`` with the officer importing as its
    actor, so a code is refused with the same message as in the admin or the API; in the preview (dry run) a new
    prospect is rolled back with the rest.
    """

    def clean(self, value, row=None, **kwargs):
        try:
            return enterprise_for_lead(
                actor=kwargs.get("user"), name=str(value or ""), credit_code=str((row or {}).get(CREDIT_CODE_COLUMN) or "")
            )
        except DomainError as error:
            if error.field == "credit_code" or "credit_code" in (getattr(error, "errors", None) or {}):
                raise CellError(str(error.message), column=CREDIT_CODE_COLUMN) from None
            raise ValueError(str(error.message)) from None

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


class OfficerWidget(widgets.Widget):
    """The owner by user name or display name, among investment officers; blank → the officer importing."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        found = (
            User.objects.filter(Q(username=text) | Q(display_name=text), is_active=True)
            .filter(Q(groups__name=Role.INVESTMENT_OFFICER) | Q(is_superuser=True))
            .distinct()
            .first()
        )
        if found is None:
            raise ValueError(_("找不到招商专员“%(name)s”。") % {"name": text})
        return found

    def render(self, value, obj=None, **kwargs):
        return (value.display_name or value.username) if value is not None else ""


class CollisionPreviewField(fields.Field):
    """撞单 per row of the import preview: the other officers' active projects on the row's company.

    Never imported (no attribute); shown in the preview's table only, computed once the row's project exists
    (in the dry run's transaction), by ``project_collisions`` — one query per row.
    """

    def export(self, instance, **kwargs):
        if instance is None or instance.pk is None or instance.enterprise_id is None:
            return ""
        hits = project_collisions(enterprise=instance.enterprise, exclude_owner=instance.owner, exclude_project=instance)
        return "；".join(
            _("%(owner)s 在跟“%(project)s”（%(stage)s，%(reason)s）")
            % {"owner": p.owner, "project": p.name, "stage": p.get_stage_display(), "reason": p.collision_reason}
            for p in hits
        )


class ProjectImportResource(SpreadsheetResource):
    """线索导入: one new project per row, created through ``project_create``; a row already imported is skipped.

    A row may name a contact (联系人, 联系电话): added to the enterprise through ``contact_add``. Every error names
    the row as Excel numbers it and the column by its Chinese header (``row_message``); a file with any bad row
    imports nothing (the admin's ``import_data`` runs in one transaction and rolls back on validation errors).
    """

    name = fields.Field(attribute="name", column_name="项目名称", default="")
    enterprise = fields.Field(attribute="enterprise", column_name="企业名称", widget=EnterpriseWidget())
    credit_code = fields.Field(attribute="enterprise__credit_code", column_name=CREDIT_CODE_COLUMN, readonly=True)
    contact_name = fields.Field(attribute="lead_contact_name", column_name=CONTACT_NAME_COLUMN, readonly=True)
    contact_phone = fields.Field(attribute="lead_contact_phone", column_name=CONTACT_PHONE_COLUMN, readonly=True)
    industry_chain = fields.Field(
        attribute="industry_chain", column_name="产业链",
        widget=ChoiceLabelWidget("crm.IndustryChain", IndustryChain.OTHER),
    )
    segment = fields.Field(attribute="segment", column_name="细分赛道", default="")
    source_channel = fields.Field(
        attribute="source_channel", column_name="来源渠道",
        widget=ChoiceLabelWidget("crm.SourceChannel", SourceChannel.WALK_IN),
    )
    total_investment = fields.Field(
        attribute="total_investment", column_name="总投资（万元）", widget=AmountWidget(), default=0
    )
    fixed_asset_investment = fields.Field(
        attribute="fixed_asset_investment", column_name="固定资产投资（万元）", widget=AmountWidget(), default=0
    )
    owner = fields.Field(attribute="owner", column_name="负责人", widget=OfficerWidget(), saves_null_values=False)
    next_step = fields.Field(attribute="next_step", column_name="下一步", default="")
    next_follow_up_on = fields.Field(attribute="next_follow_up_on", column_name="下次跟进日期", widget=LocalDateWidget())
    collision = CollisionPreviewField(column_name="撞单提醒", readonly=True)

    IMPORTED = (
        "name", "enterprise", "industry_chain", "segment", "source_channel", "total_investment",
        "fixed_asset_investment", "next_step", "next_follow_up_on",
    )

    class Meta:
        model = Project
        fields = (
            "name", "enterprise", "credit_code", "contact_name", "contact_phone", "industry_chain", "segment",
            "source_channel", "total_investment", "fixed_asset_investment", "owner", "next_step", "next_follow_up_on",
            "collision",
        )
        import_id_fields = ()
        force_init_instance = True  # a leads import only ever adds projects
        skip_unchanged = False

    @classmethod
    def get_display_name(cls):
        return _("线索导入")

    def get_user_visible_fields(self):
        # The columns a file brings (the template's, the ones a header is checked against); 撞单提醒 is the preview's
        # answer, not a column to fill in — it stays among the import fields, which head the preview's table.
        return [f for f in super().get_user_visible_fields() if not isinstance(f, CollisionPreviewField)]

    def column_of(self, key: str) -> str | None:
        """The Chinese header of an error's key: a resource field's column, else the model field's verbose name."""
        if key == NON_FIELD_ERRORS:
            return None
        for field in self.fields.values():
            if key in (field.attribute, field.column_name):
                return field.column_name
        try:
            return str(Project._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            return None

    def before_import(self, dataset, **kwargs):
        """Read headers as a clerk types them (“总投资(万元)”, “ 联系人 ”); refuse a file with a column the import does not
        know or without 项目名称 / 企业名称 — a mistyped amount column would otherwise be read as 0."""
        self.importing_user = kwargs.get("user")
        known = [field.column_name for field in self.get_user_visible_fields()]
        dataset.headers = [_header(header) for header in dataset.headers or []]
        unknown = [header for header in dataset.headers if header and header not in known]
        missing = [column for column in ("项目名称", "企业名称") if column not in dataset.headers]
        if unknown or missing:
            del dataset[:]  # nothing to read row by row: the file's columns are wrong
            problems = [_("无法识别的列「%(column)s」") % {"column": column} for column in unknown]
            problems += [_("缺少「%(column)s」列") % {"column": column} for column in missing]
            raise HeaderError(row_message(1, None, _("%(problems)s。请使用导入模板中的列名：%(known)s。") % {
                "problems": "；".join(problems), "known": "、".join(known),
            }))

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        if result.validation_error is not None:
            excel_row = kwargs["row_number"] + 1  # the header is Excel's row 1
            errors: dict[str, list[str]] = {}
            order = [field.column_name for field in self.get_user_visible_fields()]  # left to right, as in the template
            by_column = sorted(
                result.validation_error.message_dict.items(),
                key=lambda item: order.index(self.column_of(item[0])) if self.column_of(item[0]) in order else len(order),
            )
            for key, messages in by_column:
                column = self.column_of(key)
                errors.setdefault(column or NON_FIELD_ERRORS, []).extend(
                    row_message(excel_row, column, message) for message in messages
                )
            result.validation_error = ValidationError(errors)
        return result

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except CellError as error:
            instance.cell_errors = {**getattr(instance, "cell_errors", {}), error.column: [str(error)]}
            instance.refused_fields = {*getattr(instance, "refused_fields", ()), field.attribute}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Every error of a row at once: the cells' own, then the model's rules on the fields whose cells were read."""
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors, *getattr(instance, "refused_fields", ())], validate_unique=validate_unique
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        errors.update(getattr(instance, "cell_errors", {}))
        instance.lead_contact_name = str(row.get(CONTACT_NAME_COLUMN) or "").strip()
        try:
            instance.lead_contact_phone = normalize_phone(row.get(CONTACT_PHONE_COLUMN))
        except ValidationError as error:
            instance.lead_contact_phone = ""
            errors["lead_contact_phone"] = error.messages
        if instance.lead_contact_phone and not instance.lead_contact_name:
            errors["lead_contact_name"] = [_("填写了联系电话，请同时填写联系人姓名。")]
        try:
            Contact._meta.get_field("name").run_validators(instance.lead_contact_name)  # length, control characters
        except ValidationError as error:
            errors["lead_contact_name"] = error.messages
        if instance.owner_id is None and self.importing_user is not None:
            instance.owner = self.importing_user
        # As ``project_create`` will make it, so that ``full_clean`` checks the row as it will be stored.
        instance.stage, instance.stage_changed_at = Stage.LEAD, timezone.now()
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.enterprise_id is None:
            return False
        return Project.objects.filter(name=instance.name, enterprise_id=instance.enterprise_id).exists()

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        actor = kwargs.get("user") or instance.owner
        try:
            created = project_create(
                actor=actor, owner=instance.owner, **{name: getattr(instance, name) for name in self.IMPORTED}
            )
        except DomainError as error:
            raise ValidationError(error.as_dict()) from None
        if instance.lead_contact_name:
            try:
                contact_add(
                    actor=actor, enterprise=created.enterprise, name=instance.lead_contact_name,
                    phone=instance.lead_contact_phone,
                )
            except DomainError as error:  # its fields are the contact's: name them by the contact's columns
                contact_columns = {"name": "lead_contact_name", "phone": "lead_contact_phone"}
                raise ValidationError(
                    {contact_columns.get(key, key): value for key, value in error.as_dict().items()}
                ) from None
        # The row result reports this instance; give it the identity of the project just created.
        instance.pk = created.pk
        instance.stage = created.stage
        instance.stage_changed_at = created.stage_changed_at


# ---- the import template ----------------------------------------------------------------------------

def _example_row() -> dict:
    """One lead that imports as it is: a new prospect, its contact, labels for the choices, numbers for 万元."""
    return {
        "项目名称": "示例：新能源电池包产线项目",
        "企业名称": "示例新能源科技（杭州）有限公司",
        CREDIT_CODE_COLUMN: "",
        CONTACT_NAME_COLUMN: "王经理",
        CONTACT_PHONE_COLUMN: "13800000000",
        "产业链": list_labels("crm.IndustryChain").get(IndustryChain.SMART_MANUFACTURING, ""),
        "细分赛道": "电池包",
        "来源渠道": list_labels("crm.SourceChannel").get(SourceChannel.BUSINESS_REFERRAL, ""),
        "总投资（万元）": 20000,
        "固定资产投资（万元）": 8000,
        "负责人": "",
        "下一步": "约见董事长",
        "下次跟进日期": timezone.localdate() + dt.timedelta(days=7),
    }


def leads_template() -> bytes:
    """线索导入模板.xlsx: the import's headers in Chinese, one example row, and a 填写说明 sheet naming the labels each
    choice column accepts (its cells offer them in a drop-down)."""
    resource = ProjectImportResource()
    headers = [field.column_name for field in resource.get_user_visible_fields()]
    example = _example_row()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("线索")
    sheet.append(headers)
    sheet.append([example.get(header, "") for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2 + 2)
        if header.endswith("（万元）"):
            sheet.cell(row=2, column=index).number_format = "#,##0.00"
        if header.endswith("日期"):
            sheet.cell(row=2, column=index).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"

    notes = book.create_sheet(_("填写说明"))
    notes.append([_("列"), _("说明")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for header, note in [
        ("项目名称", _("必填。同一企业已有同名项目的行会跳过。")),
        ("企业名称", _("必填。按统一社会信用代码、再按企业全称查找；找不到时登记为意向企业。")),
        (CREDIT_CODE_COLUMN, _("选填，18 位。")),
        (CONTACT_NAME_COLUMN, _("选填。添加为该企业的联系人；同名联系人已存在时不重复添加。")),
        (CONTACT_PHONE_COLUMN, _("选填。11 位手机号或带区号的固定电话；填写时须同时填写联系人。")),
        ("总投资（万元）", _("数字，单位万元；空白为 0。")),
        ("固定资产投资（万元）", _("数字，单位万元；空白为 0。")),
        ("负责人", _("招商专员的姓名或用户名；空白为导入人。")),
        ("下次跟进日期", _("日期，如 2026-12-31。")),
        ("产业链", _("从右侧所列中选一项；空白为“其他”。")),
        ("来源渠道", _("从右侧所列中选一项；空白为“企业自荐”。")),
    ]:
        notes.append([header, note])
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 60
    lists = [("产业链", list_choices("crm.IndustryChain")), ("来源渠道", list_choices("crm.SourceChannel"))]
    for offset, (header, choices) in enumerate(lists):
        column = 4 + offset  # D, E
        letter = get_column_letter(column)
        notes.cell(row=1, column=column, value=header).font = Font(bold=True)
        for row, (_value, label) in enumerate(choices, start=2):
            notes.cell(row=row, column=column, value=str(label))
        notes.column_dimensions[letter].width = 16
        listed = DataValidation(
            type="list", formula1=f"'{notes.title}'!${letter}$2:${letter}${len(choices) + 1}", allow_blank=True
        )
        sheet.add_data_validation(listed)
        target = get_column_letter(headers.index(header) + 1)
        listed.add(f"{target}2:{target}1000")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
