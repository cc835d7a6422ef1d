"""The API's cast is in tests/conftest.py (西湖阳光 and 科聪控制 with one user each, one person per staff
role); here only what the API adds: an anonymous client and a second, unassigned service officer.

Every client authenticates the way an integration would, with ``Authorization: Token ...``.
"""

import pytest
from rest_framework.test import APIClient

from tests.factories import service_officer


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def wu(db):
    """Another service officer, not assigned to anything."""
    return service_officer(username="wu", display_name="吴强")
