"""Browser: a programme is closed only after the confirmation is accepted; the township's view
of the county's spot-check draw; both pages fit phone and desktop screens (screenshots in
test-artifacts/)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from gonghui.assistance.archives import services
from gonghui.assistance.archives.tests.factories import archive_in
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import Programme
from gonghui.assistance.programmes.tests.factories import archived, programme_in, proposed
from gonghui.assistance.standards.selectors import today
from gonghui.core.testing.browser import browser_login

pytestmark = pytest.mark.browser
ARTIFACTS = Path("test-artifacts")
SIZES = (("390x844", (390, 844)), ("1440x900", (1440, 900)))


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for label, (width, height) in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.reload()  # laid out afresh at this size (the navigation drawer starts closed)
        expect(page.locator("h1")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (name, label, overflow)


def test_staff_close_a_programme_once_they_confirm(page, users, tree):
    # Given the county's 送温暖 with one pending proposal
    programme = programme_in(tree.county, name="冬季送温暖")
    proposed(programme, archived(tree.a1, name="王春花"))
    browser_login(page, users.county_staff)
    page.goto(f"/assistance/programmes/{programme.pk}/")
    _shoot(page, "programme-open")

    # When staff click 结束项目 and dismiss the confirmation, nothing changes
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.click("#close-btn")
    expect(page.locator("#close-btn")).to_be_visible()
    assert "尚有 1 项待审批的发放将无法审批" in messages[0]
    assert Programme.objects.get(pk=programme.pk).status == "open"

    # When they click again and accept
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#close-btn")

    # Then the programme shows as ended, without the close, propose and approve controls
    expect(page.locator(".messages, .alert").first).to_contain_text("已结束项目：冬季送温暖")
    expect(page.locator("#closed-notice")).to_be_visible()
    expect(page.locator("#close-btn")).to_have_count(0)
    expect(page.locator("#approve-btn")).to_have_count(0)
    assert Programme.objects.get(pk=programme.pk).status == "closed"
    page.goto(f"/assistance/programmes/{programme.pk}/")
    _shoot(page, "programme-closed")


def test_a_township_sees_its_households_in_the_county_draw(page, users, tree):
    # Given the county's draw of this year, every household drawn, one at B
    for name, org in (("甲村抽查户", tree.a1), ("甲企抽查户", tree.ae), ("乙村抽查户", tree.b1)):
        archive_in(ArchiveStatus.ARCHIVED, org=org, name=name)
    services.spot_check_draw(
        actor=users.county_staff, county=tree.county, year=today().year, share="1"
    )
    browser_login(page, users.township_staff)
    page.goto("/assistance/spot-checks/")

    # Then township staff see the draw with their own households only
    expect(page.locator("#scope-note")).to_be_visible()
    expect(page.locator("#drawn")).to_contain_text("甲村抽查户")
    expect(page.locator("#drawn")).to_contain_text("甲企抽查户")
    expect(page.locator("#drawn")).not_to_contain_text("乙村抽查户")
    expect(page.locator("#draw-form")).to_have_count(0)
    _shoot(page, "spot-checks-township")

    # And county staff see all three and the draw form
    page.context.clear_cookies()
    browser_login(page, users.county_staff)
    page.goto("/assistance/spot-checks/")
    expect(page.locator("#drawn")).to_contain_text("乙村抽查户")
    expect(page.locator("#scope-note")).to_have_count(0)
    _shoot(page, "spot-checks-county")
