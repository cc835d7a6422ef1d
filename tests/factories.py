"""factory_boy factories for the whole domain; each builds a valid row with plausible Chinese data."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from stdnum.cn import uscc

from crm.models import Department, Enterprise, Event, FollowUp, Role, ServiceCategory, User
from crm.names import company_name_key
from parks.models import LandParcel, LandUse, Park, Policy, PolicyClause


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 (registered in 杭州 330106) built from a sequence number."""
    body = f"91330106MA{n:07d}"
    return body + uscc.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pass-1234")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted in Role.STAFF_ROLES:
                self.is_staff = True
                self.save(update_fields=["is_staff"])


def officer(**kwargs):
    return UserFactory(role=Role.INVESTMENT_OFFICER, **kwargs)


def investment_lead(**kwargs):
    """招商负责人: changes any project's stage and reassigns owners (crm.pipeline.ownership)."""
    return UserFactory(role=Role.INVESTMENT_LEAD, **kwargs)


def service_officer(**kwargs):
    return UserFactory(role=Role.SERVICE_OFFICER, **kwargs)


def manager(**kwargs):
    return UserFactory(role=Role.MANAGER, **kwargs)


def department_liaison(department=None, **kwargs):
    """承办单位联络员: staff (they sign in to the admin) in the group ``department_liaison``, of ``department``."""
    user = UserFactory(role=Role.DEPARTMENT_LIAISON, is_staff=True, **kwargs)
    if department is not None:
        department.liaisons.add(user)
    return user


def station_head(**kwargs):
    """驿站站长: a service officer who also decides the departments' extension requests (both groups)."""
    user = UserFactory(role=Role.SERVICE_OFFICER, **kwargs)
    user.groups.add(Group.objects.get(name=Role.SERVICE_LEAD))
    return user


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"承办单位{n}")
    kind = Department.Kind.EXTERNAL


def enterprise_user(enterprise, **kwargs):
    user = UserFactory(role=Role.ENTERPRISE, **kwargs)
    user.enterprises.add(enterprise)
    return user


class ParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Park
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试园区{n}")
    kind = Park.Kind.INDUSTRIAL_PARK


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"杭州测试{n}号智能装备有限公司")
    name_key = factory.LazyAttribute(lambda o: company_name_key(o.name))  # as enterprise_check sets it
    credit_code = factory.Sequence(lambda n: credit_code(n + 1))
    status = Enterprise.Status.IN_PARK
    industry_chain = "robotics"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"西湖链链看 第{n}场")
    held_on = dt.date(2024, 6, 1)


class ProjectFactory(factory.Factory):
    """Builds through ``project_create`` so every project has its first stage-history row."""

    class Meta:
        model = dict

    name = factory.Sequence(lambda n: f"测试项目{n}")
    enterprise = factory.SubFactory(EnterpriseFactory)
    total_investment = Decimal("5000")
    fixed_asset_investment = Decimal("2000")
    industry_chain = "robotics"

    @classmethod
    def _create(cls, model_class, owner=None, **kwargs):
        from crm.pipeline.services import project_create

        owner = owner or officer()
        return project_create(actor=owner, owner=owner, **kwargs)

    _build = _create


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp
        skip_postgeneration_save = True

    project = None
    officer = factory.LazyAttribute(lambda o: o.project.owner)
    occurred_on = factory.LazyFunction(lambda: timezone.localdate())
    note = "上门走访，了解用地需求。"

    @factory.post_generation
    def keep_followed_up_on(self, create, extracted, **kwargs):
        """``Project.followed_up_on`` is the newest follow-up's date, as the follow-up services keep it (the project
        list reads it); the project's next step is left as the test set it."""
        if create:
            newest = self.project.follow_ups.order_by("-occurred_on").values_list("occurred_on", flat=True).first()
            type(self.project).objects.filter(pk=self.project.pk).update(followed_up_on=newest)
            self.project.followed_up_on = newest


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCategory
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = "work_permit"
    name = "外国人来华工作许可"
    sla_unit = ServiceCategory.SlaUnit.CALENDAR_HOURS
    sla_value = 24
    # The work permit's departments work in calendar hours (主办 24, 协办 12), as crm.0018 gives the park's; any other
    # category the model's defaults (7 and 3 working days).
    routing_limit_unit = factory.LazyAttribute(
        lambda o: ServiceCategory.SlaUnit.CALENDAR_HOURS if o.code == "work_permit" else ServiceCategory.SlaUnit.WORKING_DAYS
    )
    lead_limit = factory.LazyAttribute(lambda o: 24 if o.code == "work_permit" else 7)
    assist_limit = factory.LazyAttribute(lambda o: 12 if o.code == "work_permit" else 3)

    @factory.post_generation
    def form(self, create, extracted, **kwargs):
        """The preset form of its code (work permit, talent housing) as the data migration gives an existing park's
        categories; ``form=False`` for a category without it."""
        if create and extracted is not False:
            from crm.service_requests.presets import category_presets_apply

            category_presets_apply(category=self, steps=False)

    @factory.post_generation
    def step_templates(self, create, extracted, **kwargs):
        """``step_templates=True``: the preset approval-step templates of its code (the work permit's four steps)."""
        if create and extracted:
            from crm.service_requests.presets import category_presets_apply

            category_presets_apply(category=self, fields=False)


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    name = factory.Sequence(lambda n: f"测试政策{n}")


class PolicyClauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyClause

    policy = factory.SubFactory(PolicyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "研发补助"
    benefit_kind = "rd_subsidy"


class LandParcelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LandParcel

    code = factory.Sequence(lambda n: f"XH2024-{n:03d}")
    park = factory.SubFactory(ParkFactory)
    land_use = LandUse.INDUSTRIAL_M1
    area_m2 = Decimal("20000")


def work_permit_details(**overrides) -> dict:
    """Valid 外国人来华工作许可 details: an expert starting in a month."""
    return {
        "expert_name": "John Smith",
        "nationality": "英国",
        "passport_number": "E12345678",
        "position": "首席算法工程师",
        "planned_start_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        **overrides,
    }


def service_request(*, enterprise, submitted_by=None, category=None, title="申请外籍专家工作许可", **kwargs):
    """A request submitted the normal way (``service_request_submit``), with its SLA due time and first history row."""
    from crm.service_requests.services import service_request_submit

    category = category or ServiceCategoryFactory()
    if "details" not in kwargs and category.code == "work_permit":
        kwargs["details"] = work_permit_details()
    request, _warnings = service_request_submit(
        enterprise=enterprise,
        category=category,
        title=title,
        submitted_by=submitted_by or enterprise_user(enterprise),
        **kwargs,
    )
    return request


def tiny_pdf() -> bytes:
    """The smallest well-formed one-page PDF: enough for a content check that looks at the bytes."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ---------------------------------------------------------------------------------------------------
# Parks: criteria, spaces, projects at a stage (appended for the policies/parcels/commitments work)
# ---------------------------------------------------------------------------------------------------


def criterion(clause, kind, *, number=None, choice="", park=None):
    """One eligibility criterion of ``clause``, validated as the admin form would."""
    from parks.models import EligibilityCriterion

    row = EligibilityCriterion(clause=clause, kind=kind, number=number, choice=choice, park=park)
    row.full_clean()
    row.save()
    return row


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "parks.Space"

    park = factory.SubFactory(ParkFactory)
    building = "信创大厦 A 座"
    unit = factory.Sequence(lambda n: f"{n + 101}")
    area_m2 = Decimal("1300")
    rent_per_m2_day = Decimal("1.20")


def project_at(stage, *, actor=None, **kwargs):
    """A project moved along the pipeline through ``project_change_stage`` until it reaches ``stage``
    (暂缓/终止 from 深度洽谈), so its history is what the real pipeline would have written."""
    from crm.models import PIPELINE, Stage
    from crm.pipeline.services import project_change_stage

    project = ProjectFactory(**kwargs)
    actor = actor or project.owner
    path = PIPELINE[1 : PIPELINE.index(stage) + 1] if stage in PIPELINE else [Stage.CONTACTED, Stage.NEGOTIATING, stage]
    for step in path:
        project = project_change_stage(project=project, to=step, actor=actor, note="测试推进" if step == Stage.LOST else "")
    return project


# ---------------------------------------------------------------------------------------------------
# Service requests at a status (appended for the finished-thread, assignment and approval-step rules)
# ---------------------------------------------------------------------------------------------------

# How a fresh request reaches each status, as (action, who) steps: "officer", or "enterprise" (its submitter).
STATUS_PATH = {
    "submitted": [],
    "accepted": [("accept", "officer")],
    "in_progress": [("accept", "officer"), ("start", "officer")],
    "waiting_external": [("accept", "officer"), ("start", "officer"), ("wait_external", "officer")],
    "resolved": [("accept", "officer"), ("start", "officer"), ("resolve", "officer")],
    "closed": [("accept", "officer"), ("resolve", "officer"), ("close", "enterprise")],
    "rejected": [("reject", "officer")],
    "withdrawn": [("withdraw", "enterprise")],
}
FINISHED_STATUSES = ("closed", "withdrawn", "rejected")


def request_moved_to(request, status, *, officer):
    """``request`` taken to ``status`` through ``service_request_transition``; the enterprise's steps by its submitter."""
    from crm.service_requests.services import service_request_transition

    for action, who in STATUS_PATH[status]:
        actor = officer if who == "officer" else request.submitted_by
        request = service_request_transition(service_request=request, action=action, actor=actor, note="说明")
    assert request.status == status
    return request
