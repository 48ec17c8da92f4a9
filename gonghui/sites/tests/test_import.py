"""Import kind "sites": codes issued for blank codes, coordinate systems, upsert by code,
re-import (and importing the export) changes nothing, scope and bad rows."""

import pytest

from gonghui.core import geo
from gonghui.core.imports.services import import_commit, import_upload
from gonghui.core.imports.tests.files import xlsx_upload
from gonghui.sites.models import ServiceSite, SiteStatus

pytestmark = pytest.mark.django_db

HEADER = ["站点编码", "名称", "类型", "管理工会编码", "地址", "经度", "纬度", "坐标系",
          "主办单位", "联系人", "联系电话", "开放时间", "24小时", "设施", "六有", "状态"]  # fmt: skip


@pytest.fixture(autouse=True)
def _imports_isolation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _run(user, rows, *, org=None, name="站点.xlsx"):
    job = import_upload(actor=user, kind="sites", file=xlsx_upload(rows, name=name), org=org)
    if job.valid_rows:
        job = import_commit(actor=user, job=job, mode="skip_invalid")
    return job


ROWS = [
    HEADER,
    ["", "城东户外劳动者服务站", "户外劳动者服务站点", "999001001", "城东路1号", "119.72", "29.10",
     "", "城东供电所", "王站长", "139 1234 5678", "周一至周五 08:00-12:00,14:00-18:00；周六 09:00-12:00",
     "否", "休息场所,冷热饮水,充电", "有统一标识和名称,有合理选址", "正常开放"],
    ["", "GPS 爱心驿站", "爱心驿站", "999001001", "", "119.73", "29.11", "WGS-84",
     "", "", "", "08:00-20:00", "否", "", "是", ""],
    ["", "百度职工之家", "职工之家", "", "", "119.74", "29.12", "BD-09",
     "", "", "", "", "是", "", "", ""],
]  # fmt: skip


def test_import_creates_sites_with_issued_codes_and_converted_coordinates(users, tree):
    job = _run(users.township_staff, ROWS, org=tree.a)

    assert (job.valid_rows, job.error_rows, job.created_count) == (3, 0, 3), job.error_sample
    sites = {s.name: s for s in ServiceSite.objects.all()}
    east = sites["城东户外劳动者服务站"]
    assert east.site_code.endswith("-HW-0001") and east.org == tree.a1
    assert (east.lng, east.lat) == (119.72, 29.10)
    assert east.contact_phone == "13912345678"
    assert east.opening_hours["mon"] == [["08:00", "12:00"], ["14:00", "18:00"]]
    assert east.opening_hours["sat"] == [["09:00", "12:00"]] and east.opening_hours["sun"] == []
    assert east.facility_codes == ["room", "water", "charging"]
    assert east.standard_codes == ["sign", "siting", "on_map"]
    gps = sites["GPS 爱心驿站"]
    expected = geo.wgs84_to_gcj02(119.73, 29.11)
    assert (gps.lng, gps.lat) == (round(expected[0], 6), round(expected[1], 6))
    # "六有：是" confirms the four items staff confirm; with no facilities recorded,
    # 有服务设施 is not met (one rule: the checklist decides it)
    assert gps.standard_codes == ["sign", "siting", "services", "rules", "on_map"]
    assert gps.opening_hours["sun"] == [["08:00", "20:00"]]
    home = sites["百度职工之家"]
    assert home.org == tree.a and home.is_24h  # blank org code: the job's org
    expected = geo.bd09_to_gcj02(119.74, 29.12)
    assert abs(home.lng - expected[0]) < 1e-6


def test_reimporting_the_same_file_changes_nothing(users, tree):
    _run(users.township_staff, ROWS, org=tree.a)
    before = {s.pk: (s.site_code, s.version) for s in ServiceSite.objects.all()}

    job = _run(users.township_staff, ROWS, org=tree.a, name="再次导入.xlsx")

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 3), (
        job.error_sample
    )
    assert {s.pk: (s.site_code, s.version) for s in ServiceSite.objects.all()} == before


def test_importing_the_masked_export_changes_nothing(login, users, tree, site_factory):
    import io

    from python_calamine import CalamineWorkbook

    site_factory(name="导出站一", contact_phone="13912345678", standards=["sign"])
    site_factory(name="导出站二", kind="canteen", is_24h=True)
    before = {s.pk: s.version for s in ServiceSite.objects.all()}
    content = login(users.township_staff).get("/sites/export/").content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()

    job = _run(users.township_staff, rows, org=tree.a)

    assert (job.error_rows, job.unchanged_count) == (0, 2), job.error_sample
    assert {s.pk: s.version for s in ServiceSite.objects.all()} == before
    assert ServiceSite.objects.get(name="导出站一").contact_phone == "13912345678"


def test_import_updates_by_code_and_changes_status(users, tree, site_factory):
    site = site_factory(name="旧名称")
    rows = [
        ["站点编码", "名称", "联系电话", "状态", "状态说明"],
        [site.site_code, "新名称", "0571-88886666", "暂停服务", "装修"],
    ]
    job = _run(users.township_staff, rows, org=tree.a)

    assert job.updated_count == 1, job.error_sample
    site.refresh_from_db()
    assert (site.name, site.contact_phone) == ("新名称", "057188886666")
    assert (site.status, site.status_reason) == (SiteStatus.SUSPENDED, "装修")


def test_import_keeps_a_given_code_for_a_new_site(users, tree):
    rows = [
        ["站点编码", "名称", "类型", "经度", "纬度"],
        ["000000-ST-0042", "迁移食堂", "职工食堂", "119.7", "29.1"],
    ]
    job = _run(users.township_staff, rows, org=tree.a)
    assert job.created_count == 1, job.error_sample
    assert ServiceSite.objects.get().site_code == "000000-ST-0042"


def test_bad_rows_are_refused_with_chinese_messages(users, tree, site_factory):
    elsewhere = site_factory(org=tree.b1)
    rows = [
        ["站点编码", "名称", "类型", "管理工会编码", "经度", "纬度", "坐标系", "开放时间", "状态"],
        ["", "缺类型站", "", "", "119.7", "29.1", "", "", ""],
        ["", "境外站", "爱心驿站", "", "0", "0", "", "", ""],
        ["", "坐标系错站", "爱心驿站", "", "119.7", "29.1", "北京54", "", ""],
        ["", "时间错站", "爱心驿站", "", "119.7", "29.1", "", "周一 8点", ""],
        ["", "乙镇站", "爱心驿站", "999002001", "119.7", "29.1", "", "", ""],
        [elsewhere.site_code, "抢别人的站", "", "", "", "", "", "", ""],
        ["", "关闭无说明", "爱心驿站", "", "119.7", "29.1", "", "", "已关闭"],
    ]
    job = _run(users.township_staff, rows, org=tree.a)

    assert (job.valid_rows, job.error_rows) == (0, 7)
    errors = {e["row"]: " ".join(e["errors"]) for e in job.error_sample}
    assert "新增站点请填写类型" in errors[2]
    assert geo.OUT_OF_CHINA in errors[3]
    assert "不是可用的坐标系" in errors[4]
    assert "格式不正确" in errors[5]
    assert "不存在或不在您的管理范围内" in errors[6]
    assert "导入范围以外" in errors[7]
    assert "须填写状态说明" in errors[8]
    assert ServiceSite.objects.count() == 1


def test_the_import_page_and_template_describe_the_site_columns(login, users):
    import io

    from python_calamine import CalamineWorkbook

    client = login(users.township_staff)
    page = client.get("/imports/new/sites/")
    assert page.status_code == 200 and "服务阵地" in page.content.decode()
    template = client.get("/imports/template/sites.xlsx")
    header = CalamineWorkbook.from_filelike(io.BytesIO(template.content)).get_sheet_by_index(0)
    assert header.to_python()[0][:4] == ["站点编码", "名称", "类型", "管理工会编码"]
