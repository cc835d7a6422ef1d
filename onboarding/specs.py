"""The seven kinds of onboarding import: per kind its Chinese columns, its natural key, its checks and its writes.

| kind | natural key (a re-import updates the row holding it) | written through |
| --- | --- | --- |
| enterprises | 统一社会信用代码 | ``crm.enterprises.enterprise_create`` / ``enterprise_update`` |
| contacts | 企业统一社会信用代码 + 姓名 | ``crm.enterprises.contact_add``, then the other fields |
| qualifications | 企业统一社会信用代码 + 资质 | the model's own validation (no service exists) |
| parcels | 地块编号 | the model's validation; a status change through ``parks.services.parcel_change_status`` |
| spaces | 园区 + 楼宇 + 单元 (the space's unique key: spaces have no code of their own) | the model's validation |
| projects | 企业统一社会信用代码 + 项目名称 (as the leads import skips a project already there) | ``project_create``, then ``project_change_stage`` once per stage date |
| figures | 企业统一社会信用代码 + 年度 + 来源 | ``crm.figures.services.figure_record`` (stored confirmed) |

A historical project's stages are moved by its owner (负责人) at each stage's date, so its stage history, the funnel
and the velocity reports read as if it had been worked here, and no owner is notified of a move they made.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import uscc

from crm.enterprises import contact_add, enterprise_create, enterprise_update
from crm.errors import DomainError
from crm.figures.services import figure_check, figure_record
from crm.models import (
    PIPELINE,
    Contact,
    Enterprise,
    EnterpriseFigure,
    EnterpriseQualification,
    Project,
    Role,
    Stage,
    User,
)
from crm.names import company_name_key
from crm.pipeline.collisions import project_collisions
from crm.pipeline.ownership import require_project_change
from crm.pipeline.services import project_change_stage, project_create
from crm.pipeline.summaries import projects_changed
from crm.roles import Work
from parks.models import PARCEL_FREE_STATUSES, LandParcel, LandUse, ParcelStatus, Park, Space
from parks.services.parcels import allowed_parcel_moves, parcel_change_status

from . import cells
from .engine import Column, RowError, Spec

CODE = "统一社会信用代码"
ENTERPRISE_CODE = "企业统一社会信用代码"
IMPORT_NOTE = gettext_lazy("数据导入")
EXAMPLE_CODE = "91330106MA2B3C4D5" + uscc.calc_check_digit("91330106MA2B3C4D5")  # a valid code for the examples


class _Lookups:
    """What several kinds look up by a cell: enterprises by credit code, parks by name, officers by name."""

    def load_enterprises(self):
        self.enterprise_by_code = dict(Enterprise.objects.exclude(credit_code="").values_list("credit_code", "pk"))

    def enterprise(self, value):
        code = cells.credit_code(value)
        if not code:
            return None
        pk = self.enterprise_by_code.get(code)
        if pk is None:
            raise ValueError(_("找不到统一社会信用代码为 %(code)s 的企业，请先导入企业。") % {"code": code})
        return pk

    def load_parks(self):
        self.park_by_name = {}
        for pk, name, short_name in Park.objects.values_list("pk", "name", "short_name"):
            self.park_by_name[name] = pk
            if short_name:
                self.park_by_name.setdefault(short_name, pk)

    def park(self, value):
        name = cells.text(value)
        if not name:
            return None
        pk = self.park_by_name.get(name)
        if pk is None:
            raise ValueError(_("找不到园区“%(name)s”，请填写园区全称或简称。") % {"name": name})
        return pk


def _checked(instance, spec: Spec, *, exclude=()):
    """The model's own rules (fields, choices, foreign keys, constraints, ``clean``) on an unsaved instance."""
    if instance.pk is not None:
        instance._state.adding = False  # it stands for the stored row: its own pk and keys are not “taken”
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise RowError(spec.model_errors(error)) from None


# ---- 企业 -------------------------------------------------------------------------------------------

class EnterpriseSpec(_Lookups, Spec):
    kind = "enterprises"
    title = gettext_lazy("企业")
    work = Work.ENTERPRISES
    model = Enterprise
    key_note = gettext_lazy("统一社会信用代码")

    def __init__(self):
        self.columns = [
            Column("企业名称", "name", cells.text, required=True, example="示例智能装备（杭州）有限公司",
                   note=_("营业执照上的全称。")),
            Column(CODE, "credit_code", cells.credit_code, required=True, example=EXAMPLE_CODE,
                   note=_("必填，18 位，含校验位；重复导入按它更新。")),
            Column("简称", "short_name", cells.text, example="示例智能"),
            Column("状态", "status", cells.choice(Enterprise, "status", default=Enterprise.Status.IN_PARK),
                   example=str(Enterprise.Status.IN_PARK.label), note=_("意向企业、在园企业或已迁出；空白为在园企业。")),
            Column("产业链", "industry_chain", cells.choice(Enterprise, "industry_chain"),
                   example="智能机器人", note=_("填中文名称或代码；空白为“其他”。")),
            Column("注册资本（万元）", "registered_capital", cells.decimal, example=1000, note=_("数字，单位万元。")),
            Column("属地", "jurisdiction", cells.choice(Enterprise, "jurisdiction"), note=_("填中文名称或代码。")),
            Column("所在园区", "park_id", self.park, note=_("园区全称或简称。")),
            Column("员工人数", "headcount", cells.integer, example=120),
            Column("研发人员数", "rd_headcount", cells.integer, example=40),
            Column("成立日期", "founded_on", cells.date, example=dt.date(2018, 5, 20), note=_("日期，如 2018-05-20。")),
            Column("地址", "address", cells.text, example="杭州市西湖区三墩镇"),
            Column("简介", "description", cells.text),
        ]

    def load(self):
        self.load_parks()
        self.by_code = dict(Enterprise.objects.exclude(credit_code="").values_list("credit_code", "pk"))
        self.by_name = dict(Enterprise.objects.values_list("name", "pk"))
        self.by_key = {key: (pk, name) for pk, name, key in Enterprise.objects.values_list("pk", "name", "name_key")}

    def key(self, values):
        return values["credit_code"]

    def existing(self, key):
        return self.by_code.get(key)

    def check(self, values, pk):
        enterprise = Enterprise(pk=pk, **values)
        enterprise.name_key = company_name_key(enterprise.name)
        errors = []
        try:
            # 所在园区 was found among the parks loaded once (``load_parks``): no query per row for it here.
            enterprise.full_clean(exclude=["park"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = self.model_errors(error)
        holder = self.by_name.get(enterprise.name)
        if holder is not None and holder != pk:
            errors.append(("企业名称", _("企业名称“%(name)s”已由另一家企业（另一统一社会信用代码）登记。") % {"name": enterprise.name}))
        if errors:
            raise RowError(errors)
        warnings = []
        same = self.by_key.get(enterprise.name_key)
        if same is not None and same[0] != pk:  # 撞单: the same company under another spelling or code
            warning = _("与“%(other)s”疑似同一家企业（名称相同，忽略地区、组织形式、分公司），请核对。") % {"other": same[1]}
            projects = project_collisions(name=enterprise.name) if pk is None else []
            if projects:
                warning += _("在跟项目：%(projects)s。") % {"projects": "；".join(
                    f"{project.owner}“{project.name}”（{project.get_stage_display()}）" for project in projects
                )}
            warnings.append(("企业名称", warning))
        return warnings

    def remember(self, values, key):
        self.by_name[values["name"]] = "new"
        self.by_key.setdefault(company_name_key(values["name"]), ("new", values["name"]))

    def write(self, values, pk, *, actor):
        if pk is None:
            enterprise_create(actor=actor, **values)
        else:
            enterprise_update(actor=actor, enterprise=Enterprise.objects.get(pk=pk), **values)


# ---- 联系人 -----------------------------------------------------------------------------------------

class ContactSpec(_Lookups, Spec):
    kind = "contacts"
    title = gettext_lazy("联系人")
    work = Work.ENTERPRISES
    model = Contact
    key_note = gettext_lazy("企业统一社会信用代码和姓名")

    def __init__(self):
        self.columns = [
            Column(ENTERPRISE_CODE, "enterprise_id", self.enterprise, required=True, example=EXAMPLE_CODE,
                   note=_("该企业须已登记（先导入企业）。")),
            Column("姓名", "name", cells.text, required=True, example="王经理", note=_("同一企业同名的联系人按此更新。")),
            Column("职务", "title", cells.text, example="总经理"),
            Column("电话", "phone", cells.phone, example="13800000000", note=_("11 位手机号或带区号的固定电话。")),
            Column("邮箱", "email", cells.text, example="wang@example.com"),
            Column("主要联系人", "is_primary", cells.boolean, example="是", note=_("“是”或“否”；空白为否。")),
            Column("备注", "notes", cells.text),
        ]

    def load(self):
        self.load_enterprises()
        self.by_key = {(e, n): pk for pk, e, n in Contact.objects.values_list("pk", "enterprise_id", "name")}

    def key(self, values):
        return (values["enterprise_id"], values["name"])

    def existing(self, key):
        return self.by_key.get(key)

    def check(self, values, pk):
        _checked(Contact(pk=pk, **values), self)
        return []

    def write(self, values, pk, *, actor):
        if pk is None:
            enterprise = Enterprise.objects.get(pk=values["enterprise_id"])
            contact = contact_add(actor=actor, enterprise=enterprise, name=values["name"], phone=values["phone"])
        else:
            contact = Contact.objects.get(pk=pk)
        for name, value in values.items():
            setattr(contact, name, value)
        _checked(contact, self)
        contact.save()


# ---- 企业资质 ---------------------------------------------------------------------------------------

class QualificationSpec(_Lookups, Spec):
    kind = "qualifications"
    title = gettext_lazy("企业资质")
    work = Work.ENTERPRISES
    model = EnterpriseQualification
    key_note = gettext_lazy("企业统一社会信用代码和资质")

    def __init__(self):
        self.columns = [
            Column(ENTERPRISE_CODE, "enterprise_id", self.enterprise, required=True, example=EXAMPLE_CODE,
                   note=_("该企业须已登记（先导入企业）。")),
            Column("资质", "kind", cells.choice(EnterpriseQualification, "kind"), required=True,
                   example="高新技术企业", note=_("填中文名称或代码。")),
            Column("认定日期", "awarded_on", cells.date, example=dt.date(2023, 12, 1)),
            Column("有效期至", "expires_on", cells.date, example=dt.date(2026, 11, 30)),
        ]

    def load(self):
        self.load_enterprises()
        self.by_key = {
            (e, k): pk for pk, e, k in EnterpriseQualification.objects.values_list("pk", "enterprise_id", "kind")
        }

    def key(self, values):
        return (values["enterprise_id"], values["kind"])

    def existing(self, key):
        return self.by_key.get(key)

    def check(self, values, pk):
        _checked(EnterpriseQualification(pk=pk, **values), self, exclude=["enterprise"])
        if values["awarded_on"] and values["expires_on"] and values["expires_on"] < values["awarded_on"]:
            raise RowError([("有效期至", _("有效期至不能早于认定日期。"))])
        return []

    def write(self, values, pk, *, actor):
        qualification = EnterpriseQualification.objects.get(pk=pk) if pk else EnterpriseQualification()
        for name, value in values.items():
            setattr(qualification, name, value)
        _checked(qualification, self)
        qualification.save()


# ---- 地块 -------------------------------------------------------------------------------------------

class ParcelSpec(_Lookups, Spec):
    kind = "parcels"
    title = gettext_lazy("地块")
    work = Work.LAND
    model = LandParcel
    key_note = gettext_lazy("地块编号")

    def __init__(self):
        free = "、".join(str(ParcelStatus(s).label) for s in (ParcelStatus.PLANNED, *PARCEL_FREE_STATUSES))
        self.columns = [
            Column("地块编号", "code", cells.text, required=True, example="SD-2026-01", note=_("重复导入按它更新。")),
            Column("地块名称", "name", cells.text, example="三墩北 01 号地块"),
            Column("园区", "park_id", self.park, required=True, example="紫金港科技城", note=_("园区全称或简称。")),
            Column("用地性质", "land_use", cells.choice(LandParcel, "land_use"), required=True,
                   example=str(LandUse.INDUSTRIAL_M1.label), note=_("填中文名称或代码（如 M1）。")),
            Column("面积（m²）", "area_m2", cells.decimal, required=True, example=35000),
            Column("容积率下限", "far_min", cells.decimal, example=1.2),
            Column("容积率上限", "far_max", cells.decimal, example=2.5),
            Column("起始价（万元）", "reserve_price", cells.decimal, example=4800),
            Column("位置", "address", cells.text, example="三墩镇振华路以北"),
            Column("状态", "status", self.status, example=str(ParcelStatus.AVAILABLE.label),
                   note=_("%(free)s之一；空白：新地块为规划中，已有地块不变。预留、出让请在系统中办理。") % {"free": free}),
            Column("轮廓（GeoJSON 或角点坐标）", "outline", cells.outline,
                   example="120.070,30.290; 120.075,30.290; 120.075,30.294; 120.070,30.294",
                   note=_('GeoJSON Polygon（坐标为 [经度, 纬度]），或角点坐标“经度,纬度; 经度,纬度; …”（至少 3 个点，自动闭合）。')),
        ]

    @staticmethod
    def status(value):
        if not cells.text(value):
            return None
        status = cells.choice(LandParcel, "status")(value)
        if status not in (ParcelStatus.PLANNED, *PARCEL_FREE_STATUSES):
            raise ValueError(_("导入只能把地块设为规划中、可供地或挂牌中；预留、出让请在系统中为项目办理。"))
        return status

    def load(self):
        self.load_parks()
        # What a stored parcel's constraints read besides the file's columns: its status, project and transfer date.
        self.by_code = {
            code: (pk, status, {"project_id": project_id, "transferred_on": transferred_on})
            for pk, code, status, project_id, transferred_on in LandParcel.objects.values_list(
                "pk", "code", "status", "project_id", "transferred_on"
            )
        }

    def key(self, values):
        return values["code"]

    def existing(self, key):
        found = self.by_code.get(key)
        return found[0] if found else None

    def check(self, values, pk):
        stored = self.by_code.get(values["code"])
        status = values["status"] or (stored[1] if stored else ParcelStatus.PLANNED)
        parcel = LandParcel(pk=pk, **{**values, "status": stored[1] if stored else status, **(stored[2] if stored else {})})
        _checked(parcel, self, exclude=["code"] if pk else ())
        if stored and status != stored[1] and status not in allowed_parcel_moves(parcel):
            raise RowError([("状态", _("地块当前“%(current)s”，不能改为“%(to)s”。") % {
                "current": ParcelStatus(stored[1]).label, "to": ParcelStatus(status).label})])
        return []

    def write(self, values, pk, *, actor):
        status = values.pop("status")
        parcel = LandParcel.objects.get(pk=pk) if pk else LandParcel(status=status or ParcelStatus.PLANNED)
        for name, value in values.items():
            setattr(parcel, name, value)
        _checked(parcel, self)
        parcel._history_user = actor
        parcel._change_reason = str(IMPORT_NOTE)
        parcel.save()
        if pk and status and status != parcel.status:
            parcel_change_status(parcel=parcel, to=status, actor=actor, note=str(IMPORT_NOTE))


# ---- 载体空间 -----------------------------------------------------------------------------------------

class SpaceSpec(_Lookups, Spec):
    kind = "spaces"
    title = gettext_lazy("载体空间")
    work = Work.LAND
    model = Space
    key_note = gettext_lazy("园区、楼宇和单元")

    def __init__(self):
        self.columns = [
            Column("园区", "park_id", self.park, required=True, example="紫金港科技城", note=_("园区全称或简称。")),
            Column("楼宇", "building", cells.text, required=True, example="紫金众创小镇 3 号楼"),
            Column("单元", "unit", cells.text, required=True, example="301", note=_("同一园区、楼宇的单元按此更新。")),
            Column("类型", "kind", cells.choice(Space, "kind"), example=str(Space.Kind.OFFICE.label)),
            Column("面积（m²）", "area_m2", cells.decimal, required=True, example=1300),
            Column("租金（元/m²·天）", "rent_per_m2_day", self.rent, example=1.5),
            Column("状态", "status", cells.choice(Space, "status"), example=str(Space.Status.VACANT.label)),
            Column("入驻企业统一社会信用代码", "occupant_id", self.enterprise, note=_("已入驻、已预定时填写；该企业须已登记。")),
            Column("起租日期", "lease_start", cells.date),
            Column("租期截止", "lease_end", cells.date),
            Column("免租期（月）", "rent_free_months", self.months, example=0, note=_("如 3 年免租填 36。")),
        ]

    @staticmethod
    def rent(value):
        number = cells.decimal(value)
        return 0 if number is None else number

    @staticmethod
    def months(value):
        number = cells.integer(value)
        return 0 if number is None else number

    def load(self):
        self.load_parks()
        self.load_enterprises()
        self.by_key = {(p, b, u): pk for pk, p, b, u in Space.objects.values_list("pk", "park_id", "building", "unit")}

    def key(self, values):
        return (values["park_id"], values["building"], values["unit"])

    def existing(self, key):
        return self.by_key.get(key)

    def check(self, values, pk):
        _checked(Space(pk=pk, **values), self, exclude=["park", "occupant"])
        return []

    def write(self, values, pk, *, actor):
        space = Space.objects.get(pk=pk) if pk else Space()
        for name, value in values.items():
            setattr(space, name, value)
        _checked(space, self)
        space.save()


# ---- 历史项目 -----------------------------------------------------------------------------------------

STAGE_DATE_HEADERS = {stage: f"{Stage(stage).label}日期" for stage in PIPELINE}


def _officer_by_name():
    found = {}
    officers = User.objects.filter(is_active=True, groups__name__in=[Role.INVESTMENT_OFFICER, Role.INVESTMENT_LEAD])
    for pk, username, display_name in officers.values_list("pk", "username", "display_name"):
        found[username] = pk
        if display_name:
            found.setdefault(display_name, pk)
    return found


class ProjectSpec(_Lookups, Spec):
    kind = "projects"
    title = gettext_lazy("历史项目")
    work = Work.PROJECTS
    model = Project
    key_note = gettext_lazy("企业统一社会信用代码和项目名称")

    def __init__(self):
        self.columns = [
            Column("项目名称", "name", cells.text, required=True, example="示例：机器人关节模组产线项目",
                   note=_("同一企业同名的项目按此更新。")),
            Column(ENTERPRISE_CODE, "enterprise_id", self.enterprise, required=True, example=EXAMPLE_CODE,
                   note=_("该企业须已登记（先导入企业）。")),
            Column("负责人", "owner_id", self.officer,
                   note=_("招商专员的用户名或姓名；空白为导入人。各阶段由负责人在所填日期推进。")),
            Column("产业链", "industry_chain", cells.choice(Project, "industry_chain"),
                   example="智能机器人"),
            Column("细分赛道", "segment", cells.text, example="小脑"),
            Column("来源渠道", "source_channel", cells.choice(Project, "source_channel"),
                   example="链式招商"),
            Column("总投资（万元）", "total_investment", self.amount, example=20000),
            Column("固定资产投资（万元）", "fixed_asset_investment", self.amount, example=8000),
            *[
                Column(header, stage, cells.date, required=stage == Stage.LEAD,
                       example=dt.date(2024, 3, 1) + dt.timedelta(days=60 * index) if index < 4 else "",
                       note=_("阶段日期须依次填写、不早于前一阶段、不晚于今天。"))
                for index, (stage, header) in enumerate(STAGE_DATE_HEADERS.items())
            ],
        ]

    @staticmethod
    def amount(value):
        number = cells.decimal(value)
        return 0 if number is None else number

    def officer(self, value):
        name = cells.text(value)
        if not name:
            return None
        pk = self.officers.get(name)
        if pk is None:
            raise ValueError(_("找不到招商专员“%(name)s”。") % {"name": name})
        return pk

    def load(self):
        self.load_enterprises()
        self.officers = _officer_by_name()
        self.by_key = {
            (e, n): (pk, stage) for pk, e, n, stage in Project.objects.values_list("pk", "enterprise_id", "name", "stage")
        }

    def key(self, values):
        return (values["enterprise_id"], values["name"])

    def existing(self, key):
        found = self.by_key.get(key)
        return found[0] if found else None

    @staticmethod
    def _stages(values) -> list[tuple[str, dt.date]]:
        return [(stage, values[stage]) for stage in PIPELINE if values.get(stage)]

    def check(self, values, pk):
        fields = {name: value for name, value in values.items() if name not in PIPELINE}
        _checked(Project(pk=pk, stage=Stage.LEAD, **fields), self, exclude=["enterprise", "owner"])
        errors, previous = [], None
        today = timezone.localdate()
        for index, stage in enumerate(PIPELINE):
            day = values.get(stage)
            header = STAGE_DATE_HEADERS[stage]
            if day is None:
                later = [s for s in PIPELINE[index + 1:] if values.get(s)]
                if later:
                    errors.append((header, _("已填写“%(later)s”，请同时填写之前各阶段的日期。") % {
                        "later": STAGE_DATE_HEADERS[later[0]]}))
                    break
                continue
            if day > today:
                errors.append((header, _("历史阶段的日期不能晚于今天。")))
            if previous and day < previous:
                errors.append((header, _("不能早于前一阶段的日期。")))
            previous = day
        stored = self.by_key.get(self.key(values))
        if stored and stored[1] not in PIPELINE and len(self._stages(values)) > 1:
            errors.append((None, _("项目当前“%(stage)s”，不能按文件推进阶段。") % {"stage": Stage(stored[1]).label}))
        if errors:
            raise RowError(errors)
        return []

    @staticmethod
    def _at(day: dt.date):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))

    def write(self, values, pk, *, actor):
        stages = self._stages(values)
        fields = {name: value for name, value in values.items() if name not in PIPELINE}
        if pk is None:
            owner_id = fields.pop("owner_id")
            owner = User.objects.get(pk=owner_id) if owner_id else actor
            project = project_create(actor=actor, owner=owner, at=self._at(stages[0][1]), **fields)
        else:
            project = Project.objects.select_related("owner").get(pk=pk)
            require_project_change(actor, project)
            for name, value in fields.items():
                if name != "owner_id":  # owners are reassigned by the head (projects_assign_owner), never by a file
                    setattr(project, name, value)
            _checked(project, self)
            project._history_user = actor
            project.save()
            projects_changed([pk])  # park, chain, investment…: copied into the report summaries
            project = Project.objects.select_related("owner").get(pk=pk)
        reached = PIPELINE.index(project.stage) if project.stage in PIPELINE else len(PIPELINE)
        for stage, day in stages:
            if PIPELINE.index(stage) > reached:
                try:
                    project_change_stage(project=project, to=stage, actor=project.owner, note=str(IMPORT_NOTE),
                                         at=self._at(day))
                except DomainError as error:
                    raise RowError([(STAGE_DATE_HEADERS[stage], str(error.message))]) from None
                reached = PIPELINE.index(stage)


# ---- 企业年度指标 ------------------------------------------------------------------------------------

FIGURE_COLUMNS = (
    # header, field, example
    ("营业收入（万元）", "revenue", 12000),
    ("税收（万元）", "tax", 560),
    ("工业产值（万元）", "industrial_output", 11500),
    ("工业增加值（万元）", "value_added", 3200),
    ("研发投入（万元）", "rd_expense", 680),
    ("综合能耗（吨标煤）", "energy_tce", 900),
    ("用地面积（亩）", "land_mu", 35),
    ("从业人员（人）", "employees", 210),
    ("融资额（万元）", "financing", 5000),
)


class FigureSpec(_Lookups, Spec):
    """企业年度指标 from the statistics bureau's or the tax office's yearly lists: stored confirmed (已确认)."""

    kind = "figures"
    title = gettext_lazy("企业年度指标")
    work = Work.FIGURES
    model = EnterpriseFigure
    key_note = gettext_lazy("企业统一社会信用代码、年度和来源")

    def __init__(self):
        self.columns = [
            Column(ENTERPRISE_CODE, "enterprise_id", self.enterprise, required=True, example=EXAMPLE_CODE,
                   note=_("该企业须已登记（先导入企业）。")),
            Column("年度", "year", cells.integer, required=True, example=2024, note=_("四位年份，如 2024。")),
            Column("来源", "source", cells.choice(EnterpriseFigure, "source"), required=True,
                   example=str(EnterpriseFigure.Source.TAX.label),
                   note=_("统计、税务或企业自报；同一企业、年度、来源重复导入按此更新。")),
            *(Column(header, name, cells.integer if name == "employees" else cells.decimal, example=example,
                     note=_("数字；空白表示未提供。"))
              for header, name, example in FIGURE_COLUMNS),
            Column("说明", "note", cells.text, example="2024 年度税务数据", note=_("数据口径等。")),
        ]

    def load(self):
        self.load_enterprises()
        self.by_key = {
            (e, y, s): pk for pk, e, y, s in EnterpriseFigure.objects.values_list("pk", "enterprise_id", "year", "source")
        }

    def key(self, values):
        return (values["enterprise_id"], values["year"], values["source"])

    def existing(self, key):
        return self.by_key.get(key)

    @staticmethod
    def _figures(values):
        return {name: values.get(name) for _header, name, _example in FIGURE_COLUMNS}

    def check(self, values, pk):
        try:
            figure_check(year=values["year"], values=self._figures(values))
        except DomainError as error:
            raise RowError(self.model_errors(error)) from None
        if len(values["note"]) > 500:
            raise RowError([("说明", _("说明不能超过 500 字。"))])
        return []

    def write(self, values, pk, *, actor):
        figure_record(
            enterprise=Enterprise.objects.get(pk=values["enterprise_id"]),
            year=values["year"],
            source=values["source"],
            values=self._figures(values),
            actor=actor,
            note=values["note"],
        )


SPECS = {
    spec.kind: spec
    for spec in (EnterpriseSpec, ContactSpec, ParcelSpec, SpaceSpec, QualificationSpec, ProjectSpec, FigureSpec)
}
KINDS = tuple(SPECS)


def spec_for(kind: str) -> Spec:
    """A fresh spec of ``kind`` (its lookups are per file)."""
    return SPECS[kind]()
