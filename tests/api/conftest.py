"""The API's cast: two enterprises (西湖阳光 and 科聪控制) with one user each, and one person per staff role.

Every client authenticates the way an integration would, with ``Authorization: Token ...``.
"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import (
    EnterpriseFactory,
    ServiceCategoryFactory,
    UserFactory,
    enterprise_user,
    manager,
    officer,
    service_officer,
    service_request,
)


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    """Throttle counters live in the cache: each test starts with a full allowance, whatever ran before."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def work_permit(db):
    """外国人来华工作许可: 24 calendar hours."""
    return ServiceCategoryFactory()


@pytest.fixture
def sunshine(db):
    return EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光")


@pytest.fixture
def kecong(db):
    return EnterpriseFactory(name="杭州科聪控制技术有限公司", short_name="科聪控制")


@pytest.fixture
def alice(sunshine):
    """An enterprise user of 西湖阳光."""
    return enterprise_user(sunshine, username="alice", display_name="王丽")


@pytest.fixture
def bob(kecong):
    """An enterprise user of 科聪控制, who must never see 西湖阳光's data."""
    return enterprise_user(kecong, username="bob", display_name="李博")


@pytest.fixture
def zhou(db):
    """A service officer (企业服务专员)."""
    return service_officer(username="zhou", display_name="周敏")


@pytest.fixture
def wu(db):
    """Another service officer, not assigned to anything."""
    return service_officer(username="wu", display_name="吴强")


@pytest.fixture
def qian(db):
    """An investment officer (招商专员)."""
    return officer(username="qian", display_name="钱进")


@pytest.fixture
def boss(db):
    """A manager (领导): reads everything, changes nothing."""
    return manager(username="boss", display_name="孙主任")


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def alice_request(sunshine, alice, work_permit):
    return service_request(enterprise=sunshine, submitted_by=alice, category=work_permit)


@pytest.fixture
def bob_request(kecong, bob, work_permit):
    return service_request(enterprise=kecong, submitted_by=bob, category=work_permit, title="科聪控制的工作许可")

