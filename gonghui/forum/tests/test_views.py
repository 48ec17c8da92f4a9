"""Staff pages: submitting, reviewing (stage rules through the page), planning an edition
with an unaccepted article (refused, nothing written), the author's view, to-dos, export."""

import datetime
import io

import pytest
from django.utils import timezone

from gonghui.forum.models import Submission, SubmissionReview
from gonghui.forum.tests.factories import ARTICLE_TEXT, build_edition, build_submission

pytestmark = pytest.mark.django_db


def test_staff_submission_page_reports_every_error_at_once(login, users):
    client = login(users.grassroots_staff)
    response = client.post("/forum/submit/", {"title": "", "author_name": "", "text": "短"})
    body = response.content.decode()
    for message in ("请填写标题", "请填写作者", "正文至少 200 个字"):
        assert message in body, message
    assert Submission.objects.count() == 0


def test_any_staff_user_submits_and_follows_the_article(login, users, tree):
    client = login(users.social_worker)
    response = client.post(
        "/forum/submit/",
        {"title": "社工眼中的职工之家", "author_name": "社工", "text": ARTICLE_TEXT},
    )
    article = Submission.objects.get(title="社工眼中的职工之家")
    assert response["Location"] == f"/forum/mine/{article.pk}/"
    assert article.org == tree.a
    page = client.get("/forum/mine/").content.decode()
    assert "社工眼中的职工之家" in page and "待初审" in page


def test_reviewing_a_stage_twice_is_refused_on_the_page(login, editors, tree):
    article = build_submission(org=tree.a)
    client = login(editors.first)
    assert (
        client.post(
            f"/forum/submissions/{article.pk}/review/", {"stage": "first", "decision": "accept"}
        ).status_code
        == 302
    )
    response = client.post(
        f"/forum/submissions/{article.pk}/review/", {"stage": "second", "decision": "accept"}
    )
    assert "同一人不能担任同一稿件的两个审次" in response.content.decode()
    assert SubmissionReview.objects.filter(submission=article).count() == 1


def test_the_review_form_shows_only_to_someone_who_may_take_the_stage(login, editors, tree, users):
    article = build_submission(org=tree.a)
    assert (
        "提交初审意见"
        in login(editors.first).get(f"/forum/submissions/{article.pk}/").content.decode()
    )
    assert (
        "提交初审意见"
        not in login(users.township_staff).get(f"/forum/submissions/{article.pk}/").content.decode()
    )


def test_an_unaccepted_article_is_refused_by_the_planner(login, editors, tree):
    edition = build_edition(org=tree.county)
    pending = build_submission(org=tree.a, title="还没录用")
    response = login(editors.chief).post(
        f"/forum/editions/{edition.pk}/add/", {"articles": [pending.pk]}
    )
    assert response.status_code == 422
    assert "尚未录用" in response.content.decode()
    pending.refresh_from_db()
    assert pending.edition_id is None and pending.status == "first"


def test_overdue_reviews_are_a_to_do(login, editors, tree):
    from gonghui.core.todos import todo_counts

    build_submission(org=tree.a, stage_since=timezone.now() - datetime.timedelta(days=10))
    build_submission(org=tree.a)
    counts = todo_counts(editors.first)
    assert counts["forum.review_overdue"][0] == 1
    assert counts["forum.review_waiting"][0] == 2
    page = login(editors.first).get("/forum/submissions/?status=in_review&overdue=reminder")
    assert page.content.decode().count("办实事的几点体会") == 1


def test_stats_page_and_export_agree(login, editors, tree):
    from openpyxl import load_workbook

    build_submission(org=tree.a1, status="published")
    build_submission(org=tree.a1, status="declined")
    build_submission(org=tree.b1, status="first")
    client = login(editors.chief)
    page = client.get("/forum/stats/").content.decode()
    assert "甲镇总工会" in page and "乙镇总工会" in page
    response = client.get("/forum/stats/export/")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:5] == ("乡镇(街道)/单位", "来稿", "录用", "刊发", "未录用")
    by_org = {r[0]: r[1:5] for r in rows[2:]}
    assert by_org["甲镇总工会"] == (2, 1, 1, 1)
    assert by_org["乙镇总工会"] == (1, 0, 0, 0)


def test_an_outside_author_s_phone_is_masked_and_unmasked_with_a_reason(login, editors, tree):
    from gonghui.audit.models import AuditEvent

    article = build_submission(org=tree.b, source="public", contact_phone="13912345678")
    client = login(editors.first)
    page = client.get(f"/forum/submissions/{article.pk}/").content.decode()
    assert "139****5678" in page and "13912345678" not in page
    refused = client.post(f"/forum/submissions/{article.pk}/unmask/", {"reason": ""})
    assert refused.status_code == 302
    assert not AuditEvent.objects.filter(action="unmasked").exists()
    shown = client.post(f"/forum/submissions/{article.pk}/unmask/", {"reason": "联系作者"})
    assert "13912345678" in shown.content.decode()
    event = AuditEvent.objects.get(action="unmasked")
    assert event.object_id == str(article.pk) and event.detail["reason"] == "联系作者"
