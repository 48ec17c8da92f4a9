"""Browser test fixtures: system Chromium driven by Playwright against pytest-django's live server.

Tests marked ``@pytest.mark.browser`` ask for ``page`` (desktop, 1366x900) or ``phone_page``
(390x844, touch) and log in through the real form with ``browser_login(page, user)``:

    @pytest.mark.browser
    def test_home(page, users):
        browser_login(page, users.county_admin)
        expect(page.locator("h1")).to_have_text("工作台")

One Chromium runs per pytest session (started on first use); each test gets a fresh
browser context, so cookies and storage never leak between tests. Every page is watched:

- a console error or an uncaught page error fails the test at teardown (the UI must not
  log JavaScript errors); a test that provokes one on purpose, such as the 404 page whose
  document load Chromium reports as "Failed to load resource", declares it with
  ``browser_log.allow_console(...)``;
- a request to any host other than 127.0.0.1/localhost is aborted and fails the test: every
  asset is self-hosted, nothing comes from a CDN;
- when the test fails, a full-page screenshot goes to test-artifacts/ (gitignored).

Registered in gonghui/conftest.py. Playwright's sync API runs an asyncio event loop in the
test thread, which makes Django refuse ORM calls there ("You cannot call this from an async
context"); DJANGO_ALLOW_ASYNC_UNSAFE lifts that check for the test process only.
"""

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gonghui.core.testing import TEST_PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
LOCAL_SCHEMES = {"data", "blob", "about"}
DEFAULT_TIMEOUT_MS = 10_000
ARTIFACTS_DIR = "test-artifacts"


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        # A missing browser is a broken test machine, not a reason to pass quietly.
        pytest.fail(
            "system Chromium not found: run `make sysdeps` (apt-get install chromium fonts-noto-cjk)"
        )
    return path


@dataclass
class BrowserLog:
    """What one test's pages reported: console errors, page errors, blocked requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    allowed_console: list[re.Pattern] = field(default_factory=list)

    def allow_console(self, pattern: str) -> None:
        """Accept console errors matching this regex (for a test that provokes one on purpose)."""
        self.allowed_console.append(re.compile(pattern))

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        location = message.location or {}
        text = f"{message.text} ({location.get('url', '?')}:{location.get('lineNumber', '?')})"
        self.console_errors.append(text)

    def on_page_error(self, error) -> None:
        self.page_errors.append(f"{error.name}: {error.message}\n{error.stack or ''}".strip())

    def problems(self) -> list[str]:
        console = [
            e for e in self.console_errors if not any(p.search(e) for p in self.allowed_console)
        ]
        return (
            [f"console error: {e}" for e in console]
            + [f"page error: {e}" for e in self.page_errors]
            + [f"blocked request to a non-local host: {u}" for u in self.blocked_requests]
        )


def _route_local_only(log: BrowserLog):
    def handle(route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS:
            route.continue_()
        else:
            log.blocked_requests.append(url)
            route.abort("blockedbyclient")

    return handle


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"_browser_report_{report.when}", report)
    return report


def _test_failed(node) -> bool:
    for when in ("setup", "call"):
        report = getattr(node, f"_browser_report_{when}", None)
        if report is not None and report.failed:
            return True
    return False


def _artifact_path(config, node, suffix: str) -> Path:
    directory = Path(config.rootpath) / ARTIFACTS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", node.nodeid)[-150:]
    return directory / f"{name}{suffix}.png"


@pytest.fixture(scope="session")
def playwright_browser():
    """One headless system Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    # Set only once a browser test runs, so the rest of the suite keeps Django's check.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


def _open_page(request, browser, live_server, log: BrowserLog, **context_options) -> Iterator:
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        accept_downloads=True,
        **context_options,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.route("**/*", _route_local_only(log))
    context.on("console", log.on_console)
    context.on("weberror", lambda web_error: log.on_page_error(web_error.error))
    page = context.new_page()
    try:
        yield page
    finally:
        problems = log.problems()
        if _test_failed(request.node) or problems:
            for index, open_page in enumerate(context.pages):
                suffix = f"-{index}" if index else ""
                # A failing screenshot must not hide the test's own failure.
                with contextlib.suppress(Exception):
                    open_page.screenshot(
                        path=str(_artifact_path(request.config, request.node, suffix)),
                        full_page=True,
                    )
        context.close()
        if problems:
            pytest.fail("the browser reported problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(request, playwright_browser, live_server, browser_log):
    """A desktop page (1366x900, zh-CN, Asia/Shanghai) in a fresh context, on the live server."""
    yield from _open_page(request, playwright_browser, live_server, browser_log, viewport=DESKTOP)


@pytest.fixture
def phone_page(request, playwright_browser, live_server, browser_log, phone_context_options):
    """A phone-sized touch page (390x844) in a fresh context, on the live server; extra
    context options (geolocation, permissions) come from ``phone_context_options``."""
    yield from _open_page(
        request,
        playwright_browser,
        live_server,
        browser_log,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        **phone_context_options,
    )


@pytest.fixture
def phone_context_options(request) -> dict:
    """Extra Playwright context options for ``phone_page``, given by indirect
    parametrisation (or by overriding this fixture), e.g. a faked position with the
    permission granted:

        @pytest.mark.parametrize(
            "phone_context_options",
            [{"geolocation": {"latitude": 29.1, "longitude": 119.72},
              "permissions": ["geolocation"]}],
            indirect=True,
        )

    Without the permission, ``getCurrentPosition`` fails as on a phone whose user refused.
    """
    return dict(getattr(request, "param", None) or {})


def browser_login(page, user, password: str | None = None, *, next_url: str = "") -> None:
    """Log in through the real login form; returns once the next page has loaded.

    `user` is a User or a username. Does not check the outcome: a test of a failed login
    asserts on the page itself.
    """
    username = getattr(user, "username", user)
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", TEST_PASSWORD if password is None else password)
    with page.expect_navigation():
        page.click("form button[type=submit]")


_OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def assert_no_horizontal_overflow(page) -> None:
    """The page is no wider than the screen (wide tables scroll inside their cards)."""
    scroll_width, inner_width = page.evaluate(_OVERFLOW)
    assert scroll_width <= inner_width, (
        f"{page.url}: page is {scroll_width}px wide on {inner_width}"
    )
