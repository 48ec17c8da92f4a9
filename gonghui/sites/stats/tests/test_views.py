"""The statistics page of the service sites and its .xlsx export."""

import datetime
import io

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.sites.models import CheckIn, SiteStatus
from gonghui.sites.services import feedback_answer, feedback_close, feedback_submit
from gonghui.sites.tests.factories import build_site

pytestmark = pytest.mark.django_db


def test_stats_count_sites_feedback_and_usage_in_scope(login, users, tree):
    # Given two sites in township A (one suspended), one in B, feedback and check-ins
    today = timezone.localdate()
    a_open = build_site(org=tree.a1, name="甲镇统计站")
    build_site(
        org=tree.a1,
        name="甲镇暂停站",
        kind="canteen",
        status=SiteStatus.SUSPENDED,
        status_reason="装修",
    )
    b_site = build_site(org=tree.b1, name="乙镇统计站")
    report = feedback_submit(site=a_open, kind="repair", text="饮水机坏了需要维修", ip="10.0.0.1")
    feedback_answer(actor=None, feedback=report, answer="已安排维修")
    feedback_close(actor=None, feedback=report, note="已修好")
    feedback_submit(site=a_open, kind="feedback", text="希望延长开放时间", ip="10.0.0.2")
    feedback_submit(site=b_site, kind="feedback", text="乙镇的反馈内容", ip="10.0.0.3")
    CheckIn.objects.create(site=a_open, day=today, count=7)
    CheckIn.objects.create(
        site=a_open, day=today.replace(day=1) - datetime.timedelta(days=1), count=5
    )
    CheckIn.objects.create(
        site=a_open, day=today - datetime.timedelta(days=800), count=99
    )  # too old
    CheckIn.objects.create(site=b_site, day=today, count=50)

    # When township A's staff open the statistics
    response = login(users.township_staff).get("/sites/stats/")

    # Then only A's sites, feedback and check-ins are counted
    stats = response.context["stats"]
    assert stats.total_sites == 2
    assert dict((code, n) for code, _label, n in stats.by_status) == {
        "open": 1,
        "suspended": 1,
        "closed": 0,
    }
    kinds = {code: counts for code, _label, counts in stats.by_kind}
    assert kinds["canteen"]["suspended"] == 1 and kinds["outdoor_station"]["open"] == 1
    assert [(name, c["total"]) for name, c in stats.by_township] == [(tree.a.name, 2)]
    assert stats.feedback_totals == {
        "opened": 2,
        "answered": 1,
        "closed": 1,
        "closed_on_time": 1,
        "pending": 1,
    }
    assert (
        stats.usage_by_month[-1] == 7 and stats.usage_by_month[-2] == 5 and stats.usage_total == 12
    )
    top = stats.usage[0]
    assert (top.name, top.total, top.feedback, top.closed) == ("甲镇统计站", 12, 2, 1)
    assert response.context["chart_data"]["usage"][-1] == 7
    assert "乙镇统计站" not in response.content.decode()


def test_stats_export_is_an_audited_workbook_of_the_scope(login, users, tree):
    build_site(org=tree.a1, name="甲镇导出站")
    build_site(org=tree.b1, name="乙镇导出站")
    response = login(users.township_staff).get("/sites/stats/export/")
    assert response.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    text = "\n".join("\t".join(str(c) for c in row) for row in rows)
    assert "甲镇导出站" in text and "乙镇导出站" not in text
    assert rows[1][:3] == ["站点名称", "站点编码", "类型"]
    event = AuditEvent.objects.get(action=AuditAction.EXPORTED)
    assert event.detail["what"] == "site_stats" and event.detail["rows"] == 1


def test_stats_export_needs_the_export_grant(login, users):
    assert login(users.social_worker).get("/sites/stats/export/").status_code == 404
