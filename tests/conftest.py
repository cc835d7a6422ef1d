import pytest


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
