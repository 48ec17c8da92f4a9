"""Browser: the leaders' dashboard at 1366×768 and 390×844 (charts and the township map drawn,
no horizontal overflow, no CSP or console errors), a drill-down from a tile to the township
comparison and on to a township's own screen (from the map and from the table), from a tile
to the records it counts, and a target's page from the dashboard."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login
from gonghui.members.tests.factories import build_member
from gonghui.plans.targets.services import target_split
from gonghui.plans.targets.tests.factories import build_plan, build_target

pytestmark = pytest.mark.browser
ARTIFACTS = Path("test-artifacts")


@pytest.fixture
def county_plan(tree):
    year = timezone.localdate().year
    for org in (tree.a1, tree.a1, tree.ae, tree.b1):
        build_member(org=org, joined_on=dt.date(year, 1, 2))
    plan = build_plan(org=tree.county, year=year, title="县总工会年度目标")
    target = build_target(plan=plan, name="新发展会员", value=8)
    target_split(actor=None, target=target, shares={tree.a: 5, tree.b: 3})
    build_target(plan=plan, name="召开全委会", measure_code="", value=None)
    _township_layer(tree)
    return plan


def _township_layer(tree):
    """The county's township boundaries (two squares side by side), as the sites module
    imports them: the comparison's map draws them."""
    import json

    from gonghui.sites.models import MapLayer

    def square(x):
        ring = [[x, 30], [x + 0.1, 30], [x + 0.1, 30.1], [x, 30.1], [x, 30]]
        return {"type": "Polygon", "coordinates": [ring]}

    features = [
        {"type": "Feature", "geometry": square(120), "properties": {"name": "甲镇", "code": tree.a.code}},
        {"type": "Feature", "geometry": square(120.1), "properties": {"name": "乙镇", "code": tree.b.code}},
    ]  # fmt: skip
    MapLayer.objects.create(
        org=tree.county,
        kind="township",
        geojson=json.dumps({"type": "FeatureCollection", "features": features}),
    )


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1366, "height": 768}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_the_dashboard_fits_the_screen_and_draws_its_charts(page, users, county_plan, viewport):
    page.set_viewport_size(viewport)
    browser_login(page, users.leader)
    page.goto("/dashboard/")
    expect(page.locator("h1")).to_have_text("领导驾驶舱：测试县总工会")
    expect(page.locator("#target-table")).to_contain_text("新发展会员")
    expect(page.locator("#target-table")).to_contain_text("手工填报")
    expect(page.locator('[data-measure="members.active"] .value')).to_contain_text("4")
    expect(page.locator("#pending")).to_have_count(0)  # every tile's module has landed
    expect(page.locator("#chart-pace canvas")).to_have_count(1)
    expect(page.locator("#chart-compare canvas")).to_have_count(1)
    expect(page.locator("#compare-map path.leaflet-interactive")).to_have_count(2)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, overflow
    ARTIFACTS.mkdir(exist_ok=True)
    name = "phone" if viewport["width"] < 600 else "desktop"
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


def test_a_tile_drills_down_to_the_townships_and_on_to_one(page, users, tree, county_plan):
    browser_login(page, users.county_staff)
    page.goto("/dashboard/")
    page.locator('[data-measure="members.joined"]').get_by_role("link", name="各下级").click()
    expect(page.locator("#compare h2")).to_have_text("下级对比：新入会会员")
    rows = page.locator("#ranking tbody tr")
    expect(rows.first).to_contain_text("甲镇总工会")
    expect(rows.first).to_contain_text("3")
    # The map drills down too: the first township's shape opens its screen.
    page.locator("#compare-map path.leaflet-interactive").first.click()
    expect(page.locator("h1")).to_have_text("领导驾驶舱：甲镇总工会")
    page.go_back()
    rows.first.get_by_role("link", name="甲镇总工会").click()
    expect(page.locator("h1")).to_have_text("领导驾驶舱：甲镇总工会")
    expect(page.locator('[data-measure="members.joined"] .value')).to_contain_text("3")
    # A tile drills down to the records it counts: the township's members in register.
    page.locator('[data-measure="members.active"]').get_by_role("link", name="明细").click()
    expect(page.locator("h1")).to_have_text("会员名册")
    expect(page.locator("table.table tbody tr")).to_have_count(3)
    page.go_back()
    # The township's share of the county target, with its pace.
    page.locator("#target-table").get_by_role("link", name="新发展会员").click()
    expect(page.locator("h1")).to_have_text("新发展会员 · 甲镇总工会")
    expect(page.locator("#target-actual")).to_contain_text("3人")
