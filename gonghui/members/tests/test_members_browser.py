"""Browser: the staff member pages — an import with errors and an existing member (skipped on
request), pinyin search → detail → card with QR → 退会, join review, statistics charts."""

import io

import pytest
import xlsxwriter
from playwright.sync_api import expect

from gonghui.core.testing.browser import browser_login
from gonghui.members.joining.tests.matrix import build_application
from gonghui.members.models import Member, MemberStatus
from gonghui.members.tests.factories import build_member, make_id_number

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def member_sheet(rows: list[list]) -> bytes:
    """A member list as unions send them: a merged title row above the header."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("会员")
    sheet.merge_range(0, 0, 0, 4, "甲镇一村工会会员名册", workbook.add_format({"bold": True}))
    sheet.write_row(1, 0, ["姓名", "公民身份号码", "手机号码", "户口性质", "入会日期"])
    for index, row in enumerate(rows, start=2):
        sheet.write_row(index, 0, row)
    workbook.close()
    return buffer.getvalue()


def test_member_import_with_errors_skips_existing_members_on_request(page, users, tree, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    existing = build_member(org=tree.a1, name="老会员", phone="13800001234")
    new_id = make_id_number(male=True)
    content = member_sheet(
        [
            ["新会员", new_id, "13911112222", "农业", "2021.3.5"],
            ["老会员", existing.id_number, "13999990000", "城镇", "2020-05-01"],
            ["填错了", "110105194912310021", "", "农业", "2021年3月5日"],  # row 5: check digit
        ]
    )
    browser_login(page, users.township_staff)

    page.goto("/members/")
    page.get_by_role("link", name="导入", exact=True).click()
    expect(page.locator("h1")).to_have_text("导入会员")
    page.locator("select[name=org]").select_option(str(tree.a1.pk))
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "一村会员.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="上传", exact=True).click()

    stats = page.locator(".stats .stat")
    expect(stats.filter(has_text="数据行数").locator(".value")).to_have_text("3")
    expect(stats.filter(has_text="可以导入").locator(".value")).to_have_text("2")
    expect(stats.filter(has_text="其中已有记录").locator(".value")).to_have_text("1")
    expect(stats.filter(has_text="有错误").locator(".value")).to_have_text("1")
    errors = page.locator(".card", has=page.get_by_role("heading", name="错误(1 行)"))
    expect(errors).to_contain_text("第 5 行：身份证号校验位不正确，请核对后重新输入。")
    expect(page.locator("table.table")).not_to_contain_text(new_id)  # preview masks IDs

    page.get_by_label("导入有效行，跳过其余").check()
    page.get_by_label("跳过已有记录(只新增，不修改已有记录)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="开始导入 2 行").click()

    progress = page.locator("#import-progress")
    expect(progress.get_by_role("heading", name="导入完成")).to_be_visible()
    expect(progress.locator(".stat", has_text="新增").locator(".value")).to_have_text("1")
    expect(progress.locator(".stat", has_text="已有记录跳过").locator(".value")).to_have_text("1")
    expect(progress.locator(".stat", has_text="未导入").locator(".value")).to_have_text("1")
    expect(page.get_by_role("link", name="下载未通过的行(.xlsx)")).to_be_visible()
    existing.refresh_from_db()
    assert existing.phone == "13800001234" and existing.version == 1
    assert Member.objects.get(name="新会员").org == tree.a1


def test_find_by_pinyin_open_the_card_and_deactivate(page, users, tree):
    member = build_member(org=tree.a1, name="张三丰")
    build_member(org=tree.a1, name="李四")
    build_member(org=tree.b1, name="张三")  # another township: never shown
    browser_login(page, users.township_staff)

    page.goto("/members/")
    page.fill("#f-q", "zsf")
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张三丰")
    expect(rows.first).to_contain_text(member.card_number)

    rows.first.get_by_role("link", name="张三丰").click()
    expect(page.locator("h1")).to_contain_text("张三丰")
    expect(page.locator("body")).not_to_contain_text(member.id_number)  # masked
    page.get_by_role("link", name="会员卡").click()
    expect(page.locator(".member-qr svg")).to_be_visible()
    expect(page.locator("body")).to_contain_text(member.card_number)

    page.go_back()
    page.get_by_role("link", name="退会").click()
    with page.expect_navigation():
        page.get_by_role("button", name="确认退会").click()
    expect(page.locator(".has-error, .errorlist").first).to_be_visible()  # a reason is required
    page.locator("textarea, input[name=reason]").first.fill("调离本县")
    with page.expect_navigation():
        page.get_by_role("button", name="确认退会").click()
    member.refresh_from_db()
    assert member.status == MemberStatus.DEACTIVATED
    expect(page.locator("body")).to_contain_text("已退会")


def test_review_queue_approves_an_application(page, users, tree):
    app = build_application(org=tree.a1, name="网上申请人甲")
    build_application(org=tree.b1, name="乙镇申请人")
    browser_login(page, users.township_staff)

    page.goto("/members/join-applications/")
    expect(page.locator("table")).to_contain_text("网上申请人甲")
    expect(page.locator("table")).not_to_contain_text("乙镇申请人")
    page.get_by_role("link", name="网上申请人甲").click()
    page.once("dialog", lambda dialog: dialog.accept())  # "确认批准 … 入会？"
    with page.expect_navigation():
        page.get_by_role("button", name="批准入会").click()
    member = Member.objects.get(name="网上申请人甲")
    expect(page.locator(".alert-success")).to_contain_text(member.card_number)
    app.refresh_from_db()
    assert app.member == member


def test_statistics_page_draws_its_charts(page, users, tree):
    for index in range(3):
        build_member(org=tree.a1, name=f"统计会员{index}")
    browser_login(page, users.township_staff)
    page.goto("/members/stats/")
    for chart in ("#chart-orgs", "#chart-rates", "#chart-forms", "#chart-years"):
        expect(page.locator(f"{chart} canvas").first).to_be_visible()
    expect(page.locator("table").first).to_contain_text("甲镇一村工会")


def test_member_form_reports_every_error_in_one_round_and_clears_each_on_edit(page, users, tree):
    """Issue 14 #3: a bad ID check digit and a bad phone are reported with the missing
    required fields on the first submit; a corrected field loses its message at once."""
    browser_login(page, users.grassroots_staff)
    page.goto("/members/new/")
    expect(page.locator("label[for=id_name] .req")).to_have_count(1)
    expect(page.locator("label[for=id_phone] .req")).to_have_count(0)
    page.fill("#id_id_number", "110105194912310021")
    page.fill("#id_phone", "12345")
    page.fill("#id_joined_on", "")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.locator("#id_name_errors")).to_have_text("请填写姓名。")
    expect(page.locator("#id_id_number_errors")).to_contain_text("校验位不正确")
    expect(page.locator("#id_phone_errors")).to_contain_text("手机号码应为 11 位")
    page.fill("#id_phone", "13600001234")
    expect(page.locator("#id_phone_errors")).to_have_count(0)
    expect(page.locator("#id_name_errors")).to_be_visible()
    assert not Member.objects.exists()
