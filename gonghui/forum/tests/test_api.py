"""The forum API: masked phones, the stage rules' refusals (codes and Chinese messages),
an unaccepted article refused for an edition, and the operations in the OpenAPI document."""

import json

import pytest

from gonghui.forum.models import SubmissionReview
from gonghui.forum.tests.factories import build_edition, build_submission

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_submissions_are_listed_with_the_phone_masked(login, editors, tree):
    build_submission(org=tree.b, source="public", contact_phone="13912345678", title="公开来稿")
    data = login(editors.chief).get("/api/v1/forum/submissions").json()
    item = next(i for i in data["items"] if i["title"] == "公开来稿")
    assert item["contact_phone"] == "139****5678"
    assert "13912345678" not in json.dumps(data)


def test_review_rules_through_the_api(login, editors, tree):
    article = build_submission(org=tree.a)
    client = login(editors.first)
    skipped = _post(
        client,
        f"/api/v1/forum/submissions/{article.pk}/reviews",
        {"stage": "final", "decision": "accept"},
    )
    assert skipped.status_code == 409 and skipped.json()["code"] == "stage_order"
    done = _post(
        client,
        f"/api/v1/forum/submissions/{article.pk}/reviews",
        {"stage": "first", "decision": "accept"},
    )
    assert done.status_code == 200 and done.json()["status"] == "second"
    twice = _post(
        client,
        f"/api/v1/forum/submissions/{article.pk}/reviews",
        {"stage": "second", "decision": "accept"},
    )
    assert twice.status_code == 409 and twice.json()["code"] == "same_reviewer"
    assert "两个审次" in twice.json()["message"]
    assert SubmissionReview.objects.filter(submission=article).count() == 1


def test_an_edition_refuses_an_unaccepted_article_through_the_api(login, editors, tree):
    edition = build_edition(org=tree.county)
    pending = build_submission(org=tree.a)
    response = _post(
        login(editors.chief),
        f"/api/v1/forum/editions/{edition.pk}/articles",
        {"submission_ids": [pending.pk]},
    )
    assert response.status_code == 422 and "尚未录用" in response.json()["message"]
    pending.refresh_from_db()
    assert pending.edition_id is None


def test_the_forum_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/forum/topics",
        "/api/v1/forum/submissions",
        "/api/v1/forum/submissions/{id}/reviews",
        "/api/v1/forum/editions/{id}/articles",
    ):
        assert path in paths, path
