"""Browser: a worker's two portal flows of outreach on a phone (390×844) — booking a caravan
place and finding it again by its reference, and sending an entry with a picture to a works
contest. Each page is checked for horizontal overflow at phone width."""

import io

import pytest
from playwright.sync_api import expect

from gonghui.outreach.caravans.models import OnSiteRegistration, RegistrationStatus
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
