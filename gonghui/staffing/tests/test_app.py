"""App-wide: the API (masked phones, no anonymous rater named), the statistics against the
measures, the to-dos."""

import datetime as dt

import pytest

from gonghui.staffing.appraisals import services as appraisals_services
from gonghui.staffing.models import SocialWorker
from gonghui.staffing.people import services as people_services
from gonghui.staffing.tests.factories import build_appraisal, build_worker
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def test_the_api_masks_phones_and_names_no_anonymous_rater(tree, users, client):
    from gonghui.accounts.services import token_create

    worker = build_worker(org=tree.a, phone="13912345678")
    appraisal = build_appraisal(worker=worker)
    tokens = appraisals_services.invites_issue(actor=None, appraisal=appraisal, count=3)
    for token, score in zip(tokens, (70, 80, 90), strict=True):
        appraisals_services.rating_submit_anonymous(token=token, score=score)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users.county_admin, name='t')}"}
    body = client.get(f"/api/v1/staffing/workers/{worker.pk}", **auth).json()
    assert body["phone"] == "139****5678"
    body = client.get(f"/api/v1/staffing/appraisals/{appraisal.pk}", **auth).json()
    # While the rating runs the workers' mean is withheld: two readings would give the
    # rating in between away.
    assert body["ratings"] == [{"group": "workers", "count": 3, "mean": None}]
    response = client.post(
        f"/api/v1/staffing/appraisals/{appraisal.pk}/ratings",
        data={"group": "chair", "score": 101},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 422
    assert response.json()["message"] == "评分须在 0–100 分之间。"
    response = client.post(f"/api/v1/staffing/appraisals/{appraisal.pk}/publish", **auth)
    assert response.json()["ratings"] == [{"group": "workers", "count": 3, "mean": "80.00"}]


def test_the_pay_sheet_promotion_posts_and_training_apis(tree, users, client):
    from gonghui.accounts.services import token_create
    from gonghui.staffing.pay import services as pay_services

    pay_services.pay_grade_set(actor=None, county=tree.county, grade=1, band=1, monthly_pay=4000)
    post = people_services.post_create(actor=None, org=tree.a, name="甲镇社工岗")
    people_services.post_create(actor=None, org=tree.b, name="乙镇社工岗")
    worker = build_worker(
        org=tree.a, name="接口社工", hired_on=dt.date(2020, 1, 1), county_share=60, post=post
    )
    people_services.training_add(
        actor=None, worker=worker, course="工会法", day=dt.date(2026, 3, 1), hours=12
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users.county_admin, name='t')}"}
    body = client.get("/api/v1/staffing/pay-sheet?month=2026-06", **auth).json()
    (line,) = body["lines"]
    assert (line["worker"]["name"], line["base"], line["total"]) == (
        "接口社工",
        "4000.00",
        "4000.00",
    )
    assert (line["county_part"], line["township_part"]) == ("2400.00", "1600.00")
    assert body["total"] == "4000.00" and body["month"] == "2026-06"
    response = client.get("/api/v1/staffing/pay-sheet?month=2026-13", **auth)
    assert response.status_code == 422
    assert response.json()["message"] == "月份格式应为 YYYY-MM，例如 2026-06。"
    body = client.get("/api/v1/staffing/posts?vacant=1", **auth).json()
    assert [p["name"] for p in body["items"]] == ["乙镇社工岗"]
    body = client.get("/api/v1/staffing/posts?vacant=0", **auth).json()
    assert body["items"][0]["holder"] == {"id": worker.pk, "name": "接口社工"}
    body = client.get(f"/api/v1/staffing/workers/{worker.pk}/trainings?year=2026", **auth).json()
    assert (body["hours"], body["required"], body["met"]) == ("12.0", 40, False)
    assert client.get("/api/v1/staffing/promotion", **auth).status_code == 200


def test_statistics_agree_with_the_measures(tree, users, login):
    from gonghui.core import metrics
    from gonghui.staffing.selectors import STATS_COLUMNS

    post = people_services.post_create(actor=None, org=tree.a, name="甲镇岗")
    people_services.post_create(actor=None, org=tree.b, name="乙镇岗")
    build_worker(org=tree.a1, post=post)
    build_worker(org=tree.b)
    published = build_appraisal(worker=build_worker(org=tree.a), year=2026, quarter=2)
    appraisals_services.appraisal_publish(actor=None, appraisal=published)
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
    appraisals_services.appraisal_publish(actor=None, appraisal=appraisal)
    appraisal.refresh_from_db()
    appraisals_services.objection_submit(actor=user, appraisal=appraisal, text="异议")
    counts = todo_counts(users.township_staff)
    assert counts["staffing.contracts_expiring"] == [1, True]
    assert counts["staffing.contracts_review"] == [1, True]
    assert counts["staffing.objections_open"] == [1, True]
    assert "staffing.contracts_expiring" not in todo_counts(users.social_worker)


def test_appraisals_are_opened_and_objections_answered_through_the_api(tree, users, client):
    from gonghui.accounts.services import token_create
    from gonghui.staffing.models import Appraisal

    build_worker(org=tree.a1, name="接口考核社工")
    build_worker(org=tree.b, name="乙镇社工")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users.county_admin, name='t')}"}
    payload = {"org": tree.a.pk, "kind": "quarter", "year": 2026, "quarter": 1}
    response = client.post(
        "/api/v1/staffing/appraisals/open", data=payload, content_type="application/json", **auth
    )
    assert response.status_code == 201
    assert [a["worker_name"] for a in response.json()] == ["接口考核社工"]
    response = client.post(
        "/api/v1/staffing/appraisals/open", data=payload, content_type="application/json", **auth
    )
    assert response.status_code == 409
    assert Appraisal.objects.count() == 1
    user = make_user("sw_api", "social_worker", tree.a)
    own = build_appraisal(worker=build_worker(org=tree.a, user=user))
    appraisals_services.appraisal_publish(actor=None, appraisal=own)
    own.refresh_from_db()
    appraisals_services.objection_submit(actor=user, appraisal=own, text="走访漏计")
    response = client.post(
        f"/api/v1/staffing/appraisals/{own.pk}/objection/answer",
        data={"answer": "已核实"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200
    assert response.json()["objection"]["answer"] == "已核实"


def test_a_worker_reads_their_own_appraisals_and_objects_through_the_api(tree, client):
    import datetime as dt

    from django.utils import timezone

    from gonghui.accounts.services import token_create
    from gonghui.members.tests.factories import build_member
    from gonghui.staffing.models import Objection
    from gonghui.staffing.pay import services as pay_services

    pay_services.scheme_save(
        actor=None,
        county=tree.county,
        computed_share=40,
        rater_weights={"chair": 40, "deputy": 20, "supervisor": 10, "workers": 30},
        targets=[
            {"measure": "members.joined", "target": 4, "weight": 60},
            {"measure": "outreach.followups.done", "target": 2, "weight": 40},
        ],
        cutoff_excellent=90,
        cutoff_competent=75,
        cutoff_basic=60,
        bonus={},
    )
    build_member(org=tree.a1, joined_on=dt.date(2026, 2, 1))
    user = make_user("sw_own_api", "social_worker", tree.a)
    worker = build_worker(org=tree.a, user=user)
    current = build_appraisal(worker=worker, quarter=1)
    lapsed = build_appraisal(worker=worker, quarter=2)
    appraisals_services.appraisal_publish(actor=None, appraisal=current)
    appraisals_services.appraisal_publish(
        actor=None, appraisal=lapsed, today=timezone.localdate() - dt.timedelta(days=30)
    )
    other = build_appraisal(
        worker=build_worker(org=tree.a, user=make_user("sw_x", "social_worker", tree.a))
    )
    appraisals_services.appraisal_publish(actor=None, appraisal=other)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='t')}"}

    # The list holds the worker's own published appraisals only.
    body = client.get("/api/v1/staffing/me/appraisals", **auth).json()
    assert [(a["id"], a["can_object"]) for a in body["items"]] == [
        (lapsed.pk, False),
        (current.pk, True),
    ]
    # The evidence: each measure's count, target, points and the link to the records.
    body = client.get(f"/api/v1/staffing/me/appraisals/{current.pk}", **auth).json()
    joined, followups = body["evidence"]
    assert (joined["count"], joined["target"], joined["score"]) == (1, 4, "15.00")
    assert joined["url"] == f"/members/?org={tree.a.pk}&joined_year=2026"
    assert (followups["count"], followups["score"], followups["registered"]) == (0, "0.00", True)
    assert body["computed_score"] == "15.00"
    assert body["objection"] is None

    def object_to(appraisal, text):
        return client.post(
            f"/api/v1/staffing/me/appraisals/{appraisal.pk}/objection",
            data={"text": text},
            content_type="application/json",
            **auth,
        )

    response = object_to(current, "跟踪回访漏计")
    assert response.status_code == 201
    assert response.json()["objection"]["text"] == "跟踪回访漏计"
    assert response.json()["can_object"] is False
    # Refused, each with its Chinese message, nothing written: a second objection, one
    # after the period, one to someone else's appraisal (404, as if it did not exist).
    response = object_to(current, "再提一次")
    assert (response.status_code, response.json()["message"]) == (409, "您已对这次考核提出过异议。")
    response = object_to(lapsed, "过期异议")
    assert response.status_code == 409
    assert response.json()["message"].startswith("异议期已于")
    assert object_to(other, "代提异议").status_code == 404
    assert client.get(f"/api/v1/staffing/me/appraisals/{other.pk}", **auth).status_code == 404
    assert list(Objection.objects.values_list("appraisal_id", "text")) == [
        (current.pk, "跟踪回访漏计")
    ]
    # The staff answer shows to the worker.
    appraisals_services.objection_answer(
        actor=make_user("answer_a", "township_staff", tree.a), appraisal=current, answer="已核实"
    )
    body = client.get(f"/api/v1/staffing/me/appraisals/{current.pk}", **auth).json()
    assert body["objection"]["answer"] == "已核实"


def test_anonymous_ratings_are_not_attributable_through_the_appraisal_apis(tree, users, client):
    """Three workers rate with distinctive scores: neither the admin's nor the worker's own
    endpoints hold a single score, a link or anything tying one to a rater; the mean shows
    only once published."""
    import json

    from gonghui.accounts.services import token_create
    from gonghui.audit.models import AuditEvent

    user = make_user("sw_anon", "social_worker", tree.a)
    appraisal = build_appraisal(worker=build_worker(org=tree.a, user=user))
    tokens = appraisals_services.invites_issue(actor=None, appraisal=appraisal, count=4)
    for token, score in zip(tokens, ("61.37", "72.19", "93.41"), strict=False):
        appraisals_services.rating_submit_anonymous(token=token, score=score)
    appraisals_services.appraisal_publish(actor=None, appraisal=appraisal)
    admin = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users.county_admin, name='a')}"}
    own = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, name='w')}"}
    answers = [
        client.get(f"/api/v1/staffing/appraisals/{appraisal.pk}", **admin),
        client.get("/api/v1/staffing/appraisals?limit=200", **admin),
        client.get(f"/api/v1/staffing/me/appraisals/{appraisal.pk}", **own),
        client.get("/api/v1/staffing/me/appraisals", **own),
        client.get("/api/v1/audit-events?limit=200", **admin),
    ]
    texts = [json.dumps(r.json(), ensure_ascii=False) for r in answers]
    assert [r.status_code for r in answers] == [200] * 5
    for text in texts:
        for secret in ("61.37", "72.19", "93.41", *tokens):
            assert secret not in text
    detail = answers[0].json()
    assert detail["ratings"] == [{"group": "workers", "count": 3, "mean": "75.66"}]
    assert "ratings" not in answers[2].json()
    assert AuditEvent.objects.filter(detail__what="staffing_anonymous_rating").count() == 3


def test_the_rules_are_read_and_saved_through_the_api_with_the_pages_checks(tree, users, client):
    from gonghui.accounts.services import token_create
    from gonghui.staffing.models import StaffingScheme
    from gonghui.staffing.pay.tests.matrix import _SCHEME_JSON

    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users.county_admin, name='t')}"}
    url = f"/api/v1/staffing/settings/{tree.county.pk}"
    body = client.get(url, **auth).json()
    assert (body["saved"], body["county"]["id"]) == (False, tree.county.pk)

    def put(**changes):
        return client.put(url, data=_SCHEME_JSON | changes, content_type="application/json", **auth)

    # A measure not in the registry and weights short of 100%: both reported, nothing stored.
    response = put(targets=[{"measure": "members.nope", "target": 5, "weight": 90}])
    assert response.status_code == 422
    assert response.json()["fields"]["targets"] == [
        "实绩指标“members.nope”不是已登记的统计指标(编码有误或所属模块未上线)，不能用于考核。",
        "实绩指标的权重合计须为 100%，现为 90%。",
    ]
    assert not StaffingScheme.objects.exists()
    response = put(objection_days=10)
    assert response.status_code == 200
    assert (response.json()["saved"], response.json()["objection_days"]) == (True, 10)
    assert client.get(f"/api/v1/staffing/settings/{tree.a1.pk}", **auth).json()["saved"] is True
