"""Who may do which write is one table (``crm.roles``), checked by every write service itself: a manager, or an
officer of the other desk, calling a service directly — as a task, a command or a new screen would — is refused
with the table's Chinese message and every table stays as it was."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.enterprises import enterprise_create
from crm.errors import DomainError
from crm.models import (
    AnnualCommitment,
    CapitalArrival,
    Enterprise,
    FollowUp,
    Milestone,
    Project,
    ProjectMilestone,
    ProjectStageChange,
    ServiceRequest,
    ServiceRequestAttachment,
    ServiceRequestMessage,
    ServiceRequestTransition,
    Stage,
)
from crm.pipeline.commitments import (
    annual_commitment_review,
    annual_commitment_set,
    capital_arrival_record,
    milestone_plan,
    milestone_record_actual,
)
from crm.pipeline.services import follow_up_create, project_change_stage, project_create, projects_assign_owner
from crm.roles import Work, may
from crm.service_requests.attachments import attachment_add
from crm.service_requests.satisfaction import service_request_rate
from crm.service_requests.services import service_request_assign, service_request_submit, service_request_transition
from crm.service_requests.thread import message_post
from parks.models import LandParcel, ParcelStatus, PolicyGrant, Space
from parks.services.grants import policy_grant_approve, policy_grant_disburse, policy_grant_record, policy_grant_reject
from parks.services.parcels import parcel_change_status, parcel_reserve, parcel_transfer
from parks.services.spaces import space_occupy, space_vacate
from tests.api.support import pdf_upload
from tests.factories import (
    LandParcelFactory,
    PolicyClauseFactory,
    ServiceCategoryFactory,
    SpaceFactory,
    officer,
    project_at,
    service_request,
    work_permit_details,
)

pytestmark = pytest.mark.django_db

PROJECTS = "只有招商专员可以修改项目和跟进记录。"
LAND = "只有招商专员可以变更地块、载体和落地承诺。"
ENTERPRISES = "只有招商专员或企业服务专员可以登记企业。"
REQUESTS = "只有企业服务专员或企业用户可以办理诉求。"
SERVICE_DESK = "只有企业服务专员可以受理、办理和分派诉求。"
GRANTS = "只有企业服务专员可以登记和审核政策兑现。"


@pytest.fixture
def w(qian, zhou, alice, sunshine, kecong):
    """A world in which every write below would succeed for the right role."""
    today = timezone.localdate()
    project = project_at(Stage.SIGNED, owner=qian, enterprise=sunshine, name="羲和光电显示模组产线项目")
    clause = PolicyClauseFactory(amount_cap=Decimal("500"))
    approved = policy_grant_record(clause=clause, enterprise=sunshine, applied_amount=Decimal("200"), applied_on=today,
                                   actor=zhou)
    policy_grant_approve(grant=approved, amount=Decimal("200"), on=today, actor=zhou)
    resolved = service_request(enterprise=sunshine, submitted_by=alice, title="已办结的诉求")
    for action in ("accept", "resolve"):
        service_request_transition(service_request=resolved, action=action, actor=zhou)
    return {
        "today": today, "qian": qian, "zhou": zhou, "sunshine": sunshine, "kecong": kecong, "project": project,
        "other_officer": officer(display_name="李晓燕"),
        "milestone": milestone_plan(project=project, kind=Milestone.LAND_DELIVERY, planned_on=today, actor=qian),
        "commitment": annual_commitment_set(project=project, year=today.year, output_per_mu=Decimal("500"),
                                            tax_per_mu=Decimal("30"), headcount=80, actor=qian),
        "available": LandParcelFactory(status=ParcelStatus.AVAILABLE),
        "listed": LandParcelFactory(status=ParcelStatus.LISTED, reserve_price=Decimal("3000")),
        "vacant": SpaceFactory(),
        "let": SpaceFactory(status=Space.Status.OCCUPIED, occupant=kecong, lease_start=dt.date(2025, 1, 1)),
        "clause": clause,
        "applied": policy_grant_record(clause=clause, enterprise=sunshine, applied_amount=Decimal("100"),
                                       applied_on=today, actor=zhou),
        "approved": approved,
        "category": ServiceCategoryFactory(),
        "request": service_request(enterprise=sunshine, submitted_by=alice),
        "resolved": resolved,
    }


# service → (the refusal, who is refused, the call)
WRITES = {
    "enterprise_create": (ENTERPRISES, ["boss", "alice"], lambda a, w: enterprise_create(
        actor=a, name="杭州新设科技有限公司")),
    "project_create": (PROJECTS, ["boss", "zhou"], lambda a, w: project_create(
        actor=a, owner=w["qian"], name="新线索", enterprise=w["sunshine"], industry_chain="robotics",
        total_investment=Decimal("3000"), fixed_asset_investment=Decimal("0"))),
    "project_change_stage": (PROJECTS, ["boss", "zhou"], lambda a, w: project_change_stage(
        project=w["project"], to=Stage.REGISTERED, actor=a)),
    "follow_up_create": (PROJECTS, ["boss", "zhou"], lambda a, w: follow_up_create(
        project=w["project"], officer=a, occurred_on=w["today"], note="上门走访")),
    "projects_assign_owner": (PROJECTS, ["boss", "zhou"], lambda a, w: projects_assign_owner(
        projects=Project.objects.filter(pk=w["project"].pk), owner=w["other_officer"], actor=a)),
    "milestone_plan": (LAND, ["boss", "zhou"], lambda a, w: milestone_plan(
        project=w["project"], kind=Milestone.CONSTRUCTION_START, planned_on=w["today"], actor=a)),
    "milestone_record_actual": (LAND, ["boss", "zhou"], lambda a, w: milestone_record_actual(
        milestone=w["milestone"], actual_on=w["today"], actor=a)),
    "capital_arrival_record": (LAND, ["boss", "zhou"], lambda a, w: capital_arrival_record(
        project=w["project"], arrived_on=w["today"], amount=Decimal("100"), actor=a)),
    "annual_commitment_set": (LAND, ["boss", "zhou"], lambda a, w: annual_commitment_set(
        project=w["project"], year=w["today"].year + 1, output_per_mu=Decimal("600"), tax_per_mu=Decimal("40"),
        headcount=90, actor=a)),
    "annual_commitment_review": (LAND, ["boss", "zhou"], lambda a, w: annual_commitment_review(
        commitment=w["commitment"], actual_output_per_mu=Decimal("400"), actual_tax_per_mu=Decimal("20"),
        actual_headcount=70, reviewed_on=w["today"], actor=a)),
    "parcel_change_status": (LAND, ["boss", "zhou"], lambda a, w: parcel_change_status(
        parcel=w["available"], to=ParcelStatus.LISTED, actor=a)),
    "parcel_reserve": (LAND, ["boss", "zhou"], lambda a, w: parcel_reserve(
        parcel=w["available"], project=w["project"], actor=a)),
    "parcel_transfer": (LAND, ["boss", "zhou"], lambda a, w: parcel_transfer(
        parcel=w["listed"], project=w["project"], on=w["today"], price=Decimal("3000"), actor=a)),
    "space_occupy": (LAND, ["boss", "zhou"], lambda a, w: space_occupy(
        space=w["vacant"], enterprise=w["kecong"], lease_start=w["today"], actor=a)),
    "space_vacate": (LAND, ["boss", "zhou"], lambda a, w: space_vacate(space=w["let"], actor=a)),
    "policy_grant_record": (GRANTS, ["boss", "qian"], lambda a, w: policy_grant_record(
        clause=w["clause"], enterprise=w["kecong"], applied_amount=Decimal("50"), applied_on=w["today"], actor=a)),
    "policy_grant_approve": (GRANTS, ["boss", "qian"], lambda a, w: policy_grant_approve(
        grant=w["applied"], amount=Decimal("100"), on=w["today"], actor=a)),
    "policy_grant_disburse": (GRANTS, ["boss", "qian"], lambda a, w: policy_grant_disburse(
        grant=w["approved"], amount=Decimal("100"), on=w["today"], actor=a)),
    "policy_grant_reject": (GRANTS, ["boss", "qian"], lambda a, w: policy_grant_reject(
        grant=w["applied"], reason="不符合条件", actor=a)),
    "service_request_submit": (REQUESTS, ["boss", "qian"], lambda a, w: service_request_submit(
        enterprise=w["sunshine"], category=w["category"], title="代企业提交", submitted_by=a,
        details=work_permit_details())),
    "service_request_transition": ("您没有权限执行“受理”。", ["boss", "qian"], lambda a, w: service_request_transition(
        service_request=w["request"], action="accept", actor=a)),
    "service_request_assign": (SERVICE_DESK, ["boss", "qian", "alice"], lambda a, w: service_request_assign(
        service_request=w["request"], assignee=w["zhou"], actor=a)),
    "message_post": (REQUESTS, ["boss", "qian"], lambda a, w: message_post(
        service_request=w["request"], author=a, body="请尽快办理")),
    "attachment_add": (REQUESTS, ["boss", "qian"], lambda a, w: attachment_add(
        service_request=w["request"], uploaded=pdf_upload(), user=a)),
    "service_request_rate": (REQUESTS, ["boss", "qian"], lambda a, w: service_request_rate(
        service_request=w["resolved"], user=a, rating=5)),
}

CASES = [(service, who) for service, (_refusal, refused, _call) in WRITES.items() for who in refused]

WATCHED = [
    Enterprise, Project, Project.history.model, ProjectStageChange, FollowUp, ProjectMilestone, CapitalArrival,
    AnnualCommitment, LandParcel, LandParcel.history.model, Space, PolicyGrant, PolicyGrant.history.model,
    ServiceRequest, ServiceRequest.history.model, ServiceRequestTransition, ServiceRequestMessage,
    ServiceRequestAttachment,
]


def _everything():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}


@pytest.mark.parametrize(("service", "who"), CASES, ids=[f"{service}-{who}" for service, who in CASES])
def test_a_write_service_refuses_a_role_the_table_does_not_allow_and_changes_nothing(request, w, service, who):
    refusal, _refused, call = WRITES[service]
    actor = request.getfixturevalue(who)
    before = _everything()

    with pytest.raises(DomainError) as refused:
        call(actor, w)

    assert (refused.value.code, str(refused.value.message)) == (DomainError.FORBIDDEN, refusal)
    assert _everything() == before


def test_a_superuser_may_do_every_kind_of_write(root):
    assert [work for work in Work if not may(root, work)] == []


def test_a_manager_may_do_no_kind_of_write(boss):
    assert [work for work in Work if may(boss, work)] == []
