"""The staff admin of the parks: constant-query lists, read-only parcel status, autocomplete search."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.errors import DomainError
from crm.models import (
    AnnualCommitment,
    CapitalArrival,
    Milestone,
    Project,
    ProjectMilestone,
    ServiceRequestAttachment,
    Stage,
)
from crm.pipeline.commitments import (
    annual_commitment_review,
    annual_commitment_set,
    capital_arrival_record,
    milestone_plan,
    milestone_record_actual,
)
from crm.pipeline.lights import project_commitments
from parks.forms import EligibilityCriterionForm
from parks.models import (
    BenefitKind,
    EligibilityCriterion,
    LandParcel,
    ParcelStatus,
    Park,
    Policy,
    PolicyApplication,
    PolicyClause,
    PolicyGrant,
    Space,
    SuppliedFact,
)
from parks.services.grants import policy_grant_record
from parks.services.parcels import parcel_change_status
from tests.factories import (
    EnterpriseFactory,
    LandParcelFactory,
    ParkFactory,
    PolicyClauseFactory,
    PolicyFactory,
    ProjectFactory,
    UserFactory,
    criterion,
    enterprise_user,
    manager,
    officer,
    project_at,
    service_officer,
    service_request,
)

pytestmark = pytest.mark.django_db


def _one(model, i):
    """Create one row of ``model`` with its own related rows, so a per-row query would show up."""
    if model is Park:
        return ParkFactory(parent=ParkFactory(name=f"上级园区{i}"))
    if model is LandParcel:
        return LandParcelFactory(park=ParkFactory())
    if model is Space:
        return Space.objects.create(
            park=ParkFactory(), building=f"{i}号楼", unit="101", area_m2=Decimal("1300"), status=Space.Status.OCCUPIED,
            occupant=EnterpriseFactory(), rent_free_months=36,
        )
    if model is Policy:
        return PolicyFactory(park=ParkFactory())
    if model is PolicyClause:
        return PolicyClauseFactory()
    if model is EligibilityCriterion:
        return EligibilityCriterion.objects.create(
            clause=PolicyClauseFactory(), kind=EligibilityCriterion.Kind.IN_PARK, park=ParkFactory()
        )
    if model is PolicyGrant:
        project = ProjectFactory()
        return PolicyGrant.objects.create(
            clause=PolicyClauseFactory(), enterprise=project.enterprise, project=project, applied_amount=100,
            applied_on=dt.date(2025, 3, 1) + dt.timedelta(days=i),
        )
    if model is BenefitKind:
        return BenefitKind.objects.create(code=f"benefit{i}", name=f"支持方式{i}", order=100 + i)
    if model.__name__ == "MuMethod":  # 亩均评价办法: one active row (seeded), the others kept inactive
        return model.objects.create(name=f"亩均评价办法{i}", is_active=False)
    if model in (PolicyApplication, SuppliedFact):
        enterprise = EnterpriseFactory()
        request = service_request(enterprise=enterprise, submitted_by=enterprise_user(enterprise, username=f"applicant{i}"))
        application = PolicyApplication.objects.create(
            clause=PolicyClauseFactory(), enterprise=request.enterprise, service_request=request, applied_amount=1,
            submitted_by=request.submitted_by, submitted_at=request.submitted_at,
        )
        if model is PolicyApplication:
            return application
        evidence = ServiceRequestAttachment.objects.create(
            request=request, file=f"attachments/{i}", original_name="社保名单.pdf", content_type="application/pdf",
            size=1, uploaded_by=request.submitted_by,
        )
        return SuppliedFact.objects.create(enterprise=request.enterprise, application=application, kind="headcount",
                                           value=10 + i, evidence=evidence, submitted_by=request.submitted_by)
    if model.__name__ == "GrantInstalment":  # 分期兑现: an approved grant's instalment, its grant and enterprise its own
        project = ProjectFactory()
        grant = PolicyGrant.objects.create(
            clause=PolicyClauseFactory(), enterprise=project.enterprise, project=project, applied_amount=100,
            approved_amount=100, status=PolicyGrant.Status.APPROVED, applied_on=dt.date(2025, 3, 1),
            approved_on=dt.date(2025, 3, 2),
        )
        return model.objects.create(grant=grant, sequence=1, amount=100, commitment_year=2025)
    raise AssertionError(f"no row builder for {model.__name__}")


PARKS_ADMINS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "parks"), key=lambda m: m._meta.model_name
)


def _changelist_rows(client, model) -> int:
    response = client.get(reverse(f"admin:parks_{model._meta.model_name}_changelist"))
    assert response.status_code == 200
    return response.context["cl"].result_count


@pytest.mark.parametrize("model", PARKS_ADMINS, ids=lambda m: m._meta.model_name)
def test_every_parks_list_runs_the_same_number_of_queries_for_2_and_25_rows(client, model, django_assert_num_queries):
    """A list whose query count grows with its rows has an N+1: explain any change to the counts."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    for i in range(2):
        _one(model, i)
    client.get(reverse(f"admin:parks_{model._meta.model_name}_changelist"))  # warm per-process caches
    with CaptureQueriesContext(connection) as small:  # measured, then pinned for the larger list below
        small_rows = _changelist_rows(client, model)
    for i in range(2, 25):
        _one(model, i)
    with django_assert_num_queries(len(small), info=f"{model.__name__}: {len(small)} queries for {small_rows} rows"):
        large_rows = _changelist_rows(client, model)
    assert large_rows - small_rows == (46 if model is Park else 23)  # each park row brings its parent park


def test_parcel_status_and_project_are_read_only_in_the_admin(client):
    parcel = LandParcelFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    response = client.get(reverse("admin:parks_landparcel_change", args=[parcel.pk]))
    form = response.context["adminform"].form
    assert {"status", "project", "transferred_on"}.isdisjoint(form.fields)
    assert "status" in response.context["adminform"].readonly_fields


def test_parcel_list_filters_by_status_and_searches_by_code(client):
    LandParcelFactory(code="XH2024-901", name="云谷一号地块")
    LandParcelFactory(code="XH2024-902")
    client.force_login(officer())
    url = reverse("admin:parks_landparcel_changelist")
    assert [p.code for p in client.get(url, {"q": "901"}).context["cl"].result_list] == ["XH2024-901"]
    assert client.get(url, {"status__exact": ParcelStatus.AVAILABLE}).context["cl"].result_count == 0
    assert client.get(url, {"status__exact": ParcelStatus.PLANNED}).context["cl"].result_count == 2


def test_park_autocomplete_finds_parks_by_short_name_for_officers(client):
    ParkFactory(name="浙江省信创和商密产业园", short_name="信创园")
    ParkFactory(name="中国云谷先导区")
    client.force_login(officer())
    response = client.get(
        reverse("admin:autocomplete"), {"app_label": "crm", "model_name": "project", "field_name": "park", "term": "信创"}
    )
    assert [r["text"] for r in response.json()["results"]] == ["信创园"]


def test_policy_page_lists_its_clauses_inline(client):
    clause = PolicyClauseFactory(title="研发投入补助")
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    response = client.get(reverse("admin:parks_policy_change", args=[clause.policy.pk]))
    inline = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is PolicyClause)
    assert [form.instance.title for form in inline.formset.forms if form.instance.pk] == ["研发投入补助"]


# ---- eligibility criteria edited without typing codes ------------------------------------------------

K = EligibilityCriterion.Kind


def _criterion_form(clause, **data):
    return EligibilityCriterionForm(data={"kind": "", "choice": "", "number": "", "park": "", **data},
                                    instance=EligibilityCriterion(clause=clause))


def test_the_option_of_a_criterion_is_picked_from_groups_of_chains_qualifications_stages_and_mu_classes():
    form = _criterion_form(PolicyClauseFactory())

    groups = {label: [code for code, _ in options] for label, options in form.fields["choice"].choices[1:]}
    assert list(groups) == ["产业链", "企业资质", "项目至少达到阶段", "亩均评价类别属于"]
    assert groups["亩均评价类别属于"] == ["A", "B", "C", "D"]  # one class per row: several rows are alternatives
    assert "xinchuang" in groups["产业链"] and "other" not in groups["产业链"]
    assert groups["企业资质"] == ["little_giant", "provincial_srdi", "high_tech", "listed", "tech_sme", "first_of_kind"]
    assert groups["项目至少达到阶段"] == ["lead", "contacted", "negotiating", "signed", "registered", "construction",
                                         "production"]


@pytest.mark.parametrize(("data", "errors"), [
    ({"kind": K.MIN_FIXED_ASSET}, {"number": ["“最低固定资产投资（万元）”必须填写数值。"]}),
    ({"kind": K.MIN_HEADCOUNT, "number": "-1"}, {"number": ["数值不能为负数。"]}),
    ({"kind": K.IN_PARK}, {"park": ["“注册在指定园区”必须选择园区。"]}),
    ({"kind": K.INDUSTRY_CHAIN}, {"choice": ["“产业链”必须选择一个选项。"]}),
    ({"kind": K.QUALIFICATION, "choice": "xinchuang"}, {"choice": [
        "“xinchuang”不是“企业资质”的有效选项，可选：国家级专精特新“小巨人”、省专精特新、高新技术企业、上市企业、"
        "科技型中小企业、首台（套）装备认定。"
    ]}),
    ({"kind": K.MIN_STAGE, "choice": "little_giant"}, {"choice": [
        "“little_giant”不是“项目至少达到阶段”的有效选项，可选：线索、初步接洽、深度洽谈、签约、注册落地、开工、投产。"
    ]}),
])
def test_a_criterion_missing_what_its_kind_needs_is_refused_in_words(data, errors):
    form = _criterion_form(PolicyClauseFactory(), **data)

    assert not form.is_valid()
    assert form.errors == errors
    assert EligibilityCriterion.objects.count() == 0


def test_fields_a_kind_does_not_use_are_cleared_rather_than_refused():
    park = ParkFactory()
    form = _criterion_form(PolicyClauseFactory(), kind=K.MIN_INVESTMENT, number="5000", choice="xinchuang", park=park.pk)

    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.number, saved.choice, saved.park) == (Decimal("5000"), "", None)
    assert str(saved) == "最低总投资（万元）：≥ 5,000"


def test_the_database_refuses_a_criterion_without_what_its_kind_needs():
    clause = PolicyClauseFactory()
    for fields in ({"kind": K.MIN_INVESTMENT}, {"kind": K.IN_PARK}, {"kind": K.INDUSTRY_CHAIN},
                   {"kind": K.INDUSTRY_CHAIN, "choice": "ai", "number": 1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            EligibilityCriterion.objects.create(clause=clause, **fields)
    assert EligibilityCriterion.objects.count() == 0


def test_an_admin_adds_criteria_to_a_clause_on_its_page(client):
    clause = PolicyClauseFactory(title="载体免租")
    park = ParkFactory(name="浙江省信创和商密产业园", short_name="信创园")
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    url = reverse("admin:parks_policyclause_change", args=[clause.pk])
    form = client.get(url).context["adminform"].form
    data = {
        **{name: form[name].value() or "" for name in form.fields},
        "criteria-TOTAL_FORMS": "2", "criteria-INITIAL_FORMS": "0", "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-kind": K.INDUSTRY_CHAIN, "criteria-0-choice": "xinchuang", "criteria-0-number": "",
        "criteria-0-park": "",
        "criteria-1-kind": K.IN_PARK, "criteria-1-choice": "", "criteria-1-number": "", "criteria-1-park": str(park.pk),
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert sorted(str(c) for c in clause.criteria.all()) == ["产业链：信创与商用密码", "注册在指定园区：信创园"]


def test_the_clause_page_refuses_a_minimum_without_a_number_and_saves_nothing(client):
    clause = PolicyClauseFactory(title="固定资产投资奖励")
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    url = reverse("admin:parks_policyclause_change", args=[clause.pk])
    form = client.get(url).context["adminform"].form
    data = {
        **{name: form[name].value() or "" for name in form.fields},
        "criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "0", "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-kind": K.MIN_FIXED_ASSET, "criteria-0-choice": "", "criteria-0-number": "", "criteria-0-park": "",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [
        {"number": ["“最低固定资产投资（万元）”必须填写数值。"]}
    ]
    assert clause.criteria.count() == 0


# ---- parcel moves and grant decisions from their pages -------------------------------------------------


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_officer_reserves_a_parcel_for_a_project_from_its_page(client):
    me = officer(username="qian")
    parcel = parcel_change_status(parcel=LandParcelFactory(code="ZJG-XK-RD-05"), to=ParcelStatus.AVAILABLE, actor=me)
    project = ProjectFactory(name="科聪控制机器人研发总部项目")
    client.force_login(me)

    page = client.get(reverse("admin:parks_landparcel_change", args=[parcel.pk]))
    assert [c for c, _ in page.context["move_form"].fields["to"].widget.choices] == ["planned", "reserved", "listed"]
    response = client.post(reverse("admin:parks_landparcel_move", args=[parcel.pk]),
                           {"to": "reserved", "project": project.pk, "note": "意向用地"}, follow=True)

    assert _messages(response) == ["地块 ZJG-XK-RD-05 已转为“已预留”。"]
    parcel.refresh_from_db()
    assert (parcel.status, parcel.project) == (ParcelStatus.RESERVED, project)


def test_an_illegal_move_from_the_parcel_page_shows_the_reason_and_changes_nothing(client):
    me = officer(username="qian")
    parcel = LandParcelFactory(code="ZJG-XK-M1-12")
    client.force_login(me)

    response = client.post(reverse("admin:parks_landparcel_move", args=[parcel.pk]), {"to": "delivered"}, follow=True)

    assert _messages(response) == ["地块 ZJG-XK-M1-12 当前“规划中”，不能转为“已交付”。可转为：可供地。"]
    assert LandParcel.objects.get(pk=parcel.pk).status == ParcelStatus.PLANNED


def test_a_manager_cannot_move_a_parcel(client):
    parcel = LandParcelFactory()
    client.force_login(manager())

    response = client.post(reverse("admin:parks_landparcel_move", args=[parcel.pk]), {"to": "available"})

    assert response.status_code == 403
    assert LandParcel.objects.get(pk=parcel.pk).status == ParcelStatus.PLANNED


def test_a_parcels_history_cannot_be_reverted_past_the_services(client):
    me = UserFactory(is_staff=True, is_superuser=True, username="root")
    parcel = LandParcelFactory()
    old = parcel.history.get()
    parcel_change_status(parcel=parcel, to=ParcelStatus.AVAILABLE, actor=me)
    client.force_login(me)

    response = client.post(
        reverse("admin:parks_landparcel_simple_history", args=[parcel.pk, old.history_id]), {"code": parcel.code}
    )

    assert response.status_code == 403
    assert LandParcel.objects.get(pk=parcel.pk).status == ParcelStatus.AVAILABLE


def test_a_service_officer_approves_a_grant_above_the_cap_and_is_told_why(client):
    zhou = service_officer(username="zhou")
    clause = PolicyClauseFactory(title="首台（套）奖励", amount_cap=Decimal("300"))
    grant = policy_grant_record(clause=clause, enterprise=EnterpriseFactory(), applied_amount=Decimal("500"),
                                applied_on=dt.date(2025, 10, 10), actor=zhou)
    client.force_login(zhou)

    response = client.post(reverse("admin:parks_policygrant_decide", args=[grant.pk]),
                           {"action": "approve", "amount": "400", "on": "2025-11-15"}, follow=True)

    assert _messages(response) == ["核准金额 400 万元 超过条款“首台（套）奖励”的最高金额 300 万元。"]
    assert PolicyGrant.objects.get(pk=grant.pk).status == PolicyGrant.Status.APPLIED

    response = client.post(reverse("admin:parks_policygrant_decide", args=[grant.pk]),
                           {"action": "approve", "amount": "300", "on": "2025-11-15"}, follow=True)
    assert _messages(response) == ["已保存：已核准。"]
    assert PolicyGrant.objects.get(pk=grant.pk).approved_amount == Decimal("300")


def test_recording_a_grant_in_the_admin_goes_through_the_service_checks(client):
    zhou = service_officer(username="zhou")
    clause = PolicyClauseFactory(policy=PolicyFactory(valid_from=dt.date(2024, 4, 15)))
    enterprise = EnterpriseFactory()
    client.force_login(zhou)
    url = reverse("admin:parks_policygrant_add")

    refused = client.post(url, {"clause": clause.pk, "enterprise": enterprise.pk, "applied_amount": "100",
                                "applied_on": "2024-01-05"})
    assert refused.context["adminform"].form.errors == {
        "applied_on": ["申请日期 2024-01-05 不在政策有效期（2024-04-15 至 —）内。"]
    }
    assert PolicyGrant.objects.count() == 0

    client.post(url, {"clause": clause.pk, "enterprise": enterprise.pk, "applied_amount": "100", "applied_on": "2025-01-05"})
    grant = PolicyGrant.objects.get()
    assert (grant.status, grant.history.get().history_user) == (PolicyGrant.Status.APPLIED, zhou)


# ---- the project and enterprise pages: commitments, matches, candidates --------------------------------


def test_the_project_page_shows_commitments_matches_and_candidate_parcels(client):
    project = project_at(Stage.SIGNED, name="羲和光电显示模组产线项目", total_investment=Decimal("20000"),
                         fixed_asset_investment=Decimal("8000"), land_need_m2=Decimal("20000"), land_use_need="M1")
    ProjectMilestone.objects.create(project=project, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2020, 1, 1))
    clause = PolicyClauseFactory(title="固定资产投资奖励")
    criterion(clause, K.MIN_FIXED_ASSET, number=Decimal("10000"))
    parcel_change_status(parcel=LandParcelFactory(code="ZJG-XK-M1-08"), to=ParcelStatus.AVAILABLE, actor=project.owner)
    client.force_login(project.owner)

    html = client.get(reverse("admin:crm_project_change", args=[project.pk])).content.decode()

    assert "已逾期" in html and "计划 2020-01-01" in html
    assert "固定资产投资 8,000 万元 &lt; 要求 10,000 万元" in html
    assert "ZJG-XK-M1-08" in html and "与需求相同" in html


def test_the_enterprise_page_shows_the_policies_it_may_apply_for(client):
    enterprise = EnterpriseFactory(industry_chain="xinchuang")
    criterion(PolicyClauseFactory(title="研发投入补助"), K.INDUSTRY_CHAIN, choice="xinchuang")
    client.force_login(officer())

    html = client.get(reverse("admin:crm_enterprise_change", args=[enterprise.pk])).content.decode()

    assert "研发投入补助" in html and "产业链“信创与商用密码”符合要求" in html


def test_the_project_list_shows_four_milestone_lights_and_filters_the_red_ones(client):
    late = project_at(Stage.SIGNED, name="逾期项目")
    ProjectMilestone.objects.create(project=late, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2020, 1, 1))
    on_time = project_at(Stage.SIGNED, name="按期项目")
    ProjectMilestone.objects.create(project=on_time, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2099, 1, 1))
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    url = reverse("admin:crm_project_changelist")

    html = client.get(url).content.decode()
    assert html.count('class="zj-light zj-light--red"') == 1
    assert html.count('class="zj-light zj-light--none"') == 6  # the other three of each project are not planned
    assert [p.name for p in client.get(url, {"milestones": "red"}).context["cl"].result_list] == ["逾期项目"]


def test_milestones_of_an_unsigned_project_are_refused_in_the_inline(client):
    project = project_at(Stage.NEGOTIATING)
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    url = reverse("admin:crm_project_change", args=[project.pk])
    page = client.get(url)
    data = {}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({f"{management.prefix}-{k}": v for k, v in management.initial.items()})
    form = page.context["adminform"].form
    data.update({name: form[name].value() or "" for name in form.fields})
    data["co_officers"] = []
    data.update({"milestones-TOTAL_FORMS": "1", "milestones-0-kind": "land_delivery",
                 "milestones-0-planned_on": "2027-01-10", "milestones-0-actual_on": ""})
    data["follow_ups-TOTAL_FORMS"] = "0"

    response = client.post(url, data)

    assert response.status_code == 200
    milestones = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is ProjectMilestone)
    assert milestones.formset.non_form_errors() == [f"项目“{project.name}”当前“深度洽谈”，签约后才能登记落地承诺。"]
    assert ProjectMilestone.objects.count() == 0


# ---- landing commitments in the admin: the commitment services' rules and words, as in the API ----------

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def _field_value(value):
    return "" if value is None else value


def _project_page(client, project):
    """The project change form as its page shows it: the main form and every inline's existing rows."""
    page = client.get(reverse("admin:crm_project_change", args=[project.pk]))
    form = page.context["adminform"].form
    data = {name: _field_value(form[name].value()) for name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        shown = formset.initial_form_count()
        data.update({f"{formset.prefix}-TOTAL_FORMS": shown, f"{formset.prefix}-INITIAL_FORMS": shown,
                     f"{formset.prefix}-MIN_NUM_FORMS": 0, f"{formset.prefix}-MAX_NUM_FORMS": 1000})
        for row in formset.forms[:shown]:
            data.update({row.add_prefix(name): _field_value(row[name].value()) for name in row.fields
                         if name != "DELETE"})
    return data


def _add_rows(data, prefix, *rows):
    shown = int(data[f"{prefix}-TOTAL_FORMS"])
    for i, row in enumerate(rows, start=shown):
        data.update({f"{prefix}-{i}-{name}": value for name, value in row.items()})
    data[f"{prefix}-TOTAL_FORMS"] = shown + len(rows)
    return data


def _inline(response, prefix):
    return next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == prefix)


def _milestones(project):
    return list(project.milestones.order_by("planned_on").values_list("kind", "planned_on", "actual_on"))


def test_the_milestone_page_refuses_a_future_actual_date_with_the_apis_words_and_changes_nothing(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    milestone = milestone_plan(project=project, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2027, 1, 10), actor=qian)
    client.force_login(qian)

    response = client.post(reverse("admin:crm_projectmilestone_change", args=[milestone.pk]),
                           {"project": project.pk, "kind": "land_delivery", "planned_on": "2027-01-10",
                            "actual_on": TOMORROW})

    assert response.context["adminform"].form.errors == {"actual_on": ["实际日期不能为空，也不能晚于今天。"]}
    assert _milestones(project) == [(Milestone.LAND_DELIVERY, dt.date(2027, 1, 10), None)]


def test_a_future_actual_date_on_the_project_page_is_refused_with_the_apis_words(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    milestone_plan(project=project, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2027, 1, 10), actor=qian)
    client.force_login(qian)
    data = _project_page(client, project)
    data["milestones-0-actual_on"] = TOMORROW

    response = client.post(reverse("admin:crm_project_change", args=[project.pk]), data)

    assert _inline(response, "milestones").errors == [{"actual_on": ["实际日期不能为空，也不能晚于今天。"]}]
    assert _milestones(project) == [(Milestone.LAND_DELIVERY, dt.date(2027, 1, 10), None)]


def test_an_actual_date_once_recorded_cannot_be_cleared_in_the_admin_as_in_the_api(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    milestone = milestone_plan(project=project, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2025, 1, 10), actor=qian)
    milestone_record_actual(milestone=milestone, actual_on=dt.date(2025, 1, 8), actor=qian)
    client.force_login(qian)

    response = client.post(reverse("admin:crm_projectmilestone_change", args=[milestone.pk]),
                           {"project": project.pk, "kind": "land_delivery", "planned_on": "2025-01-10",
                            "actual_on": ""})

    assert response.context["adminform"].form.errors == {"actual_on": ["实际日期不能为空，也不能晚于今天。"]}
    assert _milestones(project) == [(Milestone.LAND_DELIVERY, dt.date(2025, 1, 10), dt.date(2025, 1, 8))]


def test_the_milestone_page_refuses_a_project_not_signed_with_the_apis_words(client, qian):
    project = project_at(Stage.NEGOTIATING, owner=qian)
    client.force_login(qian)

    response = client.post(reverse("admin:crm_projectmilestone_add"),
                           {"project": project.pk, "kind": "land_delivery", "planned_on": "2027-01-10", "actual_on": ""})

    assert response.context["adminform"].form.errors == {
        "__all__": [f"项目“{project.name}”当前“深度洽谈”，签约后才能登记落地承诺。"]
    }
    assert ProjectMilestone.objects.count() == 0


def test_the_milestone_page_keeps_the_four_dates_in_order_with_the_apis_words(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    start = milestone_plan(project=project, kind=Milestone.CONSTRUCTION_START, planned_on=dt.date(2027, 3, 1), actor=qian)
    client.force_login(qian)

    added = client.post(reverse("admin:crm_projectmilestone_add"),
                        {"project": project.pk, "kind": "completion", "planned_on": "2027-02-01", "actual_on": ""})
    milestone_plan(project=project, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2027, 1, 10), actor=qian)
    moved = client.post(reverse("admin:crm_projectmilestone_change", args=[start.pk]),
                        {"project": project.pk, "kind": "construction_start", "planned_on": "2027-01-01",
                         "actual_on": ""})

    assert added.context["adminform"].form.errors == {"planned_on": ["“竣工”的计划日期 2027-02-01 早于“开工”的 2027-03-01。"]}
    assert moved.context["adminform"].form.errors == {"planned_on": ["“开工”的计划日期 2027-01-01 早于“交地”的 2027-01-10。"]}
    assert _milestones(project) == [
        (Milestone.LAND_DELIVERY, dt.date(2027, 1, 10), None), (Milestone.CONSTRUCTION_START, dt.date(2027, 3, 1), None),
    ]


def test_a_milestones_project_and_kind_are_fixed_once_it_is_planned(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    milestone = milestone_plan(project=project, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2027, 1, 10), actor=qian)
    client.force_login(qian)

    response = client.post(reverse("admin:crm_projectmilestone_change", args=[milestone.pk]),
                           {"project": project_at(Stage.SIGNED).pk, "kind": "completion", "planned_on": "2027-02-10",
                            "actual_on": ""})

    assert response.status_code == 302
    assert list(ProjectMilestone.objects.values_list("project", "kind", "planned_on")) == [
        (project.pk, Milestone.LAND_DELIVERY, dt.date(2027, 2, 10))
    ]


def test_an_officer_plans_and_records_a_milestone_from_the_milestone_page(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    client.force_login(qian)

    response = client.post(reverse("admin:crm_projectmilestone_add"),
                           {"project": project.pk, "kind": "land_delivery", "planned_on": "2025-01-10",
                            "actual_on": "2025-01-12"})

    assert response.status_code == 302
    assert _milestones(project) == [(Milestone.LAND_DELIVERY, dt.date(2025, 1, 10), dt.date(2025, 1, 12))]
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id, entry.action_flag) == (qian, str(project.milestones.get().pk), ADDITION)


def test_every_milestone_can_move_later_in_one_submit_of_the_project_page(client, qian):
    """Each date passes the order rule only once all four have moved: the page plans them together."""
    project = project_at(Stage.SIGNED, owner=qian)
    milestone_plan(project=project, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2027, 1, 10), actor=qian)
    milestone_plan(project=project, kind=Milestone.CONSTRUCTION_START, planned_on=dt.date(2027, 3, 1), actor=qian)
    client.force_login(qian)
    data = _project_page(client, project)
    data.update({"milestones-0-planned_on": "2027-06-01", "milestones-1-planned_on": "2027-09-01"})
    _add_rows(data, "milestones", {"kind": "completion", "planned_on": "2028-06-01", "actual_on": ""})

    response = client.post(reverse("admin:crm_project_change", args=[project.pk]), data)

    assert response.status_code == 302
    assert _milestones(project) == [
        (Milestone.LAND_DELIVERY, dt.date(2027, 6, 1), None), (Milestone.CONSTRUCTION_START, dt.date(2027, 9, 1), None),
        (Milestone.COMPLETION, dt.date(2028, 6, 1), None),
    ]
    land, start, completion = project.milestones.order_by("planned_on")
    entry = LogEntry.objects.get()
    assert (entry.user, entry.get_change_message()) == (qian, (
        f"添加了 落地节点“{completion}”。 修改了 落地节点“{land}”的 计划日期。 修改了 落地节点“{start}”的 计划日期。"
    ))


def test_a_refusal_met_only_when_saving_rolls_the_whole_submit_back_and_is_shown(client, qian, monkeypatch):
    """The forms check first; should the service still refuse (the row changed meanwhile), nothing is kept."""
    project = project_at(Stage.SIGNED, owner=qian, name="羲和光电显示模组产线项目")
    client.force_login(qian)
    data = _project_page(client, project)
    data["name"] = "改名后的项目"
    _add_rows(data, "milestones", {"kind": "land_delivery", "planned_on": "2027-01-10", "actual_on": ""})

    def refuse(**kwargs):
        raise DomainError("项目刚被他人改为“暂缓”，签约后才能登记落地承诺。", code=DomainError.ILLEGAL_TRANSITION)

    monkeypatch.setattr("crm.admin.commitments.milestones_plan", refuse)
    url = reverse("admin:crm_project_change", args=[project.pk])
    response = client.post(url, data)

    assert (response.status_code, response["Location"]) == (302, url)
    assert _messages(response) == ["项目刚被他人改为“暂缓”，签约后才能登记落地承诺。"]
    assert (Project.objects.get(pk=project.pk).name, ProjectMilestone.objects.count()) == ("羲和光电显示模组产线项目", 0)


def _arrivals(project):
    return list(project.capital_arrivals.order_by("arrived_on").values_list("arrived_on", "amount", "note"))


def test_the_capital_arrival_page_refuses_a_project_not_signed_with_the_apis_words(client, qian):
    project = project_at(Stage.NEGOTIATING, owner=qian)
    client.force_login(qian)

    response = client.post(reverse("admin:crm_capitalarrival_add"),
                           {"project": project.pk, "arrived_on": "2025-01-10", "source": "in_province", "currency": "CNY", "amount": "5000", "note": ""})

    assert response.context["adminform"].form.errors == {
        "__all__": [f"项目“{project.name}”当前“深度洽谈”，签约后才能登记落地承诺。"]
    }
    assert CapitalArrival.objects.count() == 0


@pytest.mark.parametrize(("amount", "day", "errors"), [
    ("0", "2025-01-10", {"amount": ["到资金额必须大于 0。"]}),
    ("-100", "2025-01-10", {"amount": ["到资金额必须大于 0。"]}),
    ("5000", TOMORROW.isoformat(), {"arrived_on": ["到资日期不能为空，也不能晚于今天。"]}),
], ids=["zero", "negative", "tomorrow"])
def test_the_capital_arrival_page_checks_the_amount_and_the_day_with_the_apis_words(client, qian, amount, day, errors):
    project = project_at(Stage.SIGNED, owner=qian)
    client.force_login(qian)

    response = client.post(reverse("admin:crm_capitalarrival_add"),
                           {"project": project.pk, "arrived_on": day, "source": "in_province", "currency": "CNY", "amount": amount, "note": ""})

    assert response.context["adminform"].form.errors == errors
    assert CapitalArrival.objects.count() == 0


def test_an_officer_records_a_capital_arrival_from_its_page(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    client.force_login(qian)

    response = client.post(reverse("admin:crm_capitalarrival_add"),
                           {"project": project.pk, "arrived_on": "2025-01-10", "source": "in_province", "currency": "CNY", "amount": "5000", "note": "首期"})

    assert response.status_code == 302
    assert _arrivals(project) == [(dt.date(2025, 1, 10), Decimal("5000"), "首期")]
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id, entry.action_flag) == (qian, str(project.capital_arrivals.get().pk), ADDITION)


def test_a_recorded_capital_arrival_is_read_only_on_its_page(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    arrival = capital_arrival_record(project=project, arrived_on=dt.date(2025, 1, 10), amount=Decimal("5000"),
                                     actor=qian)
    client.force_login(qian)
    url = reverse("admin:crm_capitalarrival_change", args=[arrival.pk])

    page = client.get(url)
    response = client.post(url, {"project": project.pk, "arrived_on": TOMORROW, "source": "in_province", "currency": "CNY", "amount": "50000", "note": ""})

    assert page.context["has_change_permission"] is False
    assert "登记有误请删除后重新登记" in page.content.decode()
    assert response.status_code == 403
    assert _arrivals(project) == [(dt.date(2025, 1, 10), Decimal("5000"), "")]


def test_capital_arrivals_of_an_unsigned_project_are_refused_on_its_page(client, qian):
    project = project_at(Stage.NEGOTIATING, owner=qian)
    client.force_login(qian)
    data = _add_rows(_project_page(client, project), "capital_arrivals",
                     {"arrived_on": "2025-01-10", "source": "in_province", "currency": "CNY", "amount": "5000", "note": ""})

    response = client.post(reverse("admin:crm_project_change", args=[project.pk]), data)

    assert _inline(response, "capital_arrivals").non_form_errors() == [
        f"项目“{project.name}”当前“深度洽谈”，签约后才能登记落地承诺。"
    ]
    assert CapitalArrival.objects.count() == 0


def test_a_capital_arrival_on_the_project_page_is_checked_with_the_apis_words(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    client.force_login(qian)
    data = _add_rows(_project_page(client, project), "capital_arrivals",
                     {"arrived_on": "2025-01-10", "source": "in_province", "currency": "CNY", "amount": "3000", "note": ""},
                     {"arrived_on": TOMORROW, "source": "in_province", "currency": "CNY", "amount": "5000", "note": ""})

    response = client.post(reverse("admin:crm_project_change", args=[project.pk]), data)

    assert _inline(response, "capital_arrivals").errors == [{}, {"arrived_on": ["到资日期不能为空，也不能晚于今天。"]}]
    assert CapitalArrival.objects.count() == 0


def test_on_the_project_page_a_wrong_capital_arrival_is_deleted_and_recorded_again(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    capital_arrival_record(project=project, arrived_on=dt.date(2025, 1, 10), amount=Decimal("50000"), actor=qian)
    client.force_login(qian)
    data = _project_page(client, project)
    data.update({"capital_arrivals-0-amount": "7000", "capital_arrivals-0-DELETE": "on"})
    _add_rows(data, "capital_arrivals", {"arrived_on": "2025-01-10", "source": "in_province", "currency": "CNY", "amount": "5000", "note": "更正金额"})

    response = client.post(reverse("admin:crm_project_change", args=[project.pk]), data)

    assert response.status_code == 302
    assert _arrivals(project) == [(dt.date(2025, 1, 10), Decimal("5000"), "更正金额")]


def _commitments(project):
    return list(project.commitments.order_by("year").values_list(
        "year", "output_per_mu", "tax_per_mu", "headcount", "actual_headcount", "reviewed_on"
    ))


def _reviewed_2025(project, actor):
    commitment = annual_commitment_set(project=project, year=2025, output_per_mu=Decimal("100"),
                                       tax_per_mu=Decimal("10"), headcount=200, actor=actor)
    return annual_commitment_review(commitment=commitment, actual_output_per_mu=Decimal("62"),
                                    actual_tax_per_mu=Decimal("12"), actual_headcount=160,
                                    reviewed_on=dt.date(2026, 3, 31), actor=actor).commitment


REVIEWED_2025 = (2025, Decimal("100"), Decimal("10"), 200, 160, dt.date(2026, 3, 31))
FIGURES = {"year": "2025", "output_per_mu": "100", "tax_per_mu": "10", "headcount": "200"}
NO_REVIEW = {"actual_output_per_mu": "", "actual_tax_per_mu": "", "actual_headcount": "", "reviewed_on": ""}


def test_the_annual_commitment_page_refuses_a_project_not_signed_with_the_apis_words(client, qian):
    project = project_at(Stage.NEGOTIATING, owner=qian)
    client.force_login(qian)

    response = client.post(reverse("admin:crm_annualcommitment_add"), {"project": project.pk, **FIGURES, **NO_REVIEW})

    assert response.context["adminform"].form.errors == {
        "__all__": [f"项目“{project.name}”当前“深度洽谈”，签约后才能登记落地承诺。"]
    }
    assert AnnualCommitment.objects.count() == 0


def test_annual_commitments_of_an_unsigned_project_are_refused_on_its_page(client, qian):
    project = project_at(Stage.NEGOTIATING, owner=qian)
    client.force_login(qian)
    data = _add_rows(_project_page(client, project), "commitments", {**FIGURES, **NO_REVIEW})

    response = client.post(reverse("admin:crm_project_change", args=[project.pk]), data)

    assert _inline(response, "commitments").non_form_errors() == [
        f"项目“{project.name}”当前“深度洽谈”，签约后才能登记落地承诺。"
    ]
    assert AnnualCommitment.objects.count() == 0


def test_the_annual_commitment_page_cannot_rewrite_a_reviewed_year(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    commitment = _reviewed_2025(project, qian)
    client.force_login(qian)

    response = client.post(reverse("admin:crm_annualcommitment_change", args=[commitment.pk]), {
        "project": project.pk, **FIGURES, "output_per_mu": "40", "actual_output_per_mu": "62",
        "actual_tax_per_mu": "12", "actual_headcount": "160", "reviewed_on": "2026-03-31",
    })

    assert response.context["adminform"].form.errors == {"__all__": ["2025 年度已于 2026-03-31 考核，承诺不能再改。"]}
    assert _commitments(project) == [REVIEWED_2025]


def test_the_project_page_cannot_rewrite_a_reviewed_year(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    _reviewed_2025(project, qian)
    client.force_login(qian)
    data = _project_page(client, project)
    data["commitments-0-headcount"] = "80"

    response = client.post(reverse("admin:crm_project_change", args=[project.pk]), data)

    assert _inline(response, "commitments").errors == [{"__all__": ["2025 年度已于 2026-03-31 考核，承诺不能再改。"]}]
    assert _commitments(project) == [REVIEWED_2025]


def test_a_refused_row_on_the_project_page_means_nothing_of_that_submit_is_saved(client, qian):
    project = project_at(Stage.SIGNED, owner=qian, name="羲和光电显示模组产线项目")
    _reviewed_2025(project, qian)
    client.force_login(qian)
    data = _project_page(client, project)
    data.update({"name": "改名后的项目", "commitments-0-output_per_mu": "40"})
    _add_rows(data, "capital_arrivals", {"arrived_on": "2025-01-10", "source": "in_province", "currency": "CNY", "amount": "5000", "note": ""})
    _add_rows(data, "milestones", {"kind": "land_delivery", "planned_on": "2027-01-10", "actual_on": ""})

    response = client.post(reverse("admin:crm_project_change", args=[project.pk]), data)

    assert response.status_code == 200
    assert Project.objects.get(pk=project.pk).name == "羲和光电显示模组产线项目"
    assert (CapitalArrival.objects.count(), ProjectMilestone.objects.count()) == (0, 0)
    assert _commitments(project) == [REVIEWED_2025]


@pytest.mark.parametrize(("review", "errors"), [
    ({"reviewed_on": TOMORROW.isoformat()}, {"reviewed_on": ["考核日期不能为空，也不能晚于今天。"]}),
    ({"reviewed_on": ""}, {"reviewed_on": ["考核日期不能为空，也不能晚于今天。"]}),
    ({"reviewed_on": "2024-12-31"}, {"reviewed_on": ["考核日期不能早于 2025 年度开始。"]}),
    ({"actual_headcount": ""}, {"actual_headcount": ["考核须填写实际亩均产值、实际亩均税收和实际用工人数。"]}),
    ({"actual_tax_per_mu": "-1"}, {"actual_tax_per_mu": ["实际数值不能为负数。"]}),
    ({"actual_headcount": "10000001"}, {"actual_headcount": ["用工人数不能超过 10,000,000 人。"]}),
], ids=["tomorrow", "no_day", "before_the_year", "no_headcount", "negative_tax", "headcount_too_large"])
def test_the_annual_commitment_page_checks_a_review_with_the_apis_words(client, qian, review, errors):
    project = project_at(Stage.SIGNED, owner=qian)
    commitment = annual_commitment_set(project=project, year=2025, output_per_mu=Decimal("100"),
                                       tax_per_mu=Decimal("10"), headcount=200, actor=qian)
    client.force_login(qian)

    response = client.post(reverse("admin:crm_annualcommitment_change", args=[commitment.pk]), {
        "project": project.pk, **FIGURES, "actual_output_per_mu": "62", "actual_tax_per_mu": "12",
        "actual_headcount": "160", "reviewed_on": "2026-03-31", **review,
    })

    assert response.context["adminform"].form.errors == errors
    assert _commitments(project) == [(2025, Decimal("100"), Decimal("10"), 200, None, None)]


@pytest.mark.parametrize(("figures", "errors"), [
    ({"year": "1999"}, {"year": ["年度不正确。"]}),
    ({"output_per_mu": "-5"}, {"output_per_mu": ["承诺数值不能为负数。"]}),
    ({"tax_per_mu": "-1"}, {"tax_per_mu": ["承诺数值不能为负数。"]}),
    ({"headcount": "10000001"}, {"headcount": ["用工人数不能超过 10,000,000 人。"]}),
], ids=["year_1999", "negative_output", "negative_tax", "headcount_too_large"])
def test_the_annual_commitment_page_checks_the_figures_with_the_apis_words(client, qian, figures, errors):
    project = project_at(Stage.SIGNED, owner=qian)
    client.force_login(qian)

    response = client.post(reverse("admin:crm_annualcommitment_add"),
                           {"project": project.pk, **FIGURES, **NO_REVIEW, **figures})

    assert response.context["adminform"].form.errors == errors
    assert AnnualCommitment.objects.count() == 0


def test_a_year_committed_and_reviewed_on_the_project_page_goes_through_the_services(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    client.force_login(qian)
    data = _add_rows(_project_page(client, project), "commitments", {
        **FIGURES, "actual_output_per_mu": "62", "actual_tax_per_mu": "12", "actual_headcount": "160",
        "reviewed_on": "2026-03-31",
    })

    response = client.post(reverse("admin:crm_project_change", args=[project.pk]), data)

    assert response.status_code == 302
    assert _commitments(project) == [REVIEWED_2025]
    assert [s.text for s in project_commitments(project=project)["annual"][0]["shortfalls"]] == [
        "亩均产值 实际 62 < 承诺 100 万元/亩", "用工人数 实际 160 < 承诺 200 人",
    ]


def test_an_annual_commitments_project_and_year_are_fixed_once_it_is_set(client, qian):
    project = project_at(Stage.SIGNED, owner=qian)
    commitment = annual_commitment_set(project=project, year=2025, output_per_mu=Decimal("100"),
                                       tax_per_mu=Decimal("10"), headcount=200, actor=qian)
    client.force_login(qian)
    data = _project_page(client, project)
    data["commitments-0-year"] = "2026"

    on_its_page = client.post(reverse("admin:crm_annualcommitment_change", args=[commitment.pk]),
                              {"project": project_at(Stage.SIGNED).pk, **FIGURES, "year": "2027", **NO_REVIEW})
    on_the_project_page = client.post(reverse("admin:crm_project_change", args=[project.pk]), data)

    assert (on_its_page.status_code, on_the_project_page.status_code) == (302, 302)
    assert list(AnnualCommitment.objects.values_list("project", "year")) == [(project.pk, 2025)]
