"""The appraisal pages and the worker's own appraisal pages (我的考核)."""

import pytest

from gonghui.staffing.appraisals import services as appraisals_services
from gonghui.staffing.models import Objection
from gonghui.staffing.tests.factories import build_appraisal, build_worker
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


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
    appraisals_services.appraisal_publish(actor=None, appraisal=appraisal)
    client = login(user)
    page = client.get("/staffing/me/").content.decode()
    assert appraisal.period_label in page
    page = client.get(f"/staffing/me/{appraisal.pk}/").content.decode()
    assert "新入会会员" in page  # a measure of the evidence, linked to its records
    assert f'href="/members/?org={tree.a.pk}&amp;joined_year=2026"' in page
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


def test_an_evidence_line_links_to_the_records_of_the_workers_org(tree, users, login):
    """The follow-ups a township's worker is credited with: the link carries the org and
    the list it opens holds that township's follow-ups, not a sibling's."""
    import datetime as dt

    from gonghui.outreach.caravans.tests.factories import build_stop, register
    from gonghui.outreach.followups.models import FollowUp
    from gonghui.staffing.pay import services as pay_services

    pay_services.scheme_save(
        actor=None,
        county=tree.county,
        computed_share=100,
        rater_weights={"chair": 100, "deputy": 0, "supervisor": 0, "workers": 0},
        targets=[{"measure": "outreach.followups.done", "target": 2, "weight": 100}],
        cutoff_excellent=90,
        cutoff_competent=75,
        cutoff_basic=60,
        bonus={},
    )
    for org, name in ((tree.a1, "甲镇回访职工"), (tree.b1, "乙镇回访职工")):
        registration = register(build_stop(org=org), name=name)
        FollowUp.objects.filter(registration=registration, number=1).update(
            status="done", done_on=dt.date(2026, 2, 10), result="employed"
        )
    appraisal = build_appraisal(worker=build_worker(org=tree.a))
    (line,) = appraisal.evidence
    assert line["count"] == 1
    # The appraisal's quarter as the list's date range (the measure counts by done_on).
    assert line["url"] == (
        f"/outreach/followups/?org={tree.a.pk}&due=done&date_from=2026-01-01&date_to=2026-03-31"
    )
    body = login(users.county_admin).get(line["url"]).content.decode()
    assert "甲镇回访职工" in body and "乙镇回访职工" not in body
