"""Excel export of the enterprise and project lists, and Excel import of leads (线索导入).

Columns carry Chinese headers and choice labels (“深度洽谈”, not “negotiating”) because the files are
read and filled in by officers. Imported leads are created through ``project_create`` like any other
project, so each gets its first stage-history row.

Every export writes through ``SpreadsheetResource``: text as text by ``crm.text.spreadsheet_value`` (a name typed as
a formula is neutralised, a control character stored before input refused it is dropped) and amounts and counts as
numbers, so a negative figure stays a number a manager can sum.
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from crm.enterprises import enterprise_for_lead
from crm.errors import DomainError
from crm.models import Enterprise, IndustryChain, Project, Role, SourceChannel, User
from crm.pipeline.collisions import project_collisions
from crm.pipeline.services import project_create
from crm.text import spreadsheet_value


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
    name = fields.Field(attribute="name", column_name="项目名称")
    enterprise = fields.Field(attribute="enterprise__name", column_name="投资企业")
    credit_code = fields.Field(attribute="enterprise__credit_code", column_name="统一社会信用代码")
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
    expected_signing_on = fields.Field(attribute="expected_signing_on", column_name="预计签约日期")
    next_step = fields.Field(attribute="next_step", column_name="下一步")
    next_follow_up_on = fields.Field(attribute="next_follow_up_on", column_name="下次跟进日期")
    last_follow_up_on = fields.Field(attribute="last_follow_up_on", column_name="最近跟进日期")

    class Meta:
        model = Project
        fields = (
            "name", "enterprise", "credit_code", "stage", "industry_chain", "segment", "source_channel",
            "total_investment", "fixed_asset_investment", "priority", "owner", "park", "expected_signing_on",
            "next_step", "next_follow_up_on", "last_follow_up_on",
        )
        export_order = fields

    @classmethod
    def get_display_name(cls):
        return _("项目清单")


# ---- import of leads -------------------------------------------------------------------------------

CREDIT_CODE_COLUMN = "统一社会信用代码"


class ChoiceLabelWidget(widgets.Widget):
    """Reads a choice by its Chinese label (“以商招商”) or its code (“business_referral”); blank → the default."""

    def __init__(self, choices, default):
        super().__init__()
        self.by_label = {str(label): value for value, label in choices}
        self.values = {value for value, _label in choices}
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return self.default
        if text in self.values:
            return text
        if text in self.by_label:
            return self.by_label[text]
        raise ValueError(_("无法识别“%(value)s”，可填：%(labels)s。") % {"value": text, "labels": "、".join(self.by_label)})


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
            raise ValueError(str(error.message)) from None


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
    """线索导入: one new project per row, created through ``project_create``; a row already imported is skipped."""

    name = fields.Field(attribute="name", column_name="项目名称")
    enterprise = fields.Field(attribute="enterprise", column_name="企业名称", widget=EnterpriseWidget())
    credit_code = fields.Field(column_name=CREDIT_CODE_COLUMN, readonly=True)
    industry_chain = fields.Field(
        attribute="industry_chain", column_name="产业链",
        widget=ChoiceLabelWidget(IndustryChain.choices, IndustryChain.OTHER),
    )
    segment = fields.Field(attribute="segment", column_name="细分赛道", default="")
    source_channel = fields.Field(
        attribute="source_channel", column_name="来源渠道",
        widget=ChoiceLabelWidget(SourceChannel.choices, SourceChannel.WALK_IN),
    )
    total_investment = fields.Field(
        attribute="total_investment", column_name="总投资（万元）", widget=widgets.DecimalWidget(), default=0
    )
    fixed_asset_investment = fields.Field(
        attribute="fixed_asset_investment", column_name="固定资产投资（万元）", widget=widgets.DecimalWidget(), default=0
    )
    owner = fields.Field(attribute="owner", column_name="负责人", widget=OfficerWidget(), saves_null_values=False)
    next_step = fields.Field(attribute="next_step", column_name="下一步", default="")
    next_follow_up_on = fields.Field(attribute="next_follow_up_on", column_name="下次跟进日期", widget=widgets.DateWidget())
    collision = CollisionPreviewField(column_name="撞单提醒", readonly=True)

    IMPORTED = (
        "name", "enterprise", "industry_chain", "segment", "source_channel", "total_investment",
        "fixed_asset_investment", "next_step", "next_follow_up_on",
    )

    class Meta:
        model = Project
        fields = (
            "name", "enterprise", "credit_code", "industry_chain", "segment", "source_channel", "total_investment",
            "fixed_asset_investment", "owner", "next_step", "next_follow_up_on", "collision",
        )
        import_id_fields = ()
        force_init_instance = True  # a leads import only ever adds projects
        skip_unchanged = False

    @classmethod
    def get_display_name(cls):
        return _("线索导入")

    def get_user_visible_fields(self):
        # The columns a file brings; 撞单提醒 is the preview's answer, not a column to fill in.
        return [f for f in super().get_user_visible_fields() if not isinstance(f, CollisionPreviewField)]

    def before_import(self, dataset, **kwargs):
        self.importing_user = kwargs.get("user")

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.owner_id is None and self.importing_user is not None:
            instance.owner = self.importing_user

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.enterprise_id is None:
            return False
        return Project.objects.filter(name=instance.name, enterprise_id=instance.enterprise_id).exists()

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        created = project_create(
            actor=kwargs.get("user") or instance.owner,
            owner=instance.owner,
            **{name: getattr(instance, name) for name in self.IMPORTED},
        )
        # The row result reports this instance; give it the identity of the project just created.
        instance.pk = created.pk
        instance.stage = created.stage
        instance.stage_changed_at = created.stage_changed_at
