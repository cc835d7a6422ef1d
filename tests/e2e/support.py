"""Helpers the browser tests share: logging in through the admin's and the portal's login forms."""

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
