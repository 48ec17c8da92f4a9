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
