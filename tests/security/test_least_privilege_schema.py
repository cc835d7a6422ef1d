"""Least privilege, the same over every interface: every operation of ``/api/schema/``, every admin list and the
attachment download answer each role as the table says (``crm.roles.WHO_READS`` for reads, ``WHO_DOES`` for writes).

The operations come from the schema and their area from the view (``work_area``), so a new endpoint is covered
without anyone listing it, and one that names no area fails here (and is refused to everyone meanwhile). A new
admin model fails here until ``crm.roles.AREA_OF_MODEL`` names its area.

What each answer must be:
- allowed (the role may read the area, and for a write its work is the role's): anything but 401, 403, 404 or
  a 5xx — writes are sent with an empty body, so a 400 (field errors), 409 or 415 is an allowed answer;
- forbidden: 403, or 401 for an anonymous client.
Every path parameter names an object the role may reach (the enterprise user's own enterprise, request, grant,
notification), so no 404 is accepted there. A 404 is the right answer only in the second walk: the enterprise
user with another enterprise's objects in an area it may read — object isolation hides them (never a 403 that
confirms they exist).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated

from crm.api.permissions import DoesWork
from crm.models import Notification, Role, Stage
from crm.pipeline.commitments import annual_commitment_set, milestone_plan
from crm.roles import ANONYMOUS, WHO_READS, Area, area_of_model, may, may_read
from crm.service_requests.approval_steps import approval_step_plan
from crm.service_requests.attachments import attachment_add
from crm.service_requests.routing import routing_create, routing_request_extension
from crm.service_requests.services import service_request_transition
from crm.service_requests.thread import message_post
from parks.models import PolicyApplication, PolicyGrant
from tests.api.support import api_client, pdf_upload
from tests.factories import (
    LandParcelFactory,
    PolicyClauseFactory,
    SpaceFactory,
    UserFactory,
    project_at,
)

pytestmark = pytest.mark.django_db

ROLES = sorted(value for name, value in vars(Role).items() if name.isupper() and isinstance(value, str))
WHO = [*ROLES, ANONYMOUS, "superuser"]
READ_METHODS = {"get", "head", "options"}


def _operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(path, method) for path, item in schema["paths"].items() for method in item if method != "parameters"]


OPERATIONS = _operations()


@pytest.fixture
def world(sunshine, kecong, alice, bob, alice_request, bob_request, qian, lead, zhou, boss, root, work_permit,
          waizhuan, liaison):
    """One object of every kind an API path names: the enterprise user's own, and another enterprise's. The
    enterprise's request is routed to the liaison's department (人社/外专), with an extension request pending."""
    pure_station_head = UserFactory(username="station-head-only", role=Role.SERVICE_LEAD, is_staff=True)
    users = {
        Role.INVESTMENT_OFFICER: qian, Role.INVESTMENT_LEAD: lead, Role.SERVICE_OFFICER: zhou, Role.MANAGER: boss, Role.ENTERPRISE: alice,
        Role.DEPARTMENT_LIAISON: liaison, Role.SERVICE_LEAD: pure_station_head,
        ANONYMOUS: None, "superuser": root,
    }
    project = project_at(Stage.SIGNED, enterprise=sunshine, owner=qian)
    milestone = milestone_plan(project=project, kind="land_delivery", planned_on=dt.date(2027, 3, 1), actor=qian)
    commitment = annual_commitment_set(
        project=project, year=2027, output_per_mu=Decimal("100"), tax_per_mu=Decimal("10"), headcount=50, actor=qian
    )
    clause = PolicyClauseFactory()
    step = approval_step_plan(
        service_request=alice_request, name="外专局审批", due_at=dt.datetime(2027, 1, 5, 17, tzinfo=dt.UTC), actor=zhou,
        department=waizhuan,
    )
    message_post(service_request=alice_request, author=zhou, body="内部备注", is_internal=True)
    service_request_transition(service_request=alice_request, action="accept", actor=zhou)
    routing = routing_create(service_request=alice_request, department=waizhuan, role="lead", actor=zhou)
    extension = routing_request_extension(
        routing=routing, due_at=routing.due_at + dt.timedelta(days=1), reason="需补充材料", actor=liaison
    )
    own = {
        "routings": routing.pk,
        "routing-extensions": extension.pk,
        "service-requests": alice_request.pk,
        "step_id": step.pk,
        "attachments": attachment_add(service_request=alice_request, uploaded=pdf_upload(), user=alice).pk,
        "enterprises": sunshine.pk,
        "grants": PolicyGrant.objects.create(clause=clause, enterprise=sunshine, applied_amount=10,
                                             applied_on=dt.date(2026, 1, 5)).pk,
        "projects": project.pk,
        "milestones": milestone.pk,
        "annual-commitments": commitment.pk,
        "parcels": LandParcelFactory().pk,
        "spaces": SpaceFactory().pk,
        "policies": clause.policy_id,
        "clauses": clause.pk,
        "policy-applications": PolicyApplication.objects.create(
            clause=clause, enterprise=sunshine, service_request=alice_request, applied_amount=10, submitted_by=alice,
            submitted_at=alice_request.submitted_at).pk,
    }
    bob_step = approval_step_plan(
        service_request=bob_request, name="外专局审批", due_at=dt.datetime(2027, 1, 5, 17, tzinfo=dt.UTC), actor=zhou
    )
    foreign = {
        **own,
        "service-requests": bob_request.pk,
        "step_id": bob_step.pk,
        "attachments": attachment_add(service_request=bob_request, uploaded=pdf_upload(), user=bob).pk,
        "enterprises": kecong.pk,
        "grants": PolicyGrant.objects.create(clause=clause, enterprise=kecong, applied_amount=10,
                                             applied_on=dt.date(2026, 1, 5)).pk,
        "policy-applications": PolicyApplication.objects.create(
            clause=clause, enterprise=kecong, service_request=bob_request, applied_amount=10, submitted_by=bob,
            submitted_at=bob_request.submitted_at).pk,
    }
    notifications = {
        who: Notification.objects.create(key=f"test:{who}", rule="test", recipient=user or bob, subject="提醒").pk
        for who, user in users.items()
    }
    return {"users": users, "own": own, "foreign": foreign, "notifications": notifications, "bob": bob}


def _url(path, ids, notification):
    """The schema's path with each parameter filled: ``{id}`` by the resource it follows, ``{step_id}`` by its own."""
    parts = path.strip("/").split("/")  # api, v1, resource, ...
    resource = parts[2]
    filled = []
    for part in parts:
        if part == "{id}":
            key = "notifications" if resource == "notifications" else resource
            value = notification if key == "notifications" else ids.get(key)
            assert value is not None, f"{path}: the test world has no object for '{resource}' — add one to world()"
            part = str(value)
        elif part.startswith("{"):
            name = part.strip("{}")
            assert name in ids, f"{path}: the test world has no object for '{name}' — add one to world()"
            part = str(ids[name])
        filled.append(part)
    return "/" + "/".join(filled) + "/"


def _expected(view_class, method, who, user) -> bool:
    """Whether the table lets ``who`` call this operation: read the view's area, and for a write do its work."""
    area = view_class.work_area
    if who == "superuser":
        return True
    if not may_read(user, area):
        return False
    if user is None and IsAuthenticated in view_class.permission_classes:
        return False  # e.g. logging out: open to the area's readers, but only with a token to revoke
    if method in READ_METHODS:
        return True
    works = [p.work for p in view_class.permission_classes if isinstance(p, type) and issubclass(p, DoesWork)]
    return all(may(user, work) for work in works)


def _call(client, view_class, method, url):
    if method in READ_METHODS:
        return getattr(client, method)(url)
    fmt = "json" if any(issubclass(parser, JSONParser) for parser in view_class.parser_classes) else "multipart"
    return getattr(client, method)(url, {}, format=fmt)


def _walk(world, who, ids):
    user = world["users"][who]
    client = api_client(user)
    failures = []
    for path, method in OPERATIONS:
        url = _url(path, ids, world["notifications"][who])
        view_class = resolve(url).func.cls
        if getattr(view_class, "work_area", None) not in WHO_READS:
            failures.append(f"{method.upper()} {path}: {view_class.__name__} names no work_area (crm.roles.Area)")
            continue
        # Logging out revokes the token it is called with: it gets a token of its own.
        caller = api_client(user) if path == "/api/v1/auth/logout/" else client
        status = _call(caller, view_class, method, url).status_code
        if _expected(view_class, method, who, user):
            wanted = "404 (another enterprise's object)" if ids is world["foreign"] and who == Role.ENTERPRISE \
                and _tenant_owned(path) else "allowed"
            if who == Role.DEPARTMENT_LIAISON and path.startswith("/api/v1/attachments/"):
                wanted = "404 (a department reads no attachment: docs/departments.md)"
            ok = status == 404 if wanted.startswith("404") else status not in (401, 403, 404) and status < 500
        else:
            wanted = "401" if user is None else "403"
            ok = status == int(wanted)
        if not ok:
            failures.append(f"{who}: {method.upper()} {path} ({view_class.work_area}) answered {status}, wanted {wanted}")
    return failures


TENANT_OWNED = {"service-requests", "attachments", "enterprises", "grants", "policy-applications"}


def _tenant_owned(path) -> bool:
    """A path naming one object of an enterprise (a list has none to hide)."""
    return "{id}" in path and path.strip("/").split("/")[2] in TENANT_OWNED


def test_the_schema_has_the_operations_the_walk_relies_on():
    # A walk over nothing would prove nothing: the schema lists the API, each resource with its objects.
    assert len(OPERATIONS) > 40
    assert ("/api/v1/service-requests/{id}/", "get") in OPERATIONS


@pytest.mark.parametrize("who", WHO)
def test_every_operation_answers_each_role_as_the_table_says(settings, world, who):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None}}

    assert _walk(world, who, world["own"]) == []


def test_another_enterprises_objects_are_404_where_the_enterprise_user_may_read_and_403_elsewhere(settings, world):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None}}

    assert _walk(world, Role.ENTERPRISE, world["foreign"]) == []


# -- the admin and the download -------------------------------------------------------------------------------


def _admin_client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "who",
    [Role.INVESTMENT_OFFICER, Role.INVESTMENT_LEAD, Role.SERVICE_OFFICER, Role.MANAGER, Role.DEPARTMENT_LIAISON,
     Role.SERVICE_LEAD, "superuser"],
)
def test_every_admin_list_answers_each_role_as_the_table_says(world, who):
    user = world["users"][who]
    client = _admin_client(user)
    failures = []
    for model in admin.site._registry:
        area = area_of_model(model)
        if area is None:
            failures.append(f"{model._meta.label}: no area in crm.roles.AREA_OF_MODEL")
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        status = client.get(url, follow=True).status_code  # an officer's project list opens on its remembered scope
        wanted = 200 if may_read(user, area) else 403
        if status != wanted:
            failures.append(f"{who}: {url} ({area}) answered {status}, wanted {wanted}")
    assert failures == []


def test_the_admin_app_list_lists_only_what_the_role_may_read(world):
    # The app list (全部功能) is at /admin/apps/ since the workbench took /admin/.
    response = _admin_client(world["users"][Role.INVESTMENT_OFFICER]).get("/admin/apps/")

    listed = {model["object_name"].lower() for app in response.context["app_list"] for model in app["models"]}
    assert "project" in listed
    assert {"servicerequest", "servicerequestmessage", "servicerequestattachment", "approvalstep"} & listed == set()


@pytest.mark.parametrize("who", [Role.ENTERPRISE, ANONYMOUS])
def test_the_admin_lists_are_closed_to_enterprise_users_and_anonymous_visitors(world, who):
    user = world["users"][who]
    client = _admin_client(user) if user else Client()

    response = client.get("/admin/crm/servicerequest/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("who", "status"),
    [(Role.INVESTMENT_OFFICER, 403), (Role.SERVICE_OFFICER, 200), (Role.MANAGER, 200), (Role.ENTERPRISE, 200),
     ("superuser", 200), ("other enterprise", 404)],
)
def test_the_attachment_download_answers_each_role_as_the_table_says(world, who, status):
    user = world["bob"] if who == "other enterprise" else world["users"][who]
    url = reverse("attachment-download", args=[world["own"]["attachments"]])

    assert _admin_client(user).get(url).status_code == status
    assert api_client(user).get(f"/api/v1/attachments/{world['own']['attachments']}/download/").status_code == status


def test_an_investment_officer_reads_no_request_message_or_attachment_anywhere(world):
    qian = world["users"][Role.INVESTMENT_OFFICER]
    request_id, attachment_id = world["own"]["service-requests"], world["own"]["attachments"]
    api, site = api_client(qian), _admin_client(qian)

    answers = [
        api.get("/api/v1/service-requests/").status_code,
        api.get(f"/api/v1/service-requests/{request_id}/").status_code,
        api.get(f"/api/v1/service-requests/{request_id}/messages/").status_code,
        api.get(f"/api/v1/service-requests/{request_id}/attachments/").status_code,
        api.get(f"/api/v1/attachments/{attachment_id}/download/").status_code,
        site.get(f"/admin/crm/servicerequest/{request_id}/change/").status_code,
        site.get("/admin/crm/servicerequestmessage/").status_code,
        site.get("/admin/crm/servicerequestattachment/").status_code,
        site.get(reverse("attachment-download", args=[attachment_id])).status_code,
    ]

    assert answers == [403] * len(answers)


def test_a_service_officer_reads_nothing_of_the_pipeline_anywhere(world):
    zhou = world["users"][Role.SERVICE_OFFICER]
    project_id = world["own"]["projects"]
    api, site = api_client(zhou), _admin_client(zhou)

    answers = [
        api.get("/api/v1/projects/").status_code,
        api.get(f"/api/v1/projects/{project_id}/").status_code,
        api.get(f"/api/v1/projects/{project_id}/follow-ups/").status_code,
        api.get(f"/api/v1/projects/{project_id}/commitments/").status_code,
        api.get("/api/v1/parcels/").status_code,
        site.get("/admin/crm/project/").status_code,
        site.get(f"/admin/crm/project/{project_id}/change/").status_code,
        site.get("/admin/crm/followup/").status_code,
        site.get("/admin/crm/projectmilestone/").status_code,
        site.get("/admin/crm/annualcommitment/").status_code,
        site.get("/admin/parks/landparcel/").status_code,
    ]

    assert answers == [403] * len(answers)


def test_a_superuser_made_by_hand_still_reads_everything():
    root = UserFactory(username="root2", is_staff=True, is_superuser=True)

    assert all(may_read(root, area) for area in Area)


@pytest.mark.parametrize(
    ("who", "status"),
    [(Role.INVESTMENT_OFFICER, 200), (Role.SERVICE_OFFICER, 403), (Role.MANAGER, 200), ("superuser", 200)],
)
def test_the_land_map_answers_each_role_as_the_table_says(world, who, status):
    # The map draws the parcels and the projects they went to: Area.PARCELS, as in the admin and the API.
    assert _admin_client(world["users"][who]).get("/land/").status_code == status


def test_every_model_of_crm_and_parks_has_an_area():
    from django.apps import apps

    missing = [m._meta.label for m in apps.get_models() if m._meta.app_label in ("crm", "parks") and not area_of_model(m)]
    assert missing == []


def test_the_role_groups_hold_no_permission_the_read_table_refuses_and_view_all_it_grants():
    # The admin answers from the table anyway (crm.permission_backend); the groups must not say otherwise.
    from django.contrib.auth.models import Group

    from crm.roles import AREA_OF_MODEL

    disagreements = []
    for role in (*Role.STAFF_ROLES, Role.DEPARTMENT_LIAISON, Role.SERVICE_LEAD):
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        for perm in held:
            app_label, codename = perm.split(".")
            area = area_of_model(f"{app_label}.{codename.partition('_')[2]}")
            if area is None or role not in WHO_READS[area].roles:
                disagreements.append(f"{role} holds {perm} ({area})")
        for label, area in AREA_OF_MODEL.items():
            app_label, model_name = label.split(".")
            ours = app_label in ("crm", "parks") and not model_name.startswith("historical")
            if ours and role in WHO_READS[area].roles and f"{app_label}.view_{model_name}" not in held:
                disagreements.append(f"{role} lacks {app_label}.view_{model_name} ({area})")
    assert disagreements == []
