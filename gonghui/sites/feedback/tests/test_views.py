"""The staff feedback queue: scoped list and filters, detail with masked phone, answer, close."""

import pytest

from gonghui.sites.models import FeedbackStatus
from gonghui.sites.services import feedback_close, feedback_submit

pytestmark = pytest.mark.django_db


def _report(site, text="饮水机不出热水了", kind="repair", phone="13811112222"):
    return feedback_submit(site=site, kind=kind, text=text, phone=phone)


def test_queue_shows_reports_of_the_users_subtree_only(login, users, tree, site_factory):
    own = _report(site_factory(org=tree.a1), text="甲镇站点的报修内容")
    other = _report(site_factory(org=tree.b1), text="乙镇站点的报修内容")
    body = login(users.township_staff).get("/sites/feedback/").content.decode()
    assert own.text in body and other.text not in body


def test_queue_filters_by_status_kind_and_site(login, users, site_factory):
    first, second = site_factory(name="一号站"), site_factory(name="二号站")
    repair = _report(first, text="空调坏了需要维修", kind="repair")
    idea = _report(second, text="希望增加微波炉", kind="feedback")
    closed = _report(first, text="已经处理好的事情")
    feedback_close(actor=None, feedback=closed)
    client = login(users.county_staff)

    body = client.get("/sites/feedback/?kind=feedback").content.decode()
    assert idea.text in body and repair.text not in body
    body = client.get("/sites/feedback/?status=closed").content.decode()
    assert closed.text in body and repair.text not in body
    body = client.get(f"/sites/feedback/?site={first.pk}").content.decode()
    assert repair.text in body and idea.text not in body


def test_queue_filtered_by_a_site_outside_the_scope_is_404(login, users, tree, site_factory):
    site = site_factory(org=tree.b1)
    assert login(users.township_staff).get(f"/sites/feedback/?site={site.pk}").status_code == 404


def test_detail_masks_the_reporters_phone(login, users, site_factory):
    report = _report(site_factory())
    body = login(users.county_staff).get(f"/sites/feedback/{report.pk}/").content.decode()
    assert "138****2222" in body and "13811112222" not in body


def test_answer_then_close(login, users, site_factory):
    report = _report(site_factory())
    client = login(users.township_staff)

    response = client.post(
        f"/sites/feedback/{report.pk}/answer/", {"answer": "已安排维修，明天修好。"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == FeedbackStatus.ANSWERED
    assert report.answer == "已安排维修，明天修好。"
    assert report.answered_by == users.township_staff

    client.post(f"/sites/feedback/{report.pk}/close/", {"note": "已修好"})
    report.refresh_from_db()
    assert (report.status, report.close_note) == (FeedbackStatus.CLOSED, "已修好")
    body = client.get(f"/sites/feedback/{report.pk}/").content.decode()
    assert "修改答复" not in body and "已修好" in body


def test_empty_answer_is_refused_in_chinese(login, users, site_factory):
    report = _report(site_factory())
    response = login(users.township_staff).post(
        f"/sites/feedback/{report.pk}/answer/", {"answer": ""}
    )
    assert "请填写答复内容。" in response.content.decode()
    report.refresh_from_db()
    assert report.status == FeedbackStatus.OPEN


def test_a_closed_report_cannot_be_answered(login, users, site_factory):
    report = _report(site_factory())
    feedback_close(actor=None, feedback=report)
    response = login(users.township_staff).post(
        f"/sites/feedback/{report.pk}/answer/", {"answer": "迟到的答复"}
    )
    assert "该反馈已关闭，不能再答复。" in response.content.decode()
    report.refresh_from_db()
    assert report.answer == ""


def test_a_leader_may_read_but_not_answer(login, users, site_factory):
    report = _report(site_factory())
    client = login(users.leader)
    assert client.get(f"/sites/feedback/{report.pk}/").status_code == 200
    assert (
        client.post(f"/sites/feedback/{report.pk}/answer/", {"answer": "好的"}).status_code == 404
    )
    report.refresh_from_db()
    assert report.status == FeedbackStatus.OPEN
