"""Member statistics: per-org subtree totals, 建会率 and 入会率, by employment form and year;
scoped; set-based (query count independent of the number of orgs); charts from json_script;
.xlsx download audited."""

import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.members.services import member_deactivate
from gonghui.members.stats import member_stats, stats_table
from gonghui.orgs.models import OrgLevel, OrgType
from gonghui.orgs.services import org_create
from gonghui.testing.fixtures import build_enterprise

pytestmark = pytest.mark.django_db

HEADERS = [
    "组织",
    "在册会员",
    "新就业形态会员",
    "农民工会员",
    "用人单位数",
    "已建会单位数",
    "建会率",
    "职工人数",
    "入会率",
]


@pytest.fixture
def data(tree, member_factory):
    member_factory(
        org=tree.a1,
        employment_form="courier",
        is_migrant_worker=True,
        joined_on=datetime.date(2021, 4, 1),
    )
    member_factory(org=tree.a1, joined_on=datetime.date(2023, 1, 1))
    member_factory(
        org=tree.ae, employment_form="food_delivery", joined_on=datetime.date(2023, 6, 1)
    )
    member_factory(org=tree.b1, joined_on=datetime.date(2022, 1, 1))
    member_factory(org=tree.county, joined_on=datetime.date(2022, 1, 1))
    gone = member_factory(org=tree.a1, joined_on=datetime.date(2020, 1, 1))
    member_deactivate(actor=None, member=gone, reason="调离")
    build_enterprise(org=tree.a1, employee_count=10, has_union=True)
    build_enterprise(org=tree.ae, employee_count=30)
    build_enterprise(org=tree.b1, employee_count=100, has_union=True)
    build_enterprise(org=tree.a1, employee_count=500, status="closed")  # not counted


def test_county_rows_are_township_subtree_totals(users, tree, data):
    stats = member_stats(users.county_staff)
    headers, rows = stats_table(stats)
    assert headers == HEADERS
    assert rows == [
        ["测试县总工会(本级)", 1, 0, 0, 0, 0, "", 0, ""],
        ["甲镇总工会", 3, 2, 1, 2, 1, "50.0%", 40, "7.5%"],
        ["乙镇总工会", 1, 0, 0, 1, 1, "100.0%", 100, "1.0%"],
        ["合计", 5, 2, 1, 3, 2, "66.7%", 140, "3.6%"],
    ]
    assert stats.by_form == [
        ("standard", "单位职工(标准劳动关系)", 3),
        ("courier", "快递员", 1),
        ("food_delivery", "网约送餐员", 1),
    ]
    assert stats.by_year == [(2021, 1), (2022, 2), (2023, 2)]


def test_township_sees_its_own_children_only(users, tree, data):
    _headers, rows = stats_table(member_stats(users.township_staff))
    assert rows == [
        ["甲镇一村工会", 2, 1, 1, 1, 1, "100.0%", 10, "20.0%"],
        ["甲镇某公司工会", 1, 1, 0, 1, 0, "0.0%", 30, "3.3%"],
        ["合计", 3, 2, 1, 2, 1, "50.0%", 40, "7.5%"],
    ]


def test_queries_do_not_grow_with_the_number_of_orgs(users, tree, data):
    def count():
        with CaptureQueriesContext(connection) as queries:
            member_stats(users.county_staff)
        return len(queries.captured_queries)

    count()  # warms the user's scope cache
    before = count()
    for i in range(5):
        org_create(
            actor=None,
            parent=tree.county,
            name=f"丙{i}镇总工会",
            type=OrgType.TOWNSHIP,
            level=OrgLevel.TOWNSHIP,
            code=f"99900{i + 3}",
        )
    assert count() == before
    assert before <= 5


def test_page_shows_table_and_chart_data_via_json_script(login, users, tree, data):
    response = login(users.township_staff).get("/members/stats/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<script src="/static/vendor/echarts.min.js" defer></script>' in page
    assert '<td data-label="组织">甲镇一村工会</td>' in page
    assert "乙镇" not in page
    match = re.search(
        r'<script id="member-stats-data" type="application/json">(.*?)</script>', page, re.S
    )
    assert json.loads(match.group(1)) == {
        "orgs": ["甲镇一村工会", "甲镇某公司工会"],
        "members": [2, 1],
        "coverage": [100.0, 0.0],
        "membership_rate": [20.0, 3.3],
        "forms": [
            {"name": "单位职工(标准劳动关系)", "value": 1},
            {"name": "快递员", "value": 1},
            {"name": "网约送餐员", "value": 1},
        ],
        "years": ["2021", "2023"],
        "year_counts": [1, 2],
    }
    assert 'href="/members/stats/export/"' in page


def test_echarts_only_on_the_stats_page(login, users):
    page = login(users.township_staff).get("/members/").content.decode()
    assert "echarts" not in page


def test_stats_xlsx_download_is_audited(login, users, tree, data):
    response = login(users.township_staff).get("/members/stats/export/")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0] == "会员统计"
    assert rows[1] == HEADERS
    assert rows[2][:2] == ["甲镇一村工会", 2]
    event = AuditEvent.objects.get(action=AuditAction.EXPORTED)
    assert event.detail == {"what": "member_stats", "rows": 3, "filters": {}, "masked": True}


def test_social_worker_sees_stats_but_cannot_download(login, users, data):
    client = login(users.social_worker)
    page = client.get("/members/stats/").content.decode()
    assert "下载统计表" not in page
    assert client.get("/members/stats/export/").status_code == 404


def test_rows_without_figures_come_last_and_stay_out_of_the_charts(login, users, tree, data):
    """Issue 14 #7: the report opened with three all-zero 行业工会 rows and empty bars."""
    org_create(
        actor=None,
        parent=tree.county,
        name="测试县快递物流行业工会",
        type=OrgType.INDUSTRY,
        level=OrgLevel.TOWNSHIP,
        code="000001",  # its code sorts before every township's
    )
    _headers, rows = stats_table(member_stats(users.county_staff))
    assert [row[0] for row in rows] == [
        "测试县总工会(本级)",
        "甲镇总工会",
        "乙镇总工会",
        "测试县快递物流行业工会",
        "合计",
    ]
    page = login(users.county_staff).get("/members/stats/").content.decode()
    assert '<tr class="empty-row"><td data-label="组织">测试县快递物流行业工会</td>' in page
    chart = re.search(r'id="member-stats-data" type="application/json">(.*?)</script>', page, re.S)
    assert "测试县快递物流行业工会" not in json.loads(chart.group(1))["orgs"]


def test_large_numbers_have_thousands_separators(login, users, tree, data):
    build_enterprise(org=tree.a1, employee_count=123456)
    page = login(users.county_staff).get("/members/stats/").content.decode()
    assert '<td data-label="职工人数" class="num">123,496</td>' in page  # 甲镇: 40 + 123,456
    assert "123496" not in page
