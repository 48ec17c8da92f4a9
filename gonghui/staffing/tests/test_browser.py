"""A worker's anonymous rating on the portal at phone size (390×844, Chromium), and the
staff appraisal page that shows only the count while rating and the mean once published. Screenshots go to test-artifacts/
(staffing-*.png)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login
from gonghui.staffing.appraisals import services as appraisals_services
from gonghui.staffing.tests.factories import build_appraisal, build_worker

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    page.screenshot(
        path=str(ARTIFACTS / f"staffing-{name}-{size['width']}x{size['height']}.png"),
        full_page=True,
    )


@pytest.mark.browser
def test_a_worker_rates_anonymously_once_on_a_phone(phone_page, page, browser_log, tree, users):
    browser_log.allow_console("status of 422")  # refusals shown on purpose
    browser_log.allow_console("status of 404")
    appraisal = build_appraisal(worker=build_worker(org=tree.a, name="林社工"))
    tokens = appraisals_services.invites_issue(actor=None, appraisal=appraisal, count=3)
    phone = phone_page
    phone.goto(f"/portal/staffing/rate/{tokens[0]}/")
    expect(phone.locator("h1")).to_have_text("为社会化工会工作者评分")
    expect(phone.locator("main")).to_contain_text("林社工")
    _shot(phone, "rate")
    # A score outside the scale is refused with the reason; nothing is counted.
    phone.fill("#id_score", "120")
    phone.get_by_role("button", name="提交评分").click()
    expect(phone.locator(".errorlist")).to_contain_text("100")
    _shot(phone, "rate-refused")
    appraisal.refresh_from_db()
    assert appraisal.worker_ratings == 0
    phone.fill("#id_score", "86")
    phone.get_by_role("button", name="提交评分").click()
    expect(phone.locator("h1")).to_have_text("评议已提交")
    _shot(phone, "rate-done")
    # The link is spent: a second rating through it is refused.
    phone.goto(f"/portal/staffing/rate/{tokens[0]}/")
    expect(phone.locator("h1")).to_have_text("链接无效")
    for token, score in zip(tokens[1:], (70, 90), strict=True):
        appraisals_services.rating_submit_anonymous(token=token, score=score)
    # Staff see the workers' group as a count while the rating runs (a running mean would
    # give each new score away), the mean once published — never single scores.
    browser_login(page, users.township_staff)
    page.goto(f"/staffing/appraisals/{appraisal.pk}/")
    row = page.locator("#rating-summary tbody tr", has_text="职工(匿名)")
    expect(row).to_contain_text("3")
    expect(row).to_contain_text("公布结果时显示")
    expect(page.locator("main")).not_to_contain_text("86")
    expect(page.locator("main")).not_to_contain_text("82.00")
    _shot(page, "appraisal")
    appraisals_services.appraisal_publish(actor=None, appraisal=appraisal)
    page.goto(f"/staffing/appraisals/{appraisal.pk}/")
    expect(row).to_contain_text("82.00")
    _shot(page, "appraisal-published")
