"""The parks tests' cast: the science city with the 信创园 inside it and 西科园 beside it, two enterprises
(西湖阳光, 科聪控制) with one user each, and one person per staff role.

Every API client authenticates with ``Authorization: Token ...`` as an integration would.
"""

import datetime as dt

import pytest
from django.core.cache import cache

from parks.models import Park, Policy
from tests.factories import (
    EnterpriseFactory,
    ParkFactory,
    PolicyFactory,
    UserFactory,
    enterprise_user,
    manager,
    officer,
    service_officer,
)

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    cache.clear()
    yield
    cache.clear()


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
def sunshine(db):
    return EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光", industry_chain="new_materials")


@pytest.fixture
def kecong(db):
    return EnterpriseFactory(name="杭州科聪控制技术有限公司", short_name="科聪控制", industry_chain="robotics")


@pytest.fixture
def alice(sunshine):
    """An enterprise user of 西湖阳光."""
    return enterprise_user(sunshine, username="alice", display_name="王丽")


@pytest.fixture
def bob(kecong):
    """An enterprise user of 科聪控制, who must never see 西湖阳光's matches or grants."""
    return enterprise_user(kecong, username="bob", display_name="李博")


@pytest.fixture
def qian(db):
    """An investment officer (招商专员): moves parcels, records landing commitments."""
    return officer(username="qian", display_name="钱进")


@pytest.fixture
def zhou(db):
    """A service officer (企业服务专员): records and decides policy grants."""
    return service_officer(username="zhou", display_name="周敏")


@pytest.fixture
def boss(db):
    """A manager (领导): reads everything, changes nothing."""
    return manager(username="boss", display_name="孙主任")


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def policy(db) -> Policy:
    """A published policy in force from 2024 to 2027 (the 紫金十条's window)."""
    return PolicyFactory(
        name="紫金港科技城支持信创和商密产业高质量发展的若干政策", short_name="紫金十条",
        valid_from=dt.date(2024, 4, 15), valid_until=dt.date(2027, 4, 14),
    )
