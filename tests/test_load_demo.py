"""``manage.py load_demo``: the science city of the source article, built idempotently.

Counts and sums of what the demo declares are computed from ``demo.data``; literals are kept only for the
source article's figures (32 projects ≥ 1 亿 landed in 2024, 11 and 2 of them by fixed assets, 7 + 2 parcels,
the ten clauses, 科聪控制's 1,300 m² and 3 rent-free years) and the product brief's SLAs, which the data must
match rather than define.

Most tests read one demo world loaded once for this module (``world``), inside a transaction that is
rolled back when the module ends; each test still runs in its own savepoint. The tests that need an
empty database come first in the file, before ``world`` is loaded, and check that it is empty.
"""

import datetime as dt
import re
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from crm.models import (
    PIPELINE,
    Department,
    Enterprise,
    Event,
    Project,
    ProjectStageChange,
    RequestStatus,
    Role,
    Routing,
    RoutingEvent,
    RoutingExtension,
    ServiceCategory,
    ServiceRequest,
    Stage,
    User,
)
from crm.validators import validate_credit_code
from demo import data
from demo.builder import DemoBuilder
from parks.models import PARCEL_COMMITTED_STATUSES, GrantInstalment, LandParcel, LandUse, Policy, PolicyGrant, Space
from tests.support.request_states import LEGAL

pytestmark = pytest.mark.django_db

PASSWORD = "demo-pass-123"
ACCOUNTS = {
    # username: (groups, is_staff, is_superuser, enterprises)
    "officer": ([Role.INVESTMENT_OFFICER], True, False, []),
    "officer2": ([Role.INVESTMENT_OFFICER], True, False, []),
    "lead": ([Role.INVESTMENT_LEAD], True, False, []),  # 招商负责人: any project's stage, reassigns owners
    # heads the station: gets escalations and decides the departments' extension requests (驿站站长)
    "service": ([Role.SERVICE_OFFICER, "service_manager", Role.SERVICE_LEAD], True, False, []),
    "manager": ([Role.MANAGER], True, False, []),
    "enterprise": ([Role.ENTERPRISE], False, False, ["西湖阳光（杭州）科技有限公司"]),
    "enterprise2": ([Role.ENTERPRISE], False, False, ["浙江科聪控制技术有限公司"]),
    "liaison": ([Role.DEPARTMENT_LIAISON], True, False, []),  # 承办单位联络员 of 人社外专处
    "liaison2": ([Role.DEPARTMENT_LIAISON], True, False, []),  # … of 西湖区市场监管局
    "admin": ([], True, True, []),
}


def load_demo(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model, history tables included."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def last_updates() -> dict[str, object]:
    return {
        model._meta.label: model.objects.aggregate(last=Max("updated_at"))["last"]
        for model in apps.get_models()
        if any(f.name == "updated_at" for f in model._meta.concrete_fields)
    }


def declared_status(spec: data.RequestSpec) -> str:
    """The status a declared request ends in: its steps walked through the state table from 已提交."""
    status = "submitted"
    for step in spec.steps:
        status = LEGAL[(status, step.action)]
    return status


def assert_database_is_empty():
    assert not User.objects.exists(), "this test needs an empty database: keep it above the tests that use `world`"


# --- on an empty database ------------------------------------------------------------------------


def test_without_password_new_accounts_get_one_random_password_which_is_printed(client):
    assert_database_is_empty()

    output = load_demo()

    passwords = re.findall(r"password: (\S+)", output)
    assert len(passwords) == 1
    assert len(passwords[0]) >= 16
    for username in ACCOUNTS:
        assert client.login(username=username, password=passwords[0]), username


def test_a_weak_password_is_refused_and_nothing_is_built():
    assert_database_is_empty()

    with pytest.raises(CommandError, match="--password"):
        load_demo("--password", "123")

    assert User.objects.count() == 0
    assert Project.objects.count() == 0


# --- on the demo world ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo loaded once with ``--password``, rolled back after the last test of this module."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo("--password", PASSWORD)
        transaction.set_rollback(True)


def test_running_load_demo_twice_changes_no_row_and_creates_no_duplicates(world):
    counts, updates = row_counts(), last_updates()

    output = load_demo("--password", PASSWORD)

    assert "新建 0 个项目、0 条企业诉求" in output
    assert row_counts() == counts
    assert last_updates() == updates
    assert Project.objects.values("name").distinct().count() == Project.objects.count()
    assert Event.objects.values("name", "held_on").distinct().count() == Event.objects.count()
    assert ServiceRequest.objects.values("enterprise", "category", "title").distinct().count() == ServiceRequest.objects.count()


def test_a_rerun_days_later_changes_nothing_although_the_open_pipeline_is_dated_relative_to_today(world):
    counts, updates = row_counts(), last_updates()

    DemoBuilder(now=timezone.now() + dt.timedelta(days=10)).build()

    assert row_counts() == counts
    assert last_updates() == updates


def test_a_rerun_without_password_keeps_the_existing_passwords(world, client):
    output = load_demo()

    assert "password:" not in output
    assert "保持原密码" in output
    assert client.login(username="officer", password=PASSWORD)


def test_the_32_projects_of_at_least_1_yi_landed_in_2024_are_found_in_the_stage_history(world):
    landed = Project.objects.filter(
        stage_changes__to_stage=Stage.REGISTERED,
        stage_changes__changed_at__year=2024,
        total_investment__gte=10000,
    ).distinct()

    # The source article's figures, not counts of the declarations: the demo data must reproduce them.
    assert landed.count() == 32
    assert landed.filter(fixed_asset_investment__gte=10000).count() == 11
    assert landed.filter(fixed_asset_investment__gte=100000).count() == 2
    assert set(landed.values_list("stage", flat=True)) == {Stage.REGISTERED, Stage.CONSTRUCTION, Stage.PRODUCTION}


def test_every_landed_project_walked_the_pipeline_one_stage_at_a_time_in_date_order(world):
    landed_stages = [Stage.REGISTERED, Stage.CONSTRUCTION, Stage.PRODUCTION]
    landed = list(Project.objects.filter(stage__in=landed_stages))

    assert len(landed) == sum(1 for spec in data.PROJECTS if spec.final_stage in landed_stages)
    for project in landed:
        history = list(project.stage_changes.order_by("changed_at", "id"))
        stages = [change.to_stage for change in history]
        assert stages == PIPELINE[: len(stages)], project.name
        assert [change.from_stage for change in history] == ["", *stages[:-1]], project.name
        assert project.stage_changed_at == history[-1].changed_at


def test_every_stage_has_at_least_one_project_and_lost_ones_say_why(world):
    by_stage = dict(Project.objects.values_list("stage").annotate(n=Count("id")))

    assert set(by_stage) == set(Stage.values)
    assert by_stage == Counter(spec.final_stage for spec in data.PROJECTS)
    assert not Project.objects.filter(stage=Stage.LOST, lost_reason="").exists()
    assert ProjectStageChange.objects.filter(to_stage=Stage.LOST).exclude(note="").count() == by_stage[Stage.LOST]


def test_robotics_projects_are_split_into_brain_and_cerebellum_segments(world):
    robotics = Project.objects.filter(industry_chain="robotics")
    declared = [spec for spec in data.PROJECTS if spec.chain == "robotics"]

    assert robotics.filter(segment__contains="大脑").count() == sum("大脑" in spec.segment for spec in declared) > 0
    assert robotics.filter(segment__contains="小脑").count() == sum("小脑" in spec.segment for spec in declared) > 0


def test_2024_parcels_are_7_industrial_and_2_commercial_or_residential_each_with_its_project(world):
    transferred_2024 = LandParcel.objects.filter(transferred_on__year=2024)

    industrial = transferred_2024.filter(land_use__in=[LandUse.INDUSTRIAL_M1, LandUse.INDUSTRIAL_M0])
    commercial_or_residential = transferred_2024.filter(
        land_use__in=[LandUse.COMMERCIAL, LandUse.RESIDENTIAL, LandUse.COMMERCIAL_RESIDENTIAL]
    )
    # 7 + 2 parcels transferred in 2024: the source article's figures.
    assert industrial.count() == 7
    assert commercial_or_residential.count() == 2
    assert transferred_2024.count() == 9
    assert not transferred_2024.exclude(status__in=PARCEL_COMMITTED_STATUSES).exists()
    assert not transferred_2024.filter(project__isnull=True).exists()


def test_parcel_outlines_are_separate_rectangles_around_the_science_city(world):
    parcels = list(LandParcel.objects.all())

    assert len(parcels) == len(data.PARCELS)
    boxes = []
    for parcel in parcels:
        assert parcel.outline["type"] == "Polygon"
        ring = parcel.outline["coordinates"][0]
        assert ring[0] == ring[-1]
        lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
        assert 120.05 < min(lngs) < max(lngs) < 120.11
        assert 30.28 < min(lats) < max(lats) < 30.32
        boxes.append((min(lngs), min(lats), max(lngs), max(lats)))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_zijin_ten_clauses_is_the_xinchuang_policy_of_april_2024_with_ten_clauses(world):
    policy = Policy.objects.get(short_name="信创“紫金十条”")

    assert policy.issued_on == dt.date(2024, 4, 15)
    assert list(policy.clauses.values_list("number", flat=True)) == list(range(1, 11))  # the article's ten clauses
    assert not policy.clauses.filter(criteria__isnull=True).exists()
    assert policy.clauses.get(benefit_kind="fund_equity").amount_cap == 5000


def test_kecong_occupies_its_1300_m2_smart_manufacturing_centre_with_36_months_rent_free(world):
    space = Space.objects.get(occupant__short_name="科聪控制")

    assert (space.area_m2, space.rent_free_months, space.status) == (1300, 36, Space.Status.OCCUPIED)
    assert space.occupant.contacts.get(name="杨剑剑").title == "董事长助理"


def test_every_enterprise_has_a_valid_and_unique_credit_code(world):
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))

    assert len(codes) == len(data.ENTERPRISES)
    for code in codes:
        validate_credit_code(code)
    assert len(set(codes)) == len(codes)


def test_service_categories_carry_the_slas_of_the_product_brief(world):
    slas = {c.code: (c.sla_unit, c.sla_value, c.pause_while_waiting_external) for c in ServiceCategory.objects.all()}

    assert slas == {
        "work_permit": ("calendar_hours", 24, False),
        "talent_housing": ("working_days", 5, False),
        "business_registration": ("working_days", 3, False),
        "policy_redemption": ("working_days", 15, False),
        "planning_land": ("working_days", 10, True),
    }


def test_the_work_permit_of_xihu_sunshine_was_resolved_within_24_hours(world):
    request = ServiceRequest.objects.get(enterprise__short_name="西湖阳光", category__code="work_permit")

    assert request.resolved_at - request.submitted_at == dt.timedelta(hours=20)
    assert request.resolved_at <= request.due_at == request.submitted_at + dt.timedelta(hours=24)
    assert (request.status, request.satisfaction) == (RequestStatus.CLOSED, 5)
    assert list(request.transitions.values_list("action", flat=True)) == [
        "submit", "accept", "step_plan", "step_plan", "step_plan", "step_plan", "start", "step_complete",
        "step_complete", "wait_external", "step_complete", "step_complete", "resolve", "close",
    ]
    assert set(request.transitions.filter(action__startswith="step_").values_list("actor__username", flat=True)) == {
        "service"
    }
    assert list(request.approval_steps.values_list("name", flat=True)) == ["材料审核", "网上申报", "外专局审批", "发证"]
    assert not request.approval_steps.filter(completed_at__gt=request.resolved_at).exists()
    assert set(request.details) == {
        "expert_name", "nationality", "passport_number", "position", "planned_start_date", "contact_phone",
    }
    assert request.details["contact_phone"] == "0571-87650321"  # the desk finds it by this number


def test_the_open_queue_has_an_overdue_request_an_unassigned_one_and_one_waiting_on_an_authority(world):
    open_requests = ServiceRequest.objects.open()
    still_open = {"submitted", "accepted", "in_progress", "waiting_external"}

    # Besides the declared requests, one turned from a visit's problem (demo.visits) is still being handled.
    assert open_requests.count() == sum(declared_status(spec) in still_open for spec in data.REQUESTS) + 1
    # One is declared overdue (设立分公司, submitted 16 days ago); that it is overdue is the SLA clock's answer.
    assert open_requests.filter(due_at__lt=timezone.now()).count() == 1
    assert open_requests.filter(assignee__isnull=True, status=RequestStatus.SUBMITTED).count() == sum(
        not spec.steps and spec.assignee is None for spec in data.REQUESTS
    )
    waiting = open_requests.get(status=RequestStatus.WAITING_EXTERNAL)
    assert waiting.category.code == "planning_land"
    assert waiting.paused_since is not None


def test_demo_accounts_have_their_roles_and_enterprises_and_log_in_with_the_given_password(world, client):
    for username, (groups, is_staff, is_superuser, enterprises) in ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert sorted(user.groups.values_list("name", flat=True)) == sorted(groups), username
        assert (user.is_staff, user.is_superuser) == (is_staff, is_superuser), username
        assert list(user.enterprises.values_list("name", flat=True)) == enterprises, username
        assert user.display_name, username
        assert client.login(username=username, password=PASSWORD), username


def test_every_history_row_the_demo_writes_names_who_made_the_change(world):
    """load_demo runs outside any web request: each change must carry its actor itself."""
    nameless = {
        model.__name__: model.history.filter(history_user__isnull=True).count()
        for model in (Project, ServiceRequest, LandParcel, PolicyGrant, GrantInstalment)
    }

    assert nameless == {"Project": 0, "ServiceRequest": 0, "LandParcel": 0, "PolicyGrant": 0, "GrantInstalment": 0}


# --- departments and routing (承办单位、分办) --------------------------------------------------------------------------


def test_the_departments_of_the_story_have_their_liaisons(world):
    departments = {d.short_name: d for d in Department.objects.prefetch_related("liaisons")}

    assert set(departments) == {spec.short_name for spec in data.DEPARTMENTS}
    experts = departments[data.FOREIGN_EXPERTS]
    assert "人社" in experts.name  # the issue: the liaison's department has 外专 or 人社 in its name
    assert [u.username for u in experts.liaisons.all()] == ["liaison"]
    assert [u.username for u in departments[data.MARKET_REGULATION].liaisons.all()] == ["liaison2"]
    assert {d.kind for d in departments.values()} == {"internal", "external"}


def test_the_work_permit_went_through_the_foreign_expert_authority_within_its_24_hours(world):
    request = ServiceRequest.objects.get(enterprise__short_name="西湖阳光", category__code="work_permit")
    routing = request.routings.get()

    assert (routing.department.short_name, routing.role, routing.status) == (data.FOREIGN_EXPERTS, "lead", "completed")
    assert routing.due_at - routing.routed_at == dt.timedelta(hours=24)  # the work permit's 主办时限
    assert routing.routed_at < routing.completed_at <= routing.due_at
    assert routing.completed_at <= request.resolved_at
    assert list(routing.events.values_list("kind", "actor__username")) == [
        ("routed", "service"), ("completed", "liaison")
    ]
    shared = request.messages.get(shared_with_departments=True)
    written = request.messages.get(department=routing.department)
    assert (shared.is_internal, written.is_internal, written.author.username) == (True, True, "liaison")


def test_the_demo_has_a_transferred_routing_an_approved_extension_and_one_pending(world):
    transferred = Routing.objects.get(status="transferred")
    assert (transferred.department.short_name, transferred.transferred_to.department.short_name) == (
        data.TAX, data.MARKET_REGULATION
    )
    approved = RoutingExtension.objects.get(status="approved")
    assert approved.routing.department.short_name == data.FOREIGN_EXPERTS and approved.routing.role == "lead"
    assert approved.routing.due_at == approved.requested_due_at
    # The lead's extension moved the request's own due time with it.
    assert approved.routing.service_request.due_at == approved.requested_due_at
    pending = RoutingExtension.objects.get(status="pending")
    assert pending.routing == transferred.transferred_to
    assert RoutingEvent.objects.filter(actor__isnull=True).count() == 0


def test_a_liaison_lists_over_the_api_only_what_is_routed_to_its_department(world):
    from tests.api.support import api_client, results

    listed = {}
    for username, short_name in (("liaison", data.FOREIGN_EXPERTS), ("liaison2", data.MARKET_REGULATION)):
        user = User.objects.get(username=username)
        listed[username] = {row["id"] for row in results(api_client(user).get("/api/v1/service-requests/"))}
        routed = set(
            Routing.objects.filter(department__short_name=short_name, status__in=["active", "completed"])
            .values_list("service_request_id", flat=True)
        )
        assert listed[username] == routed and routed, username
    # 人社外专处: the work permit and the talent subsidy; 市场监管: the branch registration transferred to it.
    assert len(listed["liaison"]) == 2 and len(listed["liaison2"]) == 1
    assert not listed["liaison"] & listed["liaison2"]
# --- 包联 and 走访 (demo.visits) -----------------------------------------------------------------------------


def test_the_article_s_in_park_enterprises_have_officers_and_a_season_of_visits(world):
    from crm.models import Visit, VisitProblem
    from demo.visits import IN_CHARGE

    in_charge = Enterprise.objects.filter(short_name__in=IN_CHARGE).select_related("responsible_officer")
    assert in_charge.count() == len(IN_CHARGE)
    assert all(e.status == Enterprise.Status.IN_PARK and e.responsible_officer.is_staff for e in in_charge)
    assert {e.short_name for e in in_charge if e.is_key} == {"科聪控制", "西湖心辰", "永创智能"}

    today = timezone.localdate()
    days = sorted((today - v.visited_on).days for v in Visit.objects.all())
    assert 80 <= days[-1] <= 100 and days[0] >= 1  # about three months, none in the future
    turned = VisitProblem.objects.filter(service_request__isnull=False).select_related("service_request")
    assert sorted(p.state for p in turned) == ["open"] + ["solved"] * 4
    assert all(p.service_request.visit_problem == p and p.service_request.enterprise == p.visit.enterprise
               for p in turned)
    assert VisitProblem.objects.filter(service_request__isnull=True).count() == 2


def test_the_demo_workbench_shows_an_officer_the_enterprises_due_for_a_visit(world):
    from crm.workbench import workbench_for

    panel = workbench_for(user=User.objects.get(username="officer2")).visits
    assert [e.short_name for e in panel.rows][:2] == ["玉之泉", "羲和光电"]
    assert [e.visit_overdue for e in panel.rows][:2] == [True, False]


def test_the_demos_capital_arrives_from_the_province_from_elsewhere_in_china_and_from_abroad_in_dollars(world):
    from decimal import Decimal

    from crm.models import CapitalArrival

    in_2024 = CapitalArrival.objects.filter(arrived_on__year=2024)
    assert set(in_2024.values_list("source", flat=True)) == {"in_province", "out_of_province", "foreign"}
    foreign = list(in_2024.filter(source="foreign").order_by("arrived_on"))
    assert [(a.project.name, a.currency, a.rate) for a in foreign] == [
        ("精创激光高端激光装备产业化项目", "USD", Decimal("7.1043")),
        ("精创激光高端激光装备产业化项目", "USD", Decimal("7.1043")),
    ]
    for arrival in CapitalArrival.objects.all():  # every 万元 is its 原币 at its rate
        assert arrival.amount == (arrival.original_amount * arrival.rate / 10_000).quantize(Decimal("0.01"))


def test_the_demo_builds_the_report_summaries_so_the_pipeline_page_reads_them_and_says_how_fresh(world, client):
    from reports.models import ProjectFact, SummaryState

    assert SummaryState.objects.exists()
    assert ProjectFact.objects.count() == Project.objects.count()
    client.force_login(User.objects.get(username="manager"))
    page = client.get("/reports/?period=2024").content.decode()
    assert "汇总数据更新于" in page and "汇总数据尚未生成" not in page
