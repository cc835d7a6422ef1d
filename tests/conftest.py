import pytest
from django.core.cache import cache

from tests import test_settings
from tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    ServiceCategoryFactory,
    UserFactory,
    department_liaison,
    enterprise_user,
    investment_lead,
    manager,
    officer,
    service_officer,
    service_request,
    station_head,
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Give a transactional test the rows our data migrations write (role groups, reminder rules, schedule).

    A transactional test (live server, threads, a real Celery worker) ends with a flush that empties every
    table, data-migration rows included; Django's serialized rollback does not reliably put them back
    across the whole suite. When they are missing, the data migrations' RunPython steps run again.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if not transactional:
        return
    if not (marker is not None and marker.kwargs.get("serialized_rollback")):
        # A flush without it lets post_migrate re-create content types under new ids, which the next
        # serialized test then cannot load (IntegrityError on django_content_type) — an order-dependent failure.
        pytest.fail("transactional tests need @pytest.mark.django_db(transaction=True, serialized_rollback=True)")
    request.getfixturevalue("_django_db_helper")
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    if Group.objects.filter(name="investment_officer").exists():
        return
    loader = MigrationLoader(connection)
    targets = [key for key in loader.graph.leaf_nodes() if key[0] in ("crm", "parks")]
    with connection.schema_editor(atomic=False) as schema_editor:
        for key in _plan(loader, targets):
            if key[0] not in ("crm", "parks"):
                continue
            migration = loader.graph.nodes[key]
            steps = [op for op in migration.operations if isinstance(op, RunPython)]
            if steps:
                state_apps = loader.project_state(key, at_end=True).apps
                for op in steps:
                    op.code(state_apps, schema_editor)


def _plan(loader, targets):
    seen, plan = set(), []
    for target in targets:
        for key in loader.graph.forwards_plan(target):
            if key not in seen:
                seen.add(key)
                plan.append(key)
    return plan


# ---- the cast shared by the API, portal and parks tests --------------------------------------------------
# Two enterprises (西湖阳光 and 科聪控制) with one user each — every isolation test checks one against the
# other — and one person per staff role.


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    """Throttle counters live in the cache: each test starts with a full allowance, whatever ran before."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_lists():
    """The editable lists are cached in the process (crm.models.lists): each test reads its own database's rows."""
    from crm.models import forget_lists

    forget_lists()
    yield
    forget_lists()


@pytest.fixture
def work_permit(db):
    """外国人来华工作许可: 24 calendar hours."""
    return ServiceCategoryFactory()


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
    """An enterprise user of 科聪控制, who must never see 西湖阳光's data."""
    return enterprise_user(kecong, username="bob", display_name="李博")


@pytest.fixture
def alice_request(sunshine, alice, work_permit):
    return service_request(enterprise=sunshine, submitted_by=alice, category=work_permit)


@pytest.fixture
def bob_request(kecong, bob, work_permit):
    return service_request(enterprise=kecong, submitted_by=bob, category=work_permit, title="科聪控制的工作许可")


@pytest.fixture
def qian(db):
    """An investment officer (招商专员): leads, projects, parcels, landing commitments."""
    return officer(username="qian", display_name="钱进")


@pytest.fixture
def lead(db):
    """The head of investment promotion (招商负责人): any project's stage, reassigning owners."""
    return investment_lead(username="lead", display_name="陈建国")


@pytest.fixture
def zhou(db):
    """A service officer (企业服务专员): service requests, policy grants."""
    return service_officer(username="zhou", display_name="周敏")


@pytest.fixture
def boss(db):
    """A manager (领导): reads everything, changes nothing."""
    return manager(username="boss", display_name="孙主任")


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def waizhuan(db):
    """承办单位: the foreign-expert authority (人社/外专) the work permit goes through."""
    return DepartmentFactory(name="区人力社保局（外国专家服务）", short_name="人社/外专")


@pytest.fixture
def shichang(db):
    """承办单位: market regulation (市场监管), whose liaison must never see 人社/外专's work."""
    return DepartmentFactory(name="区市场监督管理局", short_name="市场监管")


@pytest.fixture
def liaison(waizhuan):
    """承办单位联络员 of 人社/外专."""
    return department_liaison(waizhuan, username="liaison", display_name="外专联络员")


@pytest.fixture
def liaison2(shichang):
    """承办单位联络员 of 市场监管."""
    return department_liaison(shichang, username="liaison2", display_name="市场监管联络员")


@pytest.fixture
def chief(db):
    """驿站站长: a service officer who also decides extension requests."""
    return station_head(username="chief", display_name="陈站长")


@pytest.fixture(scope="session")
def production_static_root(tmp_path_factory):
    """STATIC_ROOT after `collectstatic` with the production settings, as bin/serve runs it first — once per run
    (compressing every file with gzip and Brotli takes a while)."""
    root = tmp_path_factory.mktemp("staticfiles")
    result = test_settings._manage("collectstatic", "--noinput", "-v", "0", env={**test_settings.PRODUCTION_ENV, "DJANGO_STATIC_ROOT": str(root)},
                     timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.hookimpl(tryfirst=True)  # before pytest-django's own sort, which keeps this order within its groups
def pytest_collection_modifyitems(items):
    """tests/ops first and the browser tests (tests/e2e) last, the rest in their usual order — within each of
    pytest-django's groups (tests in a rolled-back transaction, then transactional ones, then those without a database).

    tests/ops' readiness tests run django-health-check's checks, which use async_to_sync: it refuses to run in a
    thread where Playwright's sync API keeps an event loop going (the browser tests'). Their transactional tests
    load the serialized database: run before any other transactional test's flush has let post_migrate re-create
    the content types under new ids, which that load then collides with (an order-dependent IntegrityError)."""
    def rank(item):
        path = item.nodeid
        return 0 if path.startswith("tests/ops/") else 2 if path.startswith("tests/e2e/") else 1

    items.sort(key=rank)
