"""Real Chromium (Debian's, through Playwright) against pytest-django's live server.

One browser per session, a fresh context per test. Every page a test opens is watched: a CSP
violation, a console error or an uncaught exception fails the test. On failure, a screenshot
of every open page lands in ``test-artifacts/``.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from tests.browser.helpers import (
    DESKTOP,
    assert_no_page_problems,
    mark_javascript_disabled,
    watch_page,
)

# Playwright's sync API keeps an event loop running in this thread; Django would otherwise
# refuse database access from it, though every call here is synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

BROWSER_TESTS = Path(__file__).parent
ARTIFACTS = BROWSER_TESTS.parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
# The machines have no internet: without these Chromium waits on update and sync services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "browser-demo-pass-2024"


def pytest_collection_modifyitems(items):
    """Every test in this folder is a browser test, including those added later."""
    for item in items:
        if BROWSER_TESTS in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, live_server, request):
    """``new_context(**options)`` opens a browser context on the live server.

    Options go to Playwright's ``browser.new_context`` (``java_script_enabled=False``,
    ``viewport=PHONE`` ...). Pages opened in it are watched for console problems.
    """
    contexts = []

    def open_context(**options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.on("page", watch_page)
        if options.get("java_script_enabled") is False:
            mark_javascript_disabled(context)
        contexts.append(context)
        return context

    yield open_context

    call_report = getattr(request.node, "report_call", None)
    failed = call_report is not None and call_report.failed
    pages = [page for context in contexts for page in context.pages]
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        for number, page in enumerate(pages):
            page.screenshot(path=ARTIFACTS / f"{name}-{number}.png", full_page=True)
    for context in contexts:
        context.close()
    if not failed:
        for page in pages:
            assert_no_page_problems(page)


@pytest.fixture
def page(new_context):
    """A JavaScript-enabled page at desktop width in a fresh context."""
    return watch_page(new_context().new_page())


@pytest.fixture
def demo_password(transactional_db):
    """The demo data (27 institutions, their heads, deputies and staff) in the live server's
    database; every demo account's password is the value of this fixture."""
    call_command("seed_demo", password=DEMO_PASSWORD, force=True, stdout=io.StringIO())
    return DEMO_PASSWORD
