"""Browser: staff file a hardship archive through the staff form, fix a field error, and
see the computed category explained and the ID number masked on the detail page."""

import datetime

import pytest
from playwright.sync_api import expect

from gonghui.assistance.archives.tests.factories import ensure_standard
from gonghui.assistance.models import HardshipArchive
from gonghui.core.testing.browser import browser_login
from gonghui.members.tests.factories import make_id_number

pytestmark = pytest.mark.browser

ID_NUMBER = make_id_number(n=913, birth=datetime.date(1976, 5, 20))


def _bad_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def _fill_the_form(page, org, id_number: str) -> None:
    page.locator("#id_org").select_option(str(org.pk))
    page.locator("#id_name").fill("浏览器困难户")
    page.locator("#id_id_number").fill(id_number)
    page.locator("#id_phone").fill("13900005678")
    page.locator("#id_hukou_type").select_option("urban")
    page.locator("#id_work_status").select_option("unemployed")
    page.locator("#id_household_size").fill("3")
    page.locator("#id_annual_income").fill("18000")
    page.locator("#id_main_cause").select_option("serious_illness")


@pytest.mark.parametrize(
    ("role", "org_attr"), [("grassroots_staff", "a1"), ("township_staff", "a")]
)
def test_staff_create_an_archive_and_see_its_category(page, tree, users, role, org_attr):
    # given the county's 低保 standard of 800 yuan a month
    org = getattr(tree, org_attr)
    ensure_standard(org, amount="800")
    browser_login(page, getattr(users, role))
    page.goto("/assistance/new/")
    # when the ID number has a wrong check digit
    _fill_the_form(page, org, _bad_check_digit(ID_NUMBER))
    page.get_by_role("button", name="保存").click()
    # then the form comes back with the error in Chinese, and the input is kept
    expect(page.locator("#id_id_number_errors")).to_contain_text("校验位不正确")
    expect(page.locator("#id_name")).to_have_value("浏览器困难户")
    expect(page.locator("#id_annual_income")).to_have_value("18000")
    assert not HardshipArchive.objects.exists()
    # when the number is corrected and the form sent again
    page.locator("#id_id_number").fill(ID_NUMBER)
    page.get_by_role("button", name="保存").click()
    # then the detail page shows the computed category with its explanation
    # (18,000 a year for 3 people is 500 a month, below the 800 standard: 深度困难)
    expect(page.locator("h1")).to_contain_text("浏览器困难户")
    expect(page.get_by_role("heading", name="困难类别：深度困难")).to_be_visible()
    expect(page.locator("#explanation")).to_contain_text("500")
    expect(page.locator("#explanation")).to_contain_text("800")
    # and the ID number masked
    masked = ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
    expect(page.locator("#id-number")).to_contain_text(masked)
    expect(page.locator("body")).not_to_contain_text(ID_NUMBER)
    archive = HardshipArchive.objects.get()
    assert (archive.org, archive.category, archive.id_number) == (org, "deep", ID_NUMBER)
