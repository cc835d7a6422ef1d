"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls from a thread
with a running loop; the tests set up and check data between browser steps, so allow it here.
"""

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
]


_RUNNING = {}  # the one Chromium of the session: Playwright's sync API allows one per thread


@pytest.fixture(scope="package")
def browser():
    """Chromium for the package's browser tests. tests/security imports these fixtures too: the second import
    shares the browser the first one started. Closed after the package (not the session): Playwright's sync API
    keeps an event loop running in this thread while it is open, and the tests after it call async_to_sync
    (django-health-check's checks), which refuses to run beside a running loop."""
    if "browser" in _RUNNING:
        yield _RUNNING["browser"]
        return
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is missing: apt-get install -y chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        _RUNNING["browser"] = browser
        try:
            yield browser
        finally:
            del _RUNNING["browser"]
            browser.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def new_page(browser):
    """A page in a fresh Chinese-speaking browser context (desktop unless a viewport is given)."""
    contexts = []

    def make(*, viewport=None, storage_state=None, mobile=False):
        context = browser.new_context(
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport=viewport or {"width": 1280, "height": 900},
            is_mobile=mobile,
            has_touch=mobile,
            device_scale_factor=2 if mobile else 1,
            storage_state=storage_state,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
