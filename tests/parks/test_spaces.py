"""载体空间: occupancy, rent, rent-free months and the day rent starts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from crm.errors import DomainError
from parks.models import Space, rent_free_end
from parks.selectors.spaces import space_occupancy, spaces_rent_free_ending
from parks.services.spaces import space_occupy, space_vacate
from tests.factories import EnterpriseFactory, SpaceFactory, officer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("start", "months", "end"), [
    (dt.date(2024, 3, 1), 36, dt.date(2027, 3, 1)),  # the article's smart-manufacturing centre: 3 years free
    (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),  # a month-end start stays at the month end
    (dt.date(2024, 11, 15), 12, dt.date(2025, 11, 15)),
    (dt.date(2024, 11, 15), 0, None),
    (None, 12, None),
])
def test_rent_free_ends_the_rent_free_months_after_the_lease_starts(start, months, end):
    assert rent_free_end(start, months) == end
    assert Space(lease_start=start, rent_free_months=months).rent_free_ends_on == end


def test_an_enterprise_moves_into_a_unit_with_three_years_free_and_moves_out():
    unit = SpaceFactory(building="西科园 3 号厂房", unit="智造中心（1—2 层）")
    kecong = EnterpriseFactory(short_name="科聪控制")

    unit = space_occupy(space=unit, enterprise=kecong, lease_start=dt.date(2024, 3, 1), lease_end=dt.date(2029, 2, 28),
                        rent_free_months=36, actor=officer())
    assert (unit.status, unit.occupant, unit.rent_free_ends_on) == (Space.Status.OCCUPIED, kecong, dt.date(2027, 3, 1))

    unit = space_vacate(space=unit, actor=officer())
    assert (unit.status, unit.occupant, unit.lease_start, unit.rent_free_months) == (Space.Status.VACANT, None, None, 0)


def test_a_unit_already_let_is_not_let_again_and_stays_as_it_was():
    first = EnterpriseFactory()
    unit = space_occupy(space=SpaceFactory(), enterprise=first, lease_start=dt.date(2025, 1, 1), actor=officer())

    with pytest.raises(DomainError) as refused:
        space_occupy(space=unit, enterprise=EnterpriseFactory(), lease_start=dt.date(2025, 6, 1), actor=officer())

    assert refused.value.code == DomainError.ILLEGAL_TRANSITION
    unit.refresh_from_db()
    assert (unit.occupant, unit.lease_start) == (first, dt.date(2025, 1, 1))


def test_a_lease_ending_before_it_starts_is_refused_with_the_field_named():
    unit = SpaceFactory()

    with pytest.raises(DomainError) as refused:
        space_occupy(space=unit, enterprise=EnterpriseFactory(), lease_start=dt.date(2025, 6, 1),
                     lease_end=dt.date(2025, 5, 31), actor=officer())

    assert refused.value.as_dict() == {"lease_end": ["租期截止不能早于起租日期。"]}
    assert Space.objects.get(pk=unit.pk).status == Space.Status.VACANT


def test_free_months_need_a_lease_start_and_a_vacant_unit_has_no_occupant():
    with pytest.raises(ValidationError) as error:
        Space(park=SpaceFactory().park, building="A", unit="1", area_m2=1, rent_free_months=12,
              status=Space.Status.VACANT, occupant=EnterpriseFactory()).full_clean()
    assert set(error.value.message_dict) >= {"lease_start", "occupant"}
    with pytest.raises(IntegrityError), transaction.atomic():
        SpaceFactory(status=Space.Status.VACANT, occupant=EnterpriseFactory())


def test_rent_free_periods_ending_in_a_window_are_found_across_different_month_counts():
    def let(start, months):
        return SpaceFactory(status=Space.Status.OCCUPIED, occupant=EnterpriseFactory(), lease_start=start,
                            rent_free_months=months)

    three_years = let(dt.date(2024, 3, 1), 36)  # ends 2027-03-01
    one_year = let(dt.date(2026, 2, 28), 12)  # ends 2027-02-28
    let(dt.date(2024, 3, 3), 36)  # ends 2027-03-03: outside
    let(dt.date(2026, 2, 27), 12)  # ends 2027-02-27: outside
    SpaceFactory(lease_start=dt.date(2024, 3, 1), rent_free_months=36)  # vacant

    found = spaces_rent_free_ending(after=dt.date(2027, 2, 27), until=dt.date(2027, 3, 2))

    assert found == [three_years, one_year] or found == [one_year, three_years]
    assert {s.rent_free_ends_on for s in found} == {dt.date(2027, 3, 1), dt.date(2027, 2, 28)}


def test_occupancy_per_park_is_by_area_in_one_query(xinchuang_park, xike, django_assert_num_queries):
    SpaceFactory(park=xinchuang_park, area_m2=Decimal("1200"), status=Space.Status.OCCUPIED, occupant=EnterpriseFactory())
    SpaceFactory(park=xinchuang_park, area_m2=Decimal("1800"))
    SpaceFactory(park=xike, area_m2=Decimal("1300"), status=Space.Status.OCCUPIED, occupant=EnterpriseFactory())

    with django_assert_num_queries(1):
        rows = space_occupancy()

    assert [(r["park"], r["units"], r["occupied_units"], r["occupancy_rate"]) for r in rows] == [
        ("信创园", 2, 1, Decimal("40.0")), ("西科园", 1, 1, Decimal("100.0")),
    ]
