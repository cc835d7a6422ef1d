"""The parks tests' places and policy: the science city with the 信创园 inside it and 西科园 beside it, and
the 紫金十条. The people (西湖阳光 and 科聪控制 with one user each, one person per staff role) are in
tests/conftest.py.

Every API client authenticates with ``Authorization: Token ...`` as an integration would.
"""

import datetime as dt

import pytest

from parks.models import Park, Policy
from tests.factories import ParkFactory, PolicyFactory

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def city(db):
    return ParkFactory(name="杭州紫金港科技城", short_name="紫金港科技城", kind=Park.Kind.SCIENCE_CITY)


@pytest.fixture
def xinchuang_park(city):
    return ParkFactory(name="浙江省信创和商密产业园", short_name="信创园", parent=city)


@pytest.fixture
def xike(city):
    return ParkFactory(name="西湖科技园", short_name="西科园", parent=city)


@pytest.fixture
def elsewhere(db):
    return ParkFactory(name="未来科技城", short_name="未来科技城", kind=Park.Kind.SCIENCE_CITY)


@pytest.fixture
def policy(db) -> Policy:
    """A published policy in force from 2024 to 2027 (the 紫金十条's window)."""
    return PolicyFactory(
        name="紫金港科技城支持信创和商密产业高质量发展的若干政策", short_name="紫金十条",
        valid_from=dt.date(2024, 4, 15), valid_until=dt.date(2027, 4, 14),
    )
