"""Statistics: by category, cause and org; 增量/存量/返困 for a year; 城镇/农民工; scope;
the page (tables, chart data) and the .xlsx standard report."""

import pytest

from gonghui.assistance.archives import services
from gonghui.assistance.archives.tests.factories import RELAPSED_ON, archive_in
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.stats import selectors as stats
from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import xlsx_text


@pytest.fixture
def archives(tree):
    archived = archive_in(ArchiveStatus.ARCHIVED, org=tree.a1, name="在档户")
    applied = archive_in(
        ArchiveStatus.APPLIED, org=tree.a1, name="申请户", is_migrant_worker=True,
        main_cause="accident", secondary_causes=["serious_illness"],
    )  # fmt: skip
    exited = archive_in(ArchiveStatus.EXITED, org=tree.b1, name="脱困户")
    relapsed = archive_in(ArchiveStatus.WATCHED, org=tree.b1, name="返困户")
    relapsed = services.archive_relapse(
        actor=None, archive=relapsed, on=RELAPSED_ON, annual_income="12000"
    )
    rejected = archive_in(ArchiveStatus.REJECTED, org=tree.a1, name="未建档户")
    return archived, applied, exited, relapsed, rejected


def test_county_figures_for_the_year_of_filing_and_the_next(users, archives):
    data = stats.archive_stats(users.county_staff, year=2025)
    total = data.total.counts
    # live: archived, applied, relapsed (reopened at applied); not exited or rejected
    assert total["live"] == 3
    assert dict((c, n) for c, _l, n in data.by_category) == {
        "deep": 3, "relative": 0, "accidental": 0,
    }  # fmt: skip
    assert (total["urban"], total["migrant"]) == (2, 1)
    assert data.flows == {"new": 3, "existing": 0, "relapsed": 1}
    causes = {code: (main, any_) for code, _l, main, any_ in data.by_cause}
    assert causes["serious_illness"] == (2, 3) and causes["accident"] == (1, 1)
    assert causes["child_schooling"] == (0, 2)
    next_year = stats.archive_stats(users.county_staff, year=2026)
    assert next_year.flows == {"new": 0, "existing": 2, "relapsed": 0}


def test_rows_follow_the_scope_and_fold_into_the_direct_children(users, tree, archives):
    county = stats.archive_stats(users.county_staff, year=2025)
    rows = {row.name: row.counts for row in county.rows}
    assert rows["甲镇总工会"]["live"] == 2 and rows["乙镇总工会"]["live"] == 1
    township = stats.archive_stats(users.township_staff, year=2025)
    assert township.total.counts["live"] == 2 and township.flows["relapsed"] == 0
    assert [row.name for row in township.rows] == ["甲镇一村工会", "甲镇某公司工会"]


def test_external_figures_are_marked_missing_rather_than_invented(users, archives):
    data = stats.archive_stats(users.county_staff, year=2025)
    for name, table in data.external.items():
        assert table is None or all(hasattr(t, "rows") for t in table), name


def test_the_page_shows_tables_and_chart_data(login, users, archives):
    response = login(users.township_staff).get("/assistance/stats/?year=2025")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="stats-table"' in html and "甲镇一村工会" in html and "乙镇" not in html
    assert 'id="assistance-stats-data"' in html and "vendor/echarts.min.js" in html
    assert "2025年增量" in html
    # the monitoring and programmes parts contribute their yearly tables
    assert "预警发出与办结" in html and "按帮扶项目" in html


def test_the_standard_report_downloads_as_xlsx_and_is_audited(login, users, archives):
    response = login(users.county_staff).get("/assistance/stats/export/?year=2025")
    assert response.status_code == 200
    text = xlsx_text(response)
    assert "困难职工帮扶统计表(2025年)" in text and "甲镇总工会" in text and "合计" in text
    assert "2025年返困" in text
    event = AuditEvent.objects.get(action="exported")
    assert event.detail["what"] == "archive_stats" and event.detail["filters"] == {"year": 2025}
