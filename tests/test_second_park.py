"""Issue 14, “Done when”: a second, made-up park — 青山湖科创园 — built entirely through the admin and the imports,
with no code change, then run: the pipeline, a service request of its own category, a policy match on its own chain,
and its name on the portal and in an e-mail.

The world starts empty but for a superuser and the rows the migrations seed. Everything the park configures is
posted through the admin's own add/change forms (``_page`` reads what the page would post unchanged, the test then
changes what a clerk would type); its data comes in through 数据导入 in the admin (enterprises: upload → preview →
confirm) and ``import_data`` (contacts, parcels, spaces, qualifications, historical projects). Only the people —
an investment officer, a service officer, an enterprise user — are made by the test factories: the park's
configuration and data are what this test is about.
"""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.forms import CheckboxInput
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import uscc

from crm.models import (
    ApprovalStep,
    CategoryFormVersion,
    ChainSegment,
    Contact,
    Enterprise,
    EnterpriseQualification,
    IndustryChain,
    Jurisdiction,
    Notification,
    Project,
    ProjectStageChange,
    QualificationKind,
    ServiceCategory,
    ServiceRequest,
    SiteProfile,
    SourceChannel,
    Stage,
)
from crm.notifications.delivery import notification_deliver
from crm.service_requests.services import service_request_transition
from parks.models import BenefitKind, EligibilityCriterion, LandParcel, ParcelStatus, Park, Policy, PolicyClause, Space
from parks.selectors.policies import project_policy_matches
from tests.api.support import api_client
from tests.factories import enterprise_user, officer, service_officer
from tests.onboarding.support import xlsx

pytestmark = pytest.mark.django_db

PARK = "青山湖科创园"
SIGNATURE = "青山湖科创园管理委员会 · 企业服务中心 0571-63700000"
ENTERPRISES = 2000


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 registered in 临安 (330185): the check digit from python-stdnum."""
    body = f"91330185MA{n:07d}"
    return body + uscc.calc_check_digit(body)


def company(n: int) -> str:
    return f"杭州青山湖第{n}号微纳科技有限公司"


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


# ---- posting the admin's own forms ------------------------------------------------------------------------


def _put(data: dict, form) -> None:
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
            continue
        if value is None:
            value = ""
        data[bound.html_name] = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value)


def _page(client: Client, url: str) -> dict:
    """What the admin page at ``url`` posts when saved unchanged: its form's fields and every inline's stored rows."""
    response = client.get(url)
    assert response.status_code == 200, url
    data: dict = {}
    _put(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _put(data, formset.management_form)
        for form in formset.initial_forms:
            _put(data, form)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms))
    return data


def _add_rows(data: dict, prefix: str, rows: list[dict]) -> dict:
    """New inline rows typed into the empty lines under the stored ones."""
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for i, row in enumerate(rows, start=start):
        for name, value in row.items():
            if value is True:
                data[f"{prefix}-{i}-{name}"] = "on"
            elif value is not False:
                data[f"{prefix}-{i}-{name}"] = str(value)
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
    return data


def _save(client: Client, url: str, data: dict) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, _errors(response)


def _errors(response) -> str:
    context = response.context or {}
    found = [str(context["adminform"].form.errors)] if "adminform" in context else []
    found += [str(inline.formset.errors) + str(inline.formset.non_form_errors())
              for inline in context.get("inline_admin_formsets", [])]
    return " ".join(found) or response.content.decode()[:2000]


def _add(client: Client, model, **typed) -> None:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    _save(client, url, {**_page(client, url), **typed})


def _change(client: Client, obj, **typed) -> None:
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    _save(client, url, {**_page(client, url), **typed})


# ---- 1. the park's configuration, through the admin ----------------------------------------------------------


def configure_the_park(client: Client) -> None:
    _change(client, SiteProfile.objects.get(), name=PARK, short_name="青山湖", organization="青山湖科创园管理委员会",
            signature=SIGNATURE)

    _add(client, IndustryChain, code="micro_nano", name="微纳智造", order="5", is_active="on")
    _add(client, IndustryChain, code="low_carbon", name="低碳能源", order="6", is_active="on")
    _add(client, ChainSegment, chain=str(IndustryChain.objects.get(code="micro_nano").pk), code="mems",
         name="MEMS 传感器", order="1", is_active="on")
    _add(client, Jurisdiction, code="qingshanhu", name="青山湖街道", order="1", is_active="on")
    _add(client, Jurisdiction, code="jinbei", name="锦北街道", order="2", is_active="on")
    _add(client, QualificationKind, code="qsh_gazelle", name="青山湖瞪羚企业", order="1", is_active="on")
    _add(client, SourceChannel, code="enclave", name="科创飞地", order="1", is_active="on")
    _add(client, BenefitKind, code="pilot_subsidy", name="中试平台补助", order="1", is_active="on")
    sandun = Jurisdiction.objects.get(code="sandun")  # the first park's town: retired here, kept as a row
    data = _page(client, reverse("admin:crm_jurisdiction_change", args=[sandun.pk]))
    data.pop("is_active", None)
    _save(client, reverse("admin:crm_jurisdiction_change", args=[sandun.pk]), data)

    _add(client, Park, name=PARK, short_name="青山湖", kind=Park.Kind.SCIENCE_CITY, planned_area_km2="11.50",
         target_enterprises="2500")

    _add(client, ServiceCategory, code="pilot_line", name="中试线入驻申请", sla_unit="working_days", sla_value="5",
         is_active="on", sort_order="1")
    category = ServiceCategory.objects.get(code="pilot_line")
    url = reverse("admin:crm_servicecategory_change", args=[category.pk])
    data = _page(client, url)
    _add_rows(data, "form_fields", [
        {"order": 10, "key": "product_name", "label": "中试产品名称", "kind": "text", "required": True},
        {"order": 20, "key": "batch_size", "label": "计划批量（件）", "kind": "number", "required": True,
         "min_value": 1, "max_value": 100000},
        {"order": 30, "key": "trial_start", "label": "计划开始日期", "kind": "date", "required": True},
        {"order": 40, "key": "line_type", "label": "产线类型", "kind": "choice", "required": True,
         "options": "微纳加工\n封装测试"},
        {"order": 50, "key": "engineer_passport", "label": "外籍工程师护照号", "kind": "passport", "required": False},
    ])
    _add_rows(data, "step_templates", [
        {"sequence": 1, "name": "材料初审", "authority": "企业服务中心", "offset_value": 8, "offset_unit": "hours"},
        {"sequence": 2, "name": "现场踏勘", "authority": "青山湖街道", "offset_value": 3,
         "offset_unit": "working_days"},
    ])
    _save(client, url, data)


def check_the_configuration(client: Client) -> None:
    assert SiteProfile.objects.get().name == PARK
    assert IndustryChain.objects.get(code="micro_nano").segments.get().name == "MEMS 传感器"
    assert list(Jurisdiction.objects.filter(is_active=True).values_list("name", flat=True)) == [
        "青山湖街道", "锦北街道", "蒋村街道", "其他",
    ]
    page = client.get(reverse("admin:crm_enterprise_add")).content.decode()
    assert 'value="qingshanhu"' in page and 'value="sandun"' not in page  # retired: not offered to a new record
    assert 'value="micro_nano"' in page
    version = CategoryFormVersion.objects.get(category__code="pilot_line")
    assert [(f["key"], f["kind"]) for f in version.fields] == [
        ("product_name", "text"), ("batch_size", "number"), ("trial_start", "date"), ("line_type", "choice"),
        ("engineer_passport", "passport"),
    ]
    assert list(ServiceCategory.objects.get(code="pilot_line").step_templates.values_list(
        "name", "offset_value", "offset_unit")) == [("材料初审", 8, "hours"), ("现场踏勘", 3, "working_days")]


# ---- 2. the park's data, through the imports ---------------------------------------------------------------


def import_enterprises_in_the_admin(client: Client, tmp_path) -> None:
    headers = ["企业名称", "统一社会信用代码", "简称", "产业链", "注册资本（万元）", "属地", "所在园区", "员工人数"]
    rows = [
        [company(n), credit_code(n), f"青山湖{n}号", "微纳智造" if n % 2 else "low_carbon", 100 + n,
         "青山湖街道" if n % 3 else "锦北街道", "青山湖", 10 + n % 90]
        for n in range(1, ENTERPRISES + 1)
    ]
    upload = io.BytesIO(xlsx(tmp_path / "企业.xlsx", headers, rows).read_bytes())
    upload.name = "青山湖企业.xlsx"

    preview = client.post(reverse("onboarding:index"), {"kind": "enterprises", "file": upload})

    page = preview.content.decode()
    assert f"共 {ENTERPRISES} 行：新建 {ENTERPRISES} 行，更新 0 行，有误 0 行。" in page
    assert "<th>统一社会信用代码</th>" in page and company(1) in page
    assert Enterprise.objects.count() == 0  # the preview writes nothing
    done = client.post(reverse("onboarding:confirm"), {"token": preview.context["token"]}, follow=True)
    assert f"已导入企业：新建 {ENTERPRISES} 条，更新 0 条。" in done.content.decode()


def import_the_rest_from_the_command_line(tmp_path, lead_officer) -> None:
    def run(kind, headers, rows):
        path = xlsx(tmp_path / f"{kind}.xlsx", headers, rows)
        out = io.StringIO()
        call_command("import_data", kind, str(path), stdout=out, stderr=io.StringIO())
        return out.getvalue()

    refused = xlsx(tmp_path / "三墩.xlsx", ["企业名称", "统一社会信用代码", "属地"],
                   [["杭州三墩旧址科技有限公司", credit_code(9999), "三墩镇"]])
    errors = io.StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("import_data", "enterprises", str(refused), stdout=io.StringIO(), stderr=errors)
    assert exit_code.value.code == 1
    assert errors.getvalue().splitlines() == [  # the retired town is no longer offered to new records
        "第 2 行「属地」：无法识别“三墩镇”，可填：青山湖街道、锦北街道、蒋村街道、其他。",
        "共 1 行，1 行有误：未写入任何数据。",
    ]
    assert not Enterprise.objects.filter(credit_code=credit_code(9999)).exists()

    out = run("contacts", ["企业统一社会信用代码", "姓名", "职务", "电话", "主要联系人"],
              [[credit_code(n), f"联系人{n}", "总经理", f"1380000{n:04d}", "是"] for n in range(1, 201)])
    assert "新建 200 行" in out
    out = run("parcels", ["地块编号", "地块名称", "园区", "用地性质", "面积（m²）", "状态", "轮廓（GeoJSON 或角点坐标）"],
              [[f"QSH-2026-{n:02d}", f"青山湖 {n:02d} 号地块", PARK, "M1", 20000 + 100 * n, "可供地",
                f"119.80{n:02d},30.24; 119.81{n:02d},30.24; 119.81{n:02d},30.25"] for n in range(1, 51)])
    assert "新建 50 行" in out
    out = run("spaces", ["园区", "楼宇", "单元", "面积（m²）", "租金（元/m²·天）", "状态", "入驻企业统一社会信用代码"],
              [["青山湖", "青山湖科创大厦 A 座", f"{n}01", 500, 1.2, "已入驻" if n <= 10 else "空置",
                credit_code(n) if n <= 10 else ""] for n in range(1, 21)])
    assert "新建 20 行" in out
    out = run("qualifications", ["企业统一社会信用代码", "资质", "认定日期", "有效期至"],
              [[credit_code(n), "青山湖瞪羚企业", "2025-06-01", "2028-05-31"] for n in range(1, 101)])
    assert "新建 100 行" in out
    stage_headers = [f"{Stage(stage).label}日期" for stage in (Stage.LEAD, Stage.CONTACTED, Stage.NEGOTIATING)]
    out = run("projects", ["项目名称", "企业统一社会信用代码", "负责人", "产业链", "细分赛道", "来源渠道", "总投资（万元）",
                           *stage_headers],
              [[f"微纳传感中试项目{n}", credit_code(n), lead_officer.display_name, "微纳智造", "MEMS", "科创飞地",
                5000 + n, "2025-03-01", "2025-04-01", "2025-06-01" if n <= 5 else ""] for n in range(1, 11)])
    assert "新建 10 行" in out


def check_the_imported_data() -> None:
    park = Park.objects.get(name=PARK)
    assert Enterprise.objects.count() == ENTERPRISES
    assert Enterprise.objects.filter(park=park, industry_chain="micro_nano").count() == ENTERPRISES // 2
    first = Enterprise.objects.get(credit_code=credit_code(1))
    assert (first.name, first.get_industry_chain_display(), first.get_jurisdiction_display()) == (
        company(1), "微纳智造", "青山湖街道")
    assert Contact.objects.count() == 200
    assert LandParcel.objects.filter(park=park, status=ParcelStatus.AVAILABLE).count() == 50
    assert Space.objects.filter(park=park, occupant__isnull=False).count() == 10
    assert EnterpriseQualification.objects.filter(kind="qsh_gazelle").count() == 100
    assert str(EnterpriseQualification.objects.filter(enterprise=first).get()) == "青山湖瞪羚企业"
    assert Project.objects.filter(industry_chain="micro_nano", source_channel="enclave").count() == 10
    assert Project.objects.filter(stage=Stage.NEGOTIATING).count() == 5
    project = Project.objects.get(name="微纳传感中试项目1")
    history = ProjectStageChange.objects.filter(project=project).order_by("changed_at")
    # Created by whoever imported the file, on the lead date; moved by its owner on each stage's date.
    assert [(c.to_stage, timezone.localtime(c.changed_at).date(), c.actor.username) for c in history] == [
        ("lead", dt.date(2025, 3, 1), "root"), ("contacted", dt.date(2025, 4, 1), "xu"),
        ("negotiating", dt.date(2025, 6, 1), "xu"),
    ]


# ---- 3. the product, running on it ----------------------------------------------------------------------------


def run_the_pipeline(lead_officer) -> Project:
    project = Project.objects.get(name="微纳传感中试项目1")
    client = Client()
    client.force_login(lead_officer)

    response = client.post(reverse("admin:crm_project_change_stage", args=[project.pk]),
                           {"to": Stage.SIGNED, "note": "签约仪式在青山湖科创园举行"})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["项目已转到“签约”。"]
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED
    assert ProjectStageChange.objects.filter(project=project).latest("id").note == "签约仪式在青山湖科创园举行"
    return project


def submit_and_accept_a_request(desk) -> ServiceRequest:
    enterprise = Enterprise.objects.get(credit_code=credit_code(2))
    person = enterprise_user(enterprise, username="lin", display_name="林工")
    details = {"product_name": "MEMS 压力传感器", "batch_size": 500, "trial_start": "2026-12-21",
               "line_type": "封装测试", "engineer_passport": "e 1234 5678"}
    with time_machine.travel(at(2026, 12, 14, 9), tick=False):  # a Monday
        bad = api_client(person).post("/api/v1/service-requests/", {
            "category": "pilot_line", "title": "中试线入驻", "details": {**details, "line_type": "光刻", "batch_size": 0},
        }, format="json")
        assert bad.status_code == 400
        assert sorted(bad.json()["details"]) == ["batch_size", "line_type"]
        assert not ServiceRequest.objects.exists()

        created = api_client(person).post("/api/v1/service-requests/", {
            "category": "pilot_line", "title": "中试线入驻", "details": details,
        }, format="json")

    assert created.status_code == 201, created.content
    request = ServiceRequest.objects.get()
    assert (request.enterprise, request.form_version.number) == (enterprise, 1)
    assert request.details["line_type"] == "封装测试" and "E12345678" not in str(request.details)
    assert timezone.localtime(request.due_at) == at(2026, 12, 22)  # five working days after Monday 14th

    service_request_transition(service_request=request, action="accept", actor=desk, at=at(2026, 12, 14, 10))

    steps = ApprovalStep.objects.filter(request=request).order_by("sequence")
    assert [(s.name, s.authority, timezone.localtime(s.due_at)) for s in steps] == [
        ("材料初审", "企业服务中心", at(2026, 12, 14, 18)),  # 8 hours after the acceptance
        ("现场踏勘", "青山湖街道", at(2026, 12, 18)),  # three working days: the end of Thursday 17th
    ]
    return request


def match_a_policy(client: Client, project: Project) -> None:
    _add(client, Policy, name="青山湖科创园微纳智造产业扶持办法", short_name="微纳十条", issuer="青山湖科创园管理委员会",
         is_published="on")
    policy = Policy.objects.get(short_name="微纳十条")
    url = reverse("admin:parks_policy_change", args=[policy.pk])
    _save(client, url, _add_rows(_page(client, url), "clauses", [
        {"number": 1, "title": "中试平台补助", "benefit_kind": "pilot_subsidy", "amount_cap": 200},
    ]))
    clause = PolicyClause.objects.get(policy=policy)
    url = reverse("admin:parks_policyclause_change", args=[clause.pk])
    _save(client, url, _add_rows(_page(client, url), "criteria", [
        {"kind": EligibilityCriterion.Kind.INDUSTRY_CHAIN, "choice": "micro_nano"},
    ]))

    (match,) = project_policy_matches(project=project)
    assert (match.verdict, [c.reason for c in match.criteria]) == ("eligible", ["产业链“微纳智造”符合要求"])
    panel = client.get(reverse("admin:crm_project_change", args=[project.pk])).content.decode()
    assert "中试平台补助" in panel and "产业链“微纳智造”符合要求" in panel  # the project page's policy panel
    other = Project.objects.get(name="微纳传感中试项目2")
    Project.objects.filter(pk=other.pk).update(industry_chain="low_carbon")
    (miss,) = project_policy_matches(project=other)
    assert (miss.verdict, [c.reason for c in miss.criteria]) == (
        "not_eligible", ["产业链“低碳能源”，要求“微纳智造”"])


def the_park_is_named(desk, request: ServiceRequest) -> None:
    portal = Client().get(reverse("portal:login")).content.decode()
    assert f"{PARK}企业服务" in portal and "紫金港" not in portal
    enterprise_side = Client()
    enterprise_side.force_login(request.submitted_by)
    page = enterprise_side.get(reverse("portal:request-detail", args=[request.pk])).content.decode()
    assert PARK in page and "紫金港" not in page
    assert "中试产品名称" in page and "MEMS 压力传感器" in page and "封装测试" in page  # the designed form's labels
    assert "E12345678" not in page and "E1*****78" in page  # the passport field is shown masked

    (submitted,) = Notification.objects.filter(recipient=desk, channel="email", key__endswith=":submitted")
    notification_deliver(notification_id=submitted.pk)
    (message,) = mail.outbox
    assert message.to == [desk.email]
    assert "中试线入驻" in message.subject
    assert message.body.endswith(f"\n-- \n{SIGNATURE}")
    assert "紫金港" not in message.body


def test_a_second_park_is_built_through_the_admin_and_the_imports_and_runs(root, tmp_path):
    admin = Client()
    admin.force_login(root)
    lead_officer = officer(username="xu", display_name="徐青", email="xu@qsh.example.cn")
    desk = service_officer(username="shen", display_name="沈悦", email="shen@qsh.example.cn")

    configure_the_park(admin)
    check_the_configuration(admin)

    import_enterprises_in_the_admin(admin, tmp_path)
    import_the_rest_from_the_command_line(tmp_path, lead_officer)
    check_the_imported_data()

    project = run_the_pipeline(lead_officer)
    request = submit_and_accept_a_request(desk)
    match_a_policy(admin, project)
    the_park_is_named(desk, request)
