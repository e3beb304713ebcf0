"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server."""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "test-artifacts/screenshots"))


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    message = f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` to run the browser tests."
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(message + " (CI=true: browser tests may not be skipped)")
    print(f"\n{message} Skipping browser tests.")
    for item in items:
        if "/e2e/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.skip(reason=message))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # (reading the outbox, checking the database) are still plain synchronous code. Only
    # while the browser runs, so the setting never reaches anything else.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server, settings):
    settings.SITE_URL = live_server.url  # e-mails link to SITE_URL, as in production
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def check_page(page, name):
    """Zero axe-core violations at phone and desktop width; a screenshot of each."""
    from axe_playwright_python.sync_playwright import Axe

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    axe = Axe()
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        results = axe.run(page)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{slug}-{label}.png"), full_page=True)
        assert results.violations_count == 0, f"{name} at {label} width:\n{results.generate_report()}"
    page.set_viewport_size(DESKTOP)


def load_reference_data():
    """What the data migrations load (modules, skills, lessons, audiences, the Moderators
    group), loaded again: transactional tests flush the database after each test. The same
    idempotent functions the migrations run, so the data is exactly the shipped data."""
    from importlib import import_module

    from django.apps import apps
    from django.utils import timezone

    from lessons.content_loader import load_content

    import_module("accounts.migrations.0004_moderators_can_moderate").grant(apps, None)
    import_module("lessons.migrations.0002_the_four_modules").add_modules(apps, None)
    import_module("groups.migrations.0002_audiences").add_audiences(apps, None)
    load_content(
        SkillModule=apps.get_model("lessons", "SkillModule"),
        Skill=apps.get_model("lessons", "Skill"),
        Lesson=apps.get_model("lessons", "Lesson"),
        now=timezone.now(),
    )


@pytest.fixture(autouse=True)
def _reference_data(request):
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        load_reference_data()
