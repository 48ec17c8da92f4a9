"""Browser: an article goes through 初审、复审、终审 by three people, three proof rounds and the
editor's note, onto an edition that is published; the public reading page at phone size
(390×844) shows it. Screenshots go to /tmp/forum-shots/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login
from gonghui.forum.models import Edition, Submission
from gonghui.forum.tests.factories import ARTICLE_TEXT

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/forum-shots")


def _page_width(page) -> int:
    """The laid-out width once the page and its fonts have settled."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.evaluate("document.documentElement.scrollWidth")


def _as(page, user):
    page.context.clear_cookies()
    browser_login(page, user)


def _review(page, user, article, stage_label):
    _as(page, user)
    page.goto(f"/forum/submissions/{article.pk}/")
    page.get_by_label("通过").check()
    page.get_by_role("button", name=f"提交{stage_label}意见").click()
    expect(page.locator(".alert, .messages").first).to_contain_text("审稿意见已记录")


def test_an_article_through_three_reviews_to_a_published_edition(
    page, phone_page, users, editors, tree
):
    SHOTS.mkdir(exist_ok=True)
    # An author submits.
    _as(page, users.township_staff)
    page.goto("/forum/submit/")
    page.locator("#id_title").fill("把职工的小事当成大事")
    page.locator("#id_author_name").fill("郑镇干")
    page.locator("#id_author_position").fill("工会主席")
    page.locator("#id_author_org").fill("甲镇总工会")
    page.locator("#id_text").fill(ARTICLE_TEXT)
    page.get_by_role("button", name="提交稿件").click()
    expect(page.locator("#article-status")).to_have_text("待初审")
    article = Submission.objects.get(title="把职工的小事当成大事")

    # Three reviews by three people; the first reviewer is refused the second stage.
    _review(page, editors.first, article, "初审")
    page.goto(f"/forum/submissions/{article.pk}/")
    expect(page.locator("#article-status")).to_contain_text("待复审")
    expect(page.get_by_role("button", name="提交复审意见")).to_have_count(0)
    expect(page.locator("#stage-taken")).to_contain_text("您已担任本稿件的初审")
    _review(page, editors.second, article, "复审")
    _review(page, editors.chief, article, "终审")
    page.goto(f"/forum/submissions/{article.pk}/")
    expect(page.locator("#article-status")).to_contain_text("已录用")
    page.screenshot(path=SHOTS / "detail-1366.png", full_page=True)

    # Three proof rounds and the editor's note.
    for number in (1, 2, 3):
        page.get_by_role("button", name=f"记录第{number}校").click()
        expect(page.locator(".alert, .messages").first).to_contain_text("校次已记录")
    page.locator("#id_note").last.fill("小事里见初心。")
    page.get_by_role("button", name="保存小编说").click()
    expect(page.locator("#editor-note")).to_contain_text("小事里见初心")

    # An edition planned from the accepted article, then published.
    page.goto("/forum/editions/new/")
    page.locator("#id_number").fill("12")
    page.locator("#id_issue_date").fill("2026-12-15")
    page.locator("#id_title").fill("基层工会主席谈工作")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("第12期")
    page.get_by_label("《把职工的小事当成大事》").check()
    page.get_by_role("button", name="编入本期").click()
    expect(page.locator("table")).to_contain_text("把职工的小事当成大事")
    page.screenshot(path=SHOTS / "edition-1366.png", full_page=True)
    page.get_by_role("button", name="发布本期").click()
    expect(page.locator("#edition-status")).to_contain_text("已发布")
    edition = Edition.objects.get(number=12)
    assert edition.status == "published"

    # The public reading page on a phone, no login.
    phone_page.goto(f"/forum/public/editions/{edition.pk}/")
    expect(phone_page.locator("h1")).to_contain_text("主席论坛 · 第12期")
    expect(phone_page.locator(".forum-article-title")).to_have_text("把职工的小事当成大事")
    expect(phone_page.locator(".forum-note")).to_contain_text("小事里见初心")
    assert _page_width(phone_page) <= 390
    phone_page.screenshot(path=SHOTS / "reading-390.png", full_page=True)
    phone_page.goto("/forum/public/")
    expect(phone_page.locator(".forum-editions")).to_contain_text("第12期")
    phone_page.screenshot(path=SHOTS / "public-home-390.png", full_page=True)
    phone_page.goto(f"/forum/public/editions/{edition.pk}/print/")
    phone_page.screenshot(path=SHOTS / "print-390.png", full_page=True)
    page.goto(f"/forum/public/editions/{edition.pk}/print/")
    page.screenshot(path=SHOTS / "print-1366.png", full_page=True)


def test_the_public_submission_page_on_a_phone(phone_page, tree, browser_log):
    SHOTS.mkdir(exist_ok=True)
    browser_log.allow_console(r"status of 422")  # the refused first submit
    phone_page.goto("/forum/public/submit/")
    phone_page.get_by_role("button", name="提交稿件").click()
    expect(phone_page.locator(".errorlist").first).to_be_visible()
    assert _page_width(phone_page) <= 390
    phone_page.screenshot(path=SHOTS / "public-submit-errors-390.png", full_page=True)
    phone_page.locator("#id_title").fill("我心中的工会")
    phone_page.locator("#id_author_name").fill("钱主席")
    phone_page.locator("#id_org").select_option(str(tree.b.pk))
    phone_page.locator("#id_text").fill(ARTICLE_TEXT)
    phone_page.locator("#id_contact_name").fill("钱先生")
    phone_page.locator("#id_contact_phone").fill("13700001111")
    phone_page.locator("#id_consent").check()
    phone_page.get_by_role("button", name="提交稿件").click()
    code = Submission.objects.get(title="我心中的工会").tracking_code
    expect(phone_page.locator("#tracking-code")).to_have_text(code)
    phone_page.screenshot(path=SHOTS / "public-done-390.png", full_page=True)
    assert _page_width(phone_page) <= 390
