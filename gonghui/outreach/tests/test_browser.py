"""Browser: outreach on a phone (390×844) — a worker booking a caravan place and finding it
again by its reference, a worker sending an entry with a picture to a works contest, and staff
registering a worker on the spot at a stop and later recording her follow-up to "employed".
Each page is checked for horizontal overflow at phone width."""

import io

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login
from gonghui.outreach.caravans.models import OnSiteRegistration, Outcome, RegistrationStatus
from gonghui.outreach.caravans.tests.factories import build_stop, offer_of
from gonghui.outreach.contests.models import Entry
from gonghui.outreach.contests.tests.factories import build_contest

pytestmark = pytest.mark.browser

OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _no_overflow(page) -> None:
    scroll_width, inner_width = page.evaluate(OVERFLOW)
    assert scroll_width <= inner_width, f"{page.url}: {scroll_width}px wide on {inner_width}"


def _png() -> dict:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
    return {"name": "焊花.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_a_worker_books_a_caravan_place_on_a_phone_and_finds_it_again(phone_page, tree):
    page = phone_page
    stop = build_stop(
        org=tree.a1, place="甲镇便民广场", quotas={"job_aid": 1, "training:welder": 5}
    )
    page.goto("/portal/outreach/")
    _no_overflow(page)
    page.get_by_role("link", name="甲镇便民广场").click()
    expect(page.locator("h1")).to_have_text("甲镇便民广场")
    _no_overflow(page)
    # a submit without a name: the message at the field, nothing written
    page.get_by_label("免费培训：焊工", exact=False).check()
    page.get_by_role("button", name="提交预约").click()
    expect(page.locator("#id_name_errors")).to_have_text("请填写姓名。")
    assert not OnSiteRegistration.objects.exists()
    page.locator("#id_name").fill("赵敏")
    page.locator("#id_wish_job").fill("焊工")
    page.get_by_role("button", name="提交预约").click()
    expect(page.locator("h1")).to_have_text("预约成功")
    _no_overflow(page)
    made = OnSiteRegistration.objects.get(name="赵敏")
    assert made.offer == offer_of(stop, "training", "welder")
    assert made.status == RegistrationStatus.CONFIRMED
    reference = page.locator(".outreach-reference").inner_text()
    assert reference == made.reference
    # later: the reference finds the booking again
    page.goto("/portal/outreach/registrations/")
    _no_overflow(page)
    page.locator("#id_reference").fill(reference.lower())
    page.get_by_role("button", name="查询").click()
    expect(page.locator("h1")).to_have_text("预约成功")
    expect(page.locator(".portal-card").nth(1)).to_contain_text("甲镇便民广场")


def test_a_worker_sends_a_photo_to_a_works_contest_on_a_phone(phone_page, tree):
    page = phone_page
    contest = build_contest(org=tree.a, title="“劳动最美”摄影作品征集")
    page.goto("/portal/outreach/contests/")
    _no_overflow(page)
    page.get_by_role("link", name=contest.title).click()
    expect(page.locator("h1")).to_have_text(contest.title)
    _no_overflow(page)
    page.locator("#id_category").select_option(label="摄影")
    page.locator("#id_author_name").fill("王芳")
    page.locator("#id_phone").fill("13900002222")
    page.locator("#id_title").fill("焊花")
    page.locator("#id_images").set_input_files(_png())
    page.get_by_role("button", name="提交作品").click()
    expect(page.locator("h1")).to_have_text("投稿成功")
    _no_overflow(page)
    entry = Entry.objects.get(title="焊花")
    assert entry.images.count() == 1 and entry.category.name == "摄影"
    expect(page.locator(".outreach-reference")).to_have_text(entry.reference)


def test_staff_register_a_worker_at_a_stop_on_a_phone_and_record_her_job(phone_page, tree, users):
    page = phone_page
    stop = build_stop(org=tree.a1, place="甲镇工业园广场", quotas={"job_aid": 5})
    browser_login(page, users.township_staff, next_url=f"/outreach/stops/{stop.pk}/")
    expect(page.locator("h1")).to_contain_text("甲镇工业园广场")
    page.locator(f'a[href="/outreach/stops/{stop.pk}/register/"]').click()
    expect(page.locator("h1")).to_have_text("现场登记")
    _no_overflow(page)
    page.get_by_label("就业援助", exact=False).check()
    page.locator("#id_name").fill("王芳")
    page.locator("#id_consent").check()
    page.locator("#id_phone").fill("13800005678")
    page.locator("#id_wish_job").fill("电子装配")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("#last-registration")).to_contain_text("名额已确认")
    _no_overflow(page)
    made = OnSiteRegistration.objects.get(name="王芳")
    assert made.status == RegistrationStatus.CONFIRMED and made.phone == "13800005678"
    # the form is empty again for the next worker
    expect(page.locator("#id_name")).to_have_value("")
    page.locator("#last-registration").get_by_role("link", name="查看").click()
    _no_overflow(page)
    page.locator("a.btn", has_text="记录回访").first.click()
    expect(page.locator("h1")).to_contain_text("第 1 次回访：王芳")
    _no_overflow(page)
    # "employed" without employer and pay: both messages at once, nothing written
    page.get_by_label("已就业", exact=True).check()
    page.get_by_role("button", name="保存回访").click()
    expect(page.locator("#id_employer_name_errors")).to_have_text("已就业的请填写就业单位。")
    expect(page.locator("#id_monthly_pay_errors")).to_have_text("已就业的请填写月工资(元)。")
    made.refresh_from_db()
    assert made.outcome == ""
    page.locator("#id_employer_name").fill("甲镇电子厂")
    page.locator("#id_monthly_pay").fill("4800")
    page.get_by_role("button", name="保存回访").click()
    expect(page.get_by_text("结案：已就业")).to_be_visible()
    _no_overflow(page)
    made.refresh_from_db()
    assert (made.outcome, made.employer_name, made.monthly_pay) == (
        Outcome.EMPLOYED,
        "甲镇电子厂",
        4800,
    )
    assert not made.followups.filter(status="pending").exists()
