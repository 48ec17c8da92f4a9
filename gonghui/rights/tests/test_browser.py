"""Browser: a 提示函 drafted from a finding, previewed, downloaded as PDF and issued; a
township works its part of a season's list; a worker applies for legal aid on a phone."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login
from gonghui.rights.models import BargainingOffer, LegalAidCase, NoticeStatus, WageNotice
from gonghui.rights.tests import factories
from gonghui.rights.tests import permission_targets as m
from gonghui.rights.tests.factories import valid_id_number

pytestmark = pytest.mark.browser


def test_staff_draft_print_and_issue_a_prompt_letter_from_a_finding(page, users, employer_a):
    finding = factories.finding(employer_a, found_on=m.days_ago(6), amount=Decimal("48000"))
    browser_login(page, users.township_staff)
    page.goto(f"/rights/findings/{finding.pk}/")
    page.get_by_role("button", name="起草提示函").click()
    expect(page.locator("h1")).to_contain_text("提示函")
    body = page.locator("#id_body").input_value()
    assert "48,000.00 元" in body and employer_a.name in body
    with page.expect_popup() as popup:
        page.get_by_role("link", name="打印预览").click()
    preview = popup.value
    expect(preview.locator("h1")).to_have_text("工会劳动法律监督提示函")
    preview.close()
    with page.expect_download() as download:
        page.locator("#download-pdf").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    page.get_by_role("link", name="登记送达").click()
    page.locator("#id_number").fill("测工函〔2026〕1号")
    page.get_by_role("button", name="登记送达").click()
    expect(page.locator(".messages")).to_contain_text("整改期限至")
    notice = WageNotice.objects.get()
    assert notice.status == NoticeStatus.ISSUED and notice.issued_on == m.today()


def test_a_township_works_its_part_of_the_season_list(page, tree, users):
    own = [factories.union_enterprise(parent=tree.a, name=f"名单甲{i}") for i in range(2)]
    other = factories.union_enterprise(parent=tree.b, name="名单乙")
    season = m.season_at(tree.county, "浏览器要约行动")
    browser_login(page, users.township_staff)
    page.goto(f"/rights/seasons/{season.pk}/")
    expect(page.locator("#season-progress")).to_contain_text("甲镇总工会")
    page.get_by_role("link", name="要约对象名单").click()
    rows = page.locator("#targets tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#targets")).not_to_contain_text(other.name)
    rows.first.get_by_role("button", name="发出要约").click()
    expect(page.locator(".messages")).to_contain_text("已向")
    expect(page.locator("#targets")).to_contain_text("待答复")
    page.locator("#f-state").select_option("todo")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#targets tbody tr")).to_have_count(1)
    assert BargainingOffer.objects.filter(season=season, enterprise__in=own).count() == 1
    page.goto(f"/rights/seasons/{season.pk}/")
    expect(page.locator("#season-progress tbody tr").first).to_contain_text("50%")


def test_a_worker_applies_for_legal_aid_on_a_phone(phone_page, tree):
    page = phone_page
    page.goto("/portal/")
    page.get_by_role("link", name="法律援助").first.click()
    expect(page.locator("h1")).to_have_text("工会法律援助申请")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#form-errors-summary")).to_be_visible()
    page.locator("#id_applicant_name").fill("张小工")
    page.locator("#id_id_number").fill(valid_id_number(42))
    page.locator("#id_phone").fill("13700001234")
    page.locator("#id_township").select_option(str(tree.a.pk))
    page.locator("#id_employer_name").fill("某快递网点")
    page.locator("#id_kind").select_option("mediation")
    page.locator("#id_facts").fill("网点拖欠两个月派件费，请求帮助追讨。")
    page.locator("#id_health_details").fill("送件途中摔伤右腿")
    page.locator("#id_promise").check()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#done")).to_contain_text("甲镇总工会")
    case = LegalAidCase.objects.get()
    expect(page.locator("#case-number")).to_have_text(case.number)
    assert case.has_health_details and case.org == tree.a
