"""Yearly targets per holder: park-wide (全区, the default), a park, a unit or an officer, for five metrics."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from crm.models import YearlyTarget
from tests.factories import ParkFactory, officer

pytestmark = pytest.mark.django_db


def test_a_manager_sets_an_officers_target_in_the_admin_and_the_list_names_the_holder(manager_client):
    wang = officer(username="wang", display_name="王志远")

    response = manager_client.post("/admin/crm/yearlytarget/add/", {
        "year": "2024", "metric": "signed_projects", "holder_kind": "officer", "officer": wang.pk, "target": "6",
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(YearlyTarget.objects.values_list("year", "metric", "holder_kind", "officer__username", "target")) == [
        (2024, "signed_projects", "officer", "wang", Decimal("6.00"))
    ]
    listing = manager_client.get("/admin/crm/yearlytarget/?holder_kind=officer").content.decode()
    assert "人员：王志远" in listing
    assert "6 个" in listing


def test_a_unit_target_without_the_unit_is_refused_with_the_reason_and_nothing_is_stored(manager_client):
    response = manager_client.post("/admin/crm/yearlytarget/add/", {
        "year": "2024", "metric": "landed_key_projects", "holder_kind": "unit", "unit": "  ", "target": "3",
    })

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"unit": ["考核对象为“单位”时须填写此项。"]}
    assert YearlyTarget.objects.count() == 0


def test_a_park_wide_target_naming_an_officer_is_refused(db):
    target = YearlyTarget(year=2024, metric="signed_projects", target=Decimal("5"), officer=officer())
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert error.value.message_dict == {"officer": ["考核对象为“全区”时不填此项。"]}


def test_every_count_metric_takes_whole_numbers_only(db):
    for metric in ("signed_projects", "construction_starts", "landed_key_projects"):
        with pytest.raises(ValidationError) as error:
            YearlyTarget(year=2024, metric=metric, target=Decimal("2.5")).full_clean()
        assert error.value.message_dict == {"target": ["项目数目标必须是整数。"]}
    YearlyTarget(year=2024, metric="capital_arrived", target=Decimal("2.5")).full_clean()


def test_one_target_per_year_metric_and_holder_but_holders_do_not_collide(db):
    wang, xike = officer(), ParkFactory(name="西湖科技园")
    YearlyTarget.objects.create(year=2024, metric="signed_projects", target=Decimal("20"))
    YearlyTarget.objects.create(year=2024, metric="signed_projects", target=Decimal("6"), holder_kind="officer", officer=wang)
    YearlyTarget.objects.create(year=2024, metric="signed_projects", target=Decimal("8"), holder_kind="park", park=xike)
    YearlyTarget.objects.create(year=2024, metric="signed_projects", target=Decimal("3"), holder_kind="unit", unit="三墩镇")

    for duplicate in [
        {"holder_kind": "officer", "officer": wang}, {"holder_kind": "park", "park": xike},
        {"holder_kind": "unit", "unit": "三墩镇"}, {},
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            YearlyTarget.objects.create(year=2024, metric="signed_projects", target=Decimal("1"), **duplicate)
    assert YearlyTarget.objects.count() == 4


def test_the_database_refuses_a_holder_kind_without_its_holder(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyTarget.objects.create(year=2024, metric="signed_projects", target=Decimal("1"), holder_kind="officer")


def test_a_row_inserted_by_the_previous_release_is_a_park_wide_target(db):
    """An old release knows no holder columns: the database fills them in (db_default), so its row is 全区."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO crm_yearlytarget (year, metric, target, note, created_at, updated_at) "
            "VALUES (2024, 'landed_key_projects', 32, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
    assert list(YearlyTarget.objects.values_list("holder_kind", "unit", "park", "officer")) == [
        ("park_wide", "", None, None)
    ]


def test_the_pipeline_page_reads_the_park_wide_target_or_the_filtered_parks_own(manager_api):
    xike = ParkFactory(name="西湖科技园")
    YearlyTarget.objects.create(year=2024, metric="landed_key_projects", target=Decimal("32"))
    YearlyTarget.objects.create(year=2024, metric="landed_key_projects", target=Decimal("5"), holder_kind="officer",
                                officer=officer())
    YearlyTarget.objects.create(year=2024, metric="landed_key_projects", target=Decimal("3"), holder_kind="unit",
                                unit="三墩镇")

    def target(query=""):
        return manager_api.get(f"/api/v1/reports/pipeline/?end=2024-12-31{query}").json()["this_year"]["landed_key_target"]

    assert target() == "32.00"
    assert target(f"&park={xike.pk}") is None
    YearlyTarget.objects.create(year=2024, metric="landed_key_projects", target=Decimal("12"), holder_kind="park", park=xike)
    assert target(f"&park={xike.pk}") == "12.00"
    assert target() == "32.00"
