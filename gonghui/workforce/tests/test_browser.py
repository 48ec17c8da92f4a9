"""Browser walks of the workforce flows, one test per flow: staff create a competition, run
it, register entrants, enter scores (a refused sheet, then the corrected one) and publish the
results (desktop); a nomination through review, public notice and an objection to approval;
a worker registers on the portal at phone size (390x844)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.core.testing.browser import assert_no_horizontal_overflow, browser_login
from gonghui.workforce.competitions.models import (
    Competition,
    CompetitionStatus,
    Entry,
    EntryStatus,
)
from gonghui.workforce.honours.models import Honour
from gonghui.workforce.pioneers import services as pioneers
from gonghui.workforce.pioneers.models import NominationStatus
from gonghui.workforce.tests import factories as f


def _today() -> datetime.date:
    """The app's today (Asia/Shanghai), read when the walk runs: a date taken when the module
    was collected is a day behind once the run crosses midnight in Shanghai (16:00 UTC), and
    the registration window below closed under the walk (the cause of a failed run at 16:00)."""
    return timezone.localdate()


# Each step of the staff walk posts a form that writes and audits: allow for a loaded machine.
SLOW = 20_000


@pytest.mark.browser
def test_staff_create_a_competition_enter_scores_and_publish_results(
    page, browser_log, users, tree
):
    browser_log.allow_console("status of 422")  # the refused score sheet, on purpose
    welding, champion_title = f.trade("焊工"), f.title("技术能手")
    f.rule(tree.county, rank_to=1, title_=champion_title, grade_steps=1)
    first, second = f.member(tree.a1, name="甲选手"), f.member(tree.b1, name="乙选手")
    today = _today()
    browser_login(page, users.county_admin)
    # given a new county skills competition, registration open today (and tomorrow, so that
    # a walk running over midnight still finds it open)
    page.goto("/workforce/competitions/new/")
    page.select_option("#id_org", str(tree.county.pk))
    page.fill("#id_name", "县焊工职业技能大赛")
    page.select_option("#id_kind", "skills")
    page.select_option("#id_level", "county")
    page.fill("#id_starts_on", today.isoformat())
    page.fill("#id_ends_on", (today + datetime.timedelta(days=3)).isoformat())
    page.fill("#id_registration_from", today.isoformat())
    page.fill("#id_registration_until", (today + datetime.timedelta(days=1)).isoformat())
    page.get_by_label("焊工").check()
    page.get_by_label("技术能手").check()
    page.fill("#id_theory_weight", "40")
    page.fill("#id_practical_weight", "60")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("请提交立项", timeout=SLOW)
    competition = Competition.objects.get(name="县焊工职业技能大赛")
    # when it is approved and started, and two members are registered
    page.get_by_role("button", name="立项").click()
    page.get_by_role("button", name="开始比赛").click()
    expect(page.locator("h1")).to_contain_text("进行中", timeout=SLOW)
    page.get_by_role("link", name="登记报名").click()
    for person in (first, second):
        page.fill("#id_member", person.card_number)
        page.select_option("#id_trade", str(welding.pk))
        page.get_by_role("button", name="报名并继续登记").click()
        expect(page.locator(".messages")).to_contain_text(f"{person.name}已报名", timeout=SLOW)
    # and their scores are entered: 40% theory + 60% practical
    page.goto(f"/workforce/competitions/{competition.pk}/scores/")
    page.get_by_label("甲选手的理论成绩").fill("90")
    page.get_by_label("甲选手的实操成绩").fill("95")
    page.get_by_label("乙选手的理论成绩").fill("88")
    page.get_by_label("乙选手的实操成绩").fill("101")  # over the maximum: refused, nothing saved
    # The refused sheet's forms.js arrives only after the correction is typed, as on a loaded
    # machine: its messages then go when the field blurs, i.e. while "save" is pressed, which
    # once moved the button from under the pointer and lost the second submit.
    held = []
    page.route("**/static/js/forms.js", lambda route: held.append(route))
    page.get_by_role("button", name="保存成绩并计算名次").click()
    expect(page.locator("#score-sheet .errorlist")).to_contain_text(
        "乙选手的实操成绩应在 0 到 100 之间", timeout=SLOW
    )
    assert not Entry.objects.filter(competition=competition, total__isnull=False).exists()
    # corrected on the refused sheet (what was typed is still there) and saved again
    expect(page.get_by_label("甲选手的实操成绩")).to_have_value("95")
    page.get_by_label("乙选手的实操成绩").fill("80")
    for route in held:
        route.continue_()
    page.unroute("**/static/js/forms.js")
    page.wait_for_load_state("load")
    page.get_by_role("button", name="保存成绩并计算名次").click()
    # saved, then back on the sheet with the new totals and ranks
    expect(page.locator(".messages")).to_contain_text(
        "已保存第 1 轮焊工成绩(2 条变更)", timeout=SLOW
    )
    expect(page.locator("#score-sheet")).to_contain_text("93.00 / 第 1 名", timeout=SLOW)
    expect(page.locator("#score-sheet")).to_contain_text("83.20 / 第 2 名", timeout=SLOW)
    # and the results are published (the page asks to confirm)
    page.goto(f"/workforce/competitions/{competition.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="公布成绩").click()
    # then the competition shows published results and the champion's honour is recorded
    expect(page.locator("h1")).to_contain_text("成绩已公布", timeout=SLOW)
    expect(page.locator("#results")).to_contain_text("甲选手", timeout=SLOW)
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.SUMMARY
    honour = Honour.objects.get(member=first, revoked=False)
    assert (honour.title, honour.grade_steps) == (champion_title, 1)
    assert not Honour.objects.filter(member=second).exists()


@pytest.mark.browser
def test_a_worker_registers_for_a_competition_on_the_phone(phone_page, browser_log, tree):
    browser_log.allow_console("status of 4(04|22)")  # the refused submissions, on purpose
    competition = f.competition(
        tree.county,
        status=CompetitionStatus.APPROVED,
        portal_open=True,
        name="县电工技能大赛",
        trades=[f.trade("电工"), f.trade("焊工")],
    )
    person = f.member(tree.a1, name="手机报名者")
    page = phone_page
    # given the portal home on a phone
    page.goto("/portal/")
    page.get_by_role("link", name="竞赛报名与荣誉").click()
    # when the worker identifies with a wrong phone, then with their own
    page.fill("#id_id_number", person.id_number)
    page.fill("#id_phone", "13900000000")
    page.get_by_role("button", name="进入").click()
    expect(page.locator("#form-errors")).to_contain_text("未找到")
    page.fill("#id_phone", person.phone)
    page.get_by_role("button", name="进入").click()
    # then the competitions open to them are listed, the ID number masked
    expect(page.locator(".wfp-who")).to_contain_text("手机报名者")
    expect(page.locator(".wfp-who")).not_to_contain_text(person.id_number)
    page.get_by_role("link", name="县电工技能大赛").click()
    # when they submit without a trade, the page says so; then they pick one
    page.get_by_role("button", name="确认报名").click()
    expect(page.locator("#register-form .errorlist")).to_contain_text("请选择报名工种")
    page.get_by_label("电工").check()
    page.get_by_role("button", name="确认报名").click()
    # then they are registered, and see it in their list
    expect(page.locator(".messages")).to_contain_text("手机报名者已报名县电工技能大赛(电工)")
    expect(page.locator("#my-entries")).to_contain_text("已报名")
    entry = Entry.objects.get(competition=competition, member=person)
    assert (entry.channel, entry.status) == ("portal", EntryStatus.REGISTERED)
    # and nothing on the page (its stylesheets loaded) is wider than the phone
    page.wait_for_load_state("load")
    assert_no_horizontal_overflow(page)


@pytest.mark.browser
def test_a_nomination_goes_through_public_notice_to_approval(page, browser_log, users, tree):
    today = _today()
    employer = f.covered_enterprise(tree.a1, has_union=True, name="青禾焊接有限公司")
    team = pioneers.team_create(actor=None, enterprise=employer, name="焊接一班", kind="crew")
    # given a grassroots union's nomination of a team for 工人先锋号
    nomination = pioneers.nomination_create(
        actor=users.grassroots_staff,
        org=tree.a1,
        kind="pioneer",
        level="county",
        year=today.year,
        team=team,
        deeds="连续三年安全生产无事故，攻克焊接难题 5 项。",
        workers_heard_on=today,
        workers_heard_note="班组职工大会",
    )
    browser_login(page, users.county_admin)
    page.goto(f"/workforce/nominations/{nomination.pk}/")
    expect(page.locator("#prechecks")).to_contain_text("通过")
    # when the county reviews it and publishes it for a week's notice (now ended)
    page.fill("#id_note", "事迹属实")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过", timeout=SLOW)
    page.fill("#id_notice_from", (today - datetime.timedelta(days=8)).isoformat())
    page.fill("#id_notice_until", (today - datetime.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="发布公示").click()
    expect(page.locator(".messages")).to_contain_text("已发布公示", timeout=SLOW)
    # and an objection received during the notice is recorded: approval waits for it
    page.locator("summary", has_text="登记异议").click()
    page.fill("#id_received_on", (today - datetime.timedelta(days=5)).isoformat())
    page.fill("#id_content", "反映该班组去年有违章作业。")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已登记异议", timeout=SLOW)
    expect(page.locator("#actions")).to_contain_text("有尚未核实的公示异议")
    # and checked and found untrue
    page.locator("#objections summary", has_text="核实").click()
    page.locator("#objections select").select_option("dismissed")
    page.locator("#objections input[name=outcome_note]").fill("经核查，违章作业系其他班组。")
    page.locator("#objections").get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已核实异议", timeout=SLOW)
    # then it can be approved (the page asks to confirm)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="审批命名").click()
    expect(page.locator(".messages")).to_contain_text("已审批命名", timeout=SLOW)
    expect(page.locator("h1")).to_contain_text("已命名")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.APPROVED
    assert nomination.prechecks  # the pre-checks kept with the approval
    assert Honour.objects.filter(team=team, kind="pioneer", revoked=False).exists()
