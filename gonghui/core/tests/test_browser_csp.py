"""Browser: every main page under the enforced Content-Security-Policy (issue 21).

Scripts and stylesheets come only from the app (no inline script or event handler, no
eval, no <style> element). The county admin walks the menu, the first records of each list
and each page's actions on a phone-sized screen; a worker opens the portal pages. The browser
must report no violation, neither as a `securitypolicyviolation` event nor in the console,
and no page may be wider than the phone's screen.
"""

from urllib.parse import urlsplit

import pytest

from gonghui.assistance.programmes.tests.factories import archived, programme_in
from gonghui.core.testing.browser import assert_no_horizontal_overflow, browser_login
from gonghui.members.tests.factories import build_member
from gonghui.sites.tests.factories import build_site

pytestmark = pytest.mark.browser

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
});
"""
# Links that download a file rather than open a page.
SKIP = ("export", "download", "/logout", ".pdf")


def parse_policy(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


class CspWatch:
    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.context.add_init_script(WATCH)
        page.on("console", self._on_console)

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, path: str, *, fits: bool = True) -> None:
        # "load": every script and stylesheet of the page has run or been refused by then
        # (what scripts fetch later, the map's markers, is checked on its own below).
        response = self.page.goto(path, wait_until="load")
        assert response.status == 200, path
        policy = parse_policy(response.headers["content-security-policy"])
        assert policy["default-src"] == ["'self'"], path
        assert policy["script-src"] == ["'self'"], path
        assert policy["style-src"] == ["'self'"], path
        self.assert_clean(path)
        if fits:
            assert_no_horizontal_overflow(self.page)

    def assert_clean(self, where: str) -> None:
        violations = self.page.evaluate("window.__cspViolations")
        assert violations == [], f"{where}: {violations}"
        assert self.console == [], f"{where}: {self.console}"

    def links(self, selector: str, limit: int) -> list[str]:
        hrefs = self.page.eval_on_selector_all(
            selector, "els => els.filter(e => !e.hasAttribute('download')).map(e => e.href)"
        )
        here = urlsplit(self.page.url).netloc
        paths = []
        for href in hrefs:
            parts = urlsplit(href)
            if parts.netloc != here or any(word in parts.path for word in SKIP):
                continue
            if parts.path not in paths:
                paths.append(parts.path)
        return paths[:limit]


@pytest.fixture
def records(tree, users, enterprise_factory):
    """One record of each main kind in township A, so detail pages have something to show."""
    enterprise_factory(org=tree.a, has_union=True)
    member = build_member(org=tree.a1)
    site = build_site(org=tree.a1)
    archived(tree.a1)
    programme_in(tree.county)
    return {"member": member, "site": site}


def test_staff_pages_report_no_csp_violation_and_fit_a_phone(phone_page, users, records, settings):
    page = phone_page
    settings.PUBLIC_URL = "https://gonghui.qinghe.gov.cn"  # signs print only with a public address
    watch = CspWatch(page)
    browser_login(page, users.county_admin)
    watch.assert_clean("login")
    menu = watch.links("#sidenav a[href]", limit=100)
    assert len(menu) >= 15, menu  # the county admin's whole menu

    visited: list[str] = []
    queue = ["/", *menu, "/accounts/profile/"]
    for path in queue:
        if path in visited:
            continue
        watch.visit(path)
        visited.append(path)
        if path in menu:
            # the first records of the list and the page's own actions (new, import …)
            queue += watch.links("main table a[href]", limit=2)
            queue += watch.links(".page-actions a[href]", limit=6)
    for path in (
        f"/members/{records['member'].pk}/card/",
        f"/sites/{records['site'].pk}/edit/",
        f"/sites/{records['site'].pk}/sign/",
    ):
        watch.visit(path)
        visited.append(path)
    # the sign's 打印 button (its script moved out of the page) still prints
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.locator("#print-sign").click()
    assert page.evaluate("window.__printed") is True
    assert f"/members/{records['member'].pk}/" in visited
    assert f"/sites/{records['site'].pk}/" in visited
    assert len(visited) >= 40, visited

    # and what the map's script draws (markers) reports nothing either
    watch.visit("/sites/map/")
    page.locator(".leaflet-marker-icon, .site-pin").first.wait_for()
    watch.assert_clean("/sites/map/ with markers")


def test_portal_pages_report_no_csp_violation(phone_page, records):
    page = phone_page
    watch = CspWatch(page)
    site_code = records["site"].site_code
    for path in (
        "/portal/",
        "/portal/nearest/",
        f"/portal/sites/{site_code}/",
        "/portal/assistance/self-check/",
        "/portal/assistance/apply/",
        "/portal/assistance/status/",
        "/join/",
        "/join/status/",
    ):
        watch.visit(path)

    # the joining form's script (moved out of the page) runs: it shows the chosen path's
    # section and searches employers as the worker types
    watch.visit("/join/")
    page.locator("input[name=path][value=employer_union]").check()
    assert page.locator("[data-path-section=employer_union]").is_visible()
    assert not page.locator("[data-path-section=holding_pool]").is_visible()
    watch.assert_clean("/join/ after choosing a path")
