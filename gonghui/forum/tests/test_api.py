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
        "/api/v1/forum/submissions/{id}/proofs",
        "/api/v1/forum/submissions/{id}/note",
        "/api/v1/forum/editions",
        "/api/v1/forum/editions/{id}/publish",
        "/api/v1/forum/editions/{id}/pdf",
    ):
        assert path in paths, path


def test_proofs_note_and_publishing_through_the_api(login, editors, tree):
    from gonghui.forum.models import Edition, Submission
    from gonghui.forum.tests.factories import build_accepted

    article = build_accepted(
        org=tree.a, reviewers=[editors.first, editors.second, editors.chief], title="接口刊发稿"
    )
    client = login(editors.chief)
    created = _post(
        client,
        "/api/v1/forum/editions",
        {"org_id": tree.county.pk, "number": 31, "issue_date": "2026-12-15"},
    )
    assert created.status_code == 201 and created.json()["status"] == "planned"
    edition_url = f"/api/v1/forum/editions/{created.json()['id']}"
    added = _post(client, edition_url + "/articles", {"submission_ids": [article.pk]})
    assert added.status_code == 200
    # Not yet proofread nor annotated: every problem listed, nothing published.
    refused = _post(client, edition_url + "/publish", {})
    assert refused.status_code == 422
    problems = refused.json()["fields"]["__all__"]
    assert any("只完成了 0 校" in p for p in problems) and any("小编说" in p for p in problems)
    assert client.get(edition_url + "/pdf").status_code == 409
    for round_number in (1, 2, 3):
        proof = _post(client, f"/api/v1/forum/submissions/{article.pk}/proofs", {"note": "校"})
        assert proof.status_code == 200 and proof.json()["proof_rounds"] == round_number
    fourth = _post(client, f"/api/v1/forum/submissions/{article.pk}/proofs", {})
    assert fourth.status_code == 409 and fourth.json()["code"] == "proofs_done"
    note = client.put(
        f"/api/v1/forum/submissions/{article.pk}/note",
        data=json.dumps({"note": "基层实践，值得借鉴。"}),
        content_type="application/json",
    )
    assert note.status_code == 200 and note.json()["editor_note"] == "基层实践，值得借鉴。"
    published = _post(client, edition_url + "/publish", {})
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert Submission.objects.get(pk=article.pk).status == "published"
    again = _post(client, edition_url + "/publish", {})
    assert again.status_code == 409
    assert Edition.objects.filter(number=31, status="published").count() == 1
    pdf = client.get(edition_url + "/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_an_editor_note_on_an_article_in_review_is_refused(login, editors, tree):
    article = build_submission(org=tree.a)
    response = login(editors.chief).put(
        f"/api/v1/forum/submissions/{article.pk}/note",
        data=json.dumps({"note": "太早"}),
        content_type="application/json",
    )
    assert response.status_code == 409 and "已录用" in response.json()["message"]
    article.refresh_from_db()
    assert article.editor_note == ""


def test_topics_are_published_and_edited_and_articles_removed_through_the_api(login, editors, tree):
    from gonghui.forum.models import Submission, Topic

    client = login(editors.first)
    body = {
        "org_id": tree.county.pk,
        "title": "学党史",
        "call_text": "谈体会",
        "deadline": "2020-01-01",
    }
    refused = _post(client, "/api/v1/forum/topics", body)
    assert refused.status_code == 422
    assert refused.json()["message"] == "截止日期不能早于今天。"
    assert not Topic.objects.exists()
    created = _post(client, "/api/v1/forum/topics", body | {"deadline": "2030-06-30"})
    assert created.status_code == 201 and created.json()["title"] == "学党史"
    topic_id = created.json()["id"]
    edited = client.put(
        f"/api/v1/forum/topics/{topic_id}",
        data=json.dumps({"title": "悟思想", "call_text": "谈做法", "deadline": "2030-06-30"}),
        content_type="application/json",
    )
    assert edited.status_code == 200 and Topic.objects.get().title == "悟思想"
    edition = build_edition(org=tree.county, number=5)
    article = build_submission(org=tree.a, status="scheduled", edition=edition)
    removed = client.delete(f"/api/v1/forum/editions/{edition.pk}/articles/{article.pk}")
    assert removed.status_code == 200 and removed.json()["article_ids"] == []
    assert Submission.objects.get(pk=article.pk).status == "accepted"
    again = client.delete(f"/api/v1/forum/editions/{edition.pk}/articles/{article.pk}")
    assert again.status_code == 422 and again.json()["message"] == "该稿件不在本期中。"


def test_an_author_follows_and_revises_their_article_through_the_api(login, tree, users):
    from gonghui.forum.tests.factories import ARTICLE_TEXT

    author = users.grassroots_staff
    article = build_submission(org=tree.a1, status="revise", submitted_by=author, title="待修改")
    client = login(author)
    assert [i["title"] for i in client.get("/api/v1/forum/mine").json()["items"]] == ["待修改"]
    body = {"title": "修改后的稿件", "author_name": "王主席", "text": ARTICLE_TEXT}
    done = _post(client, f"/api/v1/forum/mine/{article.pk}/revision", body)
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["title"]) == ("first", "修改后的稿件")
    again = _post(client, f"/api/v1/forum/mine/{article.pk}/revision", body)
    assert (
        again.status_code == 409 and again.json()["message"] == "稿件未被退回修改，现在不能修改。"
    )
    assert login(users.township_staff).get(f"/api/v1/forum/mine/{article.pk}").status_code == 404
