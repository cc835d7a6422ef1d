"""Yearly targets are set by managers in the admin; the reports' API is described in the OpenAPI schema."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from rest_framework.test import APIClient

from crm.models import YearlyTarget
from tests.factories import officer

pytestmark = pytest.mark.django_db


def test_a_manager_sets_a_yearly_target_in_the_admin_and_the_report_reads_it(manager_client, manager_api):
    response = manager_client.post(
        "/admin/crm/yearlytarget/add/",
        {"year": "2024", "metric": "landed_key_projects", "target": "32", "note": "2024 年工作要点"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(YearlyTarget.objects.values_list("year", "metric", "target")) == [
        (2024, "landed_key_projects", Decimal("32.00"))
    ]
    assert manager_api.get("/api/v1/reports/pipeline/").json()["this_year"]["landed_key_target"] == "32.00"
    listing = manager_client.get("/admin/crm/yearlytarget/")
    assert "32 个" in listing.content.decode()


def test_an_investment_officer_may_not_set_targets(db):
    client = Client()
    client.force_login(officer())
    response = client.post("/admin/crm/yearlytarget/add/", {"year": "2024", "metric": "landed_key_projects", "target": "99"})
    assert response.status_code == 403
    assert YearlyTarget.objects.count() == 0


def test_a_count_target_must_be_a_whole_number(db):
    target = YearlyTarget(year=2024, metric="landed_key_projects", target=Decimal("32.5"))
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert error.value.message_dict == {"target": ["项目数目标必须是整数。"]}


def test_one_target_per_year_and_metric(db):
    YearlyTarget.objects.create(year=2024, metric="signed_investment", target=Decimal("1500000"))
    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyTarget.objects.create(year=2024, metric="signed_investment", target=Decimal("1"))
    assert YearlyTarget.objects.count() == 1


def test_the_database_refuses_a_negative_target(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyTarget.objects.create(year=2024, metric="signed_investment", target=Decimal("-1"))


def test_the_four_reports_are_in_the_openapi_schema_with_their_filters_and_answers(db):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for name, component in [("pipeline", "PipelineReport"), ("service", "ServiceReport"), ("land", "LandReport"),
                            ("policies", "PolicyReport")]:
        operation = schema["paths"][f"/api/v1/reports/{name}/"]["get"]
        assert operation["tags"] == ["reports"]
        assert [p["name"] for p in operation["parameters"]] == ["chain", "end", "owner", "park", "period", "stage", "start"]
        assert set(operation["responses"]) == {"200", "400", "401", "403", "429"}
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{component}"
        }
    stage = schema["components"]["schemas"]["ReportStage"]["properties"]
    assert stage["investment_total"] == {
        "type": "string", "format": "decimal", "pattern": stage["investment_total"]["pattern"],
        "description": "这些项目的总投资（万元）。",
    }
