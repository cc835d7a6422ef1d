"""Helpers the browser tests share: the reference data a flushed database lacks, and logging in through the
admin's and the portal's login forms."""

import importlib
import re

PASSWORD = "pass-1234"  # tests.factories.UserFactory's
DEMO_PASSWORD = "demo-pass-123"  # what the tests give load_demo --password


def _url(base, where):
    """A path or glob pattern under the live server; a compiled regex is used as it is."""
    return where if isinstance(where, re.Pattern) else f"{base}{where}"


def log_in_admin(page, base, username, password=PASSWORD, *, next_path=None, via=None, lands=None):
    """Log in through /admin/login/ and wait until the browser lands.

    - ``via``: open that page first; it must send the anonymous browser to ``/admin/login/?next=<via>``,
      and after logging in the browser lands back on it.
    - ``next_path``: open ``/admin/login/?next=<next_path>`` and land on exactly that path.
    - neither: open ``/admin/login/`` and land on ``/admin/``.

    ``lands`` overrides where the browser must end up: a path or glob pattern (``"/admin/**"``) under the
    live server, or a compiled regex matched against the whole URL.
    """
    if via is not None:
        page.goto(f"{base}{via}")
        page.wait_for_url(f"{base}/admin/login/?next={via}")
    elif next_path is not None:
        page.goto(f"{base}/admin/login/?next={next_path}")
    else:
        page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("input[type=submit]")
    page.wait_for_url(_url(base, lands or via or next_path or "/admin/"))


def log_in_portal(page, base, username, password=PASSWORD, *, lands="/portal/"):
    """Log in through /portal/login/ and wait until the browser lands on ``lands`` (as for log_in_admin)."""
    page.goto(f"{base}/portal/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(_url(base, lands))


def ensure_reference_data():
    """The role groups (with the yearly-target permissions), the reminder rules and the editable lists (chains,
    towns, channels…), as the migrations create them.

    A transactional test normally gets them back through serialized rollback, but in some orders of the suite
    they are gone (on SQLite, after tests/reminders/test_idempotency.py's concurrent test is skipped, the next
    live-server test finds the database flushed). ``reminders_setup`` only adds what is missing.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    from crm.models import Role
    from crm.notifications.setup import reminders_setup

    # A flush recreates the content types under new ids: forget the ids this process cached before it.
    ContentType.objects.clear_cache()
    if not Group.objects.filter(name=Role.MANAGER).exists():
        importlib.import_module("crm.migrations.0003_role_groups").create_groups(apps, None)
        importlib.import_module("crm.migrations.0005_yearly_target").grant_permissions(apps, None)
        importlib.import_module("parks.migrations.0010_online_applications").grant_permissions(apps, None)
        importlib.import_module("parks.migrations.0013_instalment_view_permission").grant_permissions(apps, None)
    reminders_setup(apps)
    from crm.models import IndustryChain, forget_lists
    from parks.models import BenefitKind

    if not IndustryChain.objects.exists():
        importlib.import_module("crm.migrations.0013_lists_as_data").seed_lists(apps, None)
    if not BenefitKind.objects.exists():
        importlib.import_module("parks.migrations.0006_benefit_kinds_as_data").seed_benefit_kinds(apps, None)
    forget_lists()
