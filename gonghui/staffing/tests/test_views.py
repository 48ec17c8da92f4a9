"""Staff pages and the worker's own appraisal pages (我的考核)."""

import datetime as dt

import pytest

from gonghui.staffing import services
from gonghui.staffing.models import Objection, PayGrade, SocialWorker, StaffingScheme
from gonghui.staffing.tests.factories import build_appraisal, build_worker
from gonghui.staffing.tests.matrix import _scheme_form, _worker_form
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def test_a_county_admin_saves_the_rules_and_the_pay_table(tree, users, login):
    client = login(users.county_admin)
    data = _scheme_form(tree.county) | {"weight_workers": "40", "targets": "members.joined 10 100"}
    response = client.post(f"/staffing/settings/{tree.county.pk}/", data)
    # Weights summing to 110%: refused with the reason, nothing stored.
    assert response.status_code == 422
    assert "各类评议人的权重合计须为 100%，现为 110%。" in response.content.decode()
    assert not StaffingScheme.objects.exists()
    # Note: county_admin sits at the county in the `users` fixture.
    response = client.post(f"/staffing/settings/{tree.county.pk}/", _scheme_form(tree.county))
    assert response.status_code == 302
    assert StaffingScheme.objects.get().targets == [
        {"measure": "members.joined", "target": 10, "weight": 100}
    ]
    response = client.post(
        f"/staffing/settings/{tree.county.pk}/pay-grades/",
        {"grade": "2", "band": "3", "monthly_pay": "5200"},
    )
    assert response.status_code == 302
    assert PayGrade.objects.get().monthly_pay == 5200


def test_the_worker_form_reports_every_error_in_one_round(tree, users, login):
    client = login(users.township_staff)
    data = _worker_form(tree.a, name="", contract_end="2023-01-01", phone="12")
    data.pop("education")
    response = client.post("/staffing/new/", data)
    assert response.status_code == 422
    page = response.content.decode()
    for message in (
        "请填写姓名",
        "请选择学历",
        "合同到期日期须晚于开始日期",
        "手机号须为 11 位数字",
    ):
        assert message in page, message
    assert not SocialWorker.objects.exists()


def test_the_phone_is_masked_on_the_detail_page(tree, users, login):
    worker = build_worker(org=tree.a, phone="13912345678")
    page = login(users.township_staff).get(f"/staffing/{worker.pk}/").content.decode()
    assert "139****5678" in page
    assert "13912345678" not in page


def test_a_second_named_rating_shows_the_refusal(tree, users, login):
    appraisal = build_appraisal(worker=build_worker(org=tree.a))
    client = login(users.township_staff)
    url = f"/staffing/appraisals/{appraisal.pk}/ratings/"
    assert client.post(url, {"group": "chair", "score": "90"}).status_code == 302
    response = client.post(url, {"group": "deputy", "score": "70"})
    assert response.status_code == 422
    assert "您已评议过这次考核，不能重复评议。" in response.content.decode()
    response = client.post(url, {"group": "deputy", "score": "170"})
    assert response.status_code == 422


def test_the_worker_sees_their_appraisal_with_evidence_and_objects(tree, login):
    user = make_user("sw_me", "social_worker", tree.a)
    appraisal = build_appraisal(worker=build_worker(org=tree.a, user=user))
    # Not published yet: not shown to the worker.
    assert login(user).get(f"/staffing/me/{appraisal.pk}/").status_code == 404
    services.appraisal_publish(actor=None, appraisal=appraisal)
    client = login(user)
    page = client.get("/staffing/me/").content.decode()
    assert appraisal.period_label in page
    page = client.get(f"/staffing/me/{appraisal.pk}/").content.decode()
    assert "新入会会员" in page  # a measure of the evidence
    response = client.post(f"/staffing/me/{appraisal.pk}/objection/", {"text": "漏计走访"})
    assert response.status_code == 302
    assert Objection.objects.get().text == "漏计走访"
    # The social worker role does not open the module's pages, nor others' appraisals.
    assert client.get("/staffing/").status_code == 404
    other = make_user("sw_other", "social_worker", tree.a)
    assert login(other).get(f"/staffing/me/{appraisal.pk}/").status_code == 404


def test_invites_are_shown_once_and_rate_once(tree, users, login, client):
    appraisal = build_appraisal(worker=build_worker(org=tree.a))
    page = login(users.township_staff).post(
        f"/staffing/appraisals/{appraisal.pk}/invites/", {"count": "2"}
    )
    links = [
        line.split("<li>")[1].split("</li>")[0]
        for line in page.content.decode().splitlines()
        if "/portal/staffing/rate/" in line
        for line in line.split("</li>")
        if "<li>" in line
    ]
    assert len(links) == 2
    client.logout()
    path = links[0].split("testserver")[1]
    assert client.get(path).status_code == 200
    assert client.post(path, {"score": "120"}).status_code == 422
    assert client.post(path, {"score": "80"}).status_code == 200
    assert client.get(path).status_code == 404
    appraisal.refresh_from_db()
    assert appraisal.worker_ratings == 1


def test_pay_sheet_export_is_a_spreadsheet(tree, users, login):
    services.pay_grade_set(actor=None, county=tree.county, grade=1, band=1, monthly_pay=4000)
    build_worker(org=tree.a, name="工资社工", hired_on=dt.date(2020, 1, 1))
    response = login(users.county_admin).get("/staffing/pay/export/?month=2026-06")
    assert response.status_code == 200
    from gonghui.core.testing.matrix import xlsx_text

    text = xlsx_text(response)
    assert "工资社工" in text and "4000" in text


def test_the_api_masks_phones_and_names_no_anonymous_rater(tree, users, client):
    from gonghui.accounts.services import token_create

    worker = build_worker(org=tree.a, phone="13912345678")
    appraisal = build_appraisal(worker=worker)
    tokens = services.invites_issue(actor=None, appraisal=appraisal, count=3)
    for token, score in zip(tokens, (70, 80, 90), strict=True):
        services.rating_submit_anonymous(token=token, score=score)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users.county_admin, name='t')}"}
    body = client.get(f"/api/v1/staffing/workers/{worker.pk}", **auth).json()
    assert body["phone"] == "139****5678"
    body = client.get(f"/api/v1/staffing/appraisals/{appraisal.pk}", **auth).json()
    assert body["ratings"] == [{"group": "workers", "count": 3, "mean": "80.00"}]
    response = client.post(
        f"/api/v1/staffing/appraisals/{appraisal.pk}/ratings",
        data={"group": "chair", "score": 101},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    assert response.json()["message"] == "评分须在 0–100 分之间。"


def test_statistics_agree_with_the_measures(tree, users, login):
    from gonghui.core import metrics
    from gonghui.staffing.selectors import STATS_COLUMNS

    post = services.post_create(actor=None, org=tree.a, name="甲镇岗")
    services.post_create(actor=None, org=tree.b, name="乙镇岗")
    build_worker(org=tree.a1, post=post)
    build_worker(org=tree.b)
    published = build_appraisal(worker=build_worker(org=tree.a), year=2026, quarter=2)
    services.appraisal_publish(actor=None, appraisal=published)
    response = login(users.county_admin).get("/staffing/stats/?year=2026")
    assert response.status_code == 200
    rows = {org.pk: values for org, values in response.context["rows"]}
    assert set(rows) == {tree.county.pk, tree.a.pk, tree.b.pk}
    for index, (code, _label) in enumerate(STATS_COLUMNS):
        figures = metrics.evaluate(
            code, orgs=[tree.county, tree.a, tree.b], period=metrics.Period.year(2026)
        )
        for pk, values in rows.items():
            assert values[index] == figures[pk].value, (code, pk)
    # posts, vacant, workers, …, unfit (nothing was counted for the computed part)
    assert rows[tree.a.pk][:3] == [1, 0, 2]
    assert rows[tree.county.pk][:3] == [2, 1, 3]
    assert rows[tree.a.pk][-1] == 1


def test_editing_a_worker_links_their_account(tree, users, login):
    worker = build_worker(org=tree.a, phone="13912345678")
    account = make_user("sw_link", "social_worker", tree.a)
    data = _worker_form(tree.a, name=worker.name, status="active", username="sw_link")
    response = login(users.township_staff).post(f"/staffing/{worker.pk}/edit/", data)
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.user == account
    assert worker.phone == "13912345678"  # left blank on the form: kept


def test_to_dos_count_expiring_contracts_flags_and_open_objections(tree, users):
    from django.utils import timezone

    from gonghui.core.todos import todo_counts

    today = timezone.localdate()
    build_worker(org=tree.a, contract_end=today + dt.timedelta(days=30))
    build_worker(org=tree.a, contract_end=today + dt.timedelta(days=90))
    build_worker(org=tree.b, contract_end=today + dt.timedelta(days=10))  # not township A's
    flagged = build_worker(org=tree.a)
    SocialWorker.objects.filter(pk=flagged.pk).update(contract_review=True)
    user = make_user("sw_todo", "social_worker", tree.a)
    appraisal = build_appraisal(worker=build_worker(org=tree.a, user=user))
    services.appraisal_publish(actor=None, appraisal=appraisal)
    appraisal.refresh_from_db()
    services.objection_submit(actor=user, appraisal=appraisal, text="异议")
    counts = todo_counts(users.township_staff)
    assert counts["staffing.contracts_expiring"] == [1, True]
    assert counts["staffing.contracts_review"] == [1, True]
    assert counts["staffing.objections_open"] == [1, True]
    assert "staffing.contracts_expiring" not in todo_counts(users.social_worker)


def test_staff_edit_a_post_and_cannot_stop_one_that_is_held(tree, users, login):
    from gonghui.staffing.models import Post

    post = services.post_create(actor=None, org=tree.a, name="甲镇社工岗")
    holder = build_worker(org=tree.a, post=post)
    client = login(users.township_staff)
    listing = client.get("/staffing/posts/").content.decode()
    assert f"/staffing/posts/{post.pk}/edit/" in listing
    form = client.get(f"/staffing/posts/{post.pk}/edit/").content.decode()
    assert "甲镇社工岗" in form and 'name="org"' not in form
    # Stopping a held post, with a blank name: both refused in one round, nothing stored.
    refused = client.post(f"/staffing/posts/{post.pk}/edit/", {"name": "", "note": "x"})
    page = refused.content.decode()
    assert refused.status_code == 422
    assert "请填写岗位名称。" in page and "该岗位有社工在岗，不能停用" in page
    assert Post.objects.get(pk=post.pk).name == "甲镇社工岗"
    saved = client.post(
        f"/staffing/posts/{post.pk}/edit/",
        {"name": "甲镇社工一岗", "note": "负责入会", "is_active": "on"},
    )
    assert saved.status_code == 302
    post.refresh_from_db()
    assert (post.name, post.note, post.is_active) == ("甲镇社工一岗", "负责入会", True)
    services.worker_update(actor=None, worker=holder, post=None)
    stopped = client.post(f"/staffing/posts/{post.pk}/edit/", {"name": "甲镇社工一岗"})
    assert stopped.status_code == 302
    assert Post.objects.get(pk=post.pk).is_active is False
