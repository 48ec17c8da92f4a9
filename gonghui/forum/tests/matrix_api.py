"""Permission-matrix entries for the forum API (/api/v1/forum/...)."""

from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.forum.models import Edition, ProofRound, Submission, Topic
from gonghui.forum.tests.factories import build_submission
from gonghui.forum.tests.matrix import (
    _accepted,
    _article_form,
    _article_state,
    _edition_state,
    _editions,
    _editions_with_accepted,
    _mine,
    _mine_revise,
    _orgs,
    _submissions,
    _topics,
)

M = "forum"
JSON = {"extract": json_text}


def _proofreader(tree, actor):
    from gonghui.accounts.models import User
    from gonghui.testing.fixtures import make_user

    if actor is not None:
        return actor
    found = User.objects.filter(username="matrix_proofreader").first()
    return found or make_user("matrix_proofreader", "county_staff", tree.county)


def _editions_ready(tree, actor, status="planned"):
    """Editions whose one article is scheduled, proofread three times and has a note (or,
    for status="published", editions already published)."""
    editions = _editions(tree, actor)
    proofreader = _proofreader(tree, actor)
    for edition in (editions.own, editions.sibling, editions.parent):
        article = build_submission(
            org=edition.org,
            status="published" if status == "published" else "scheduled",
            title=f"可发布{edition.number}",
            edition=edition,
            editor_note="小编说",
        )
        ProofRound.objects.bulk_create(
            ProofRound(submission=article, number=n, proofreader=proofreader) for n in (1, 2, 3)
        )
    if status == "published":
        Edition.objects.filter(pk__in=[e.pk for e in vars(editions).values()]).update(
            status="published"
        )
        editions = Targets(*(Edition.objects.get(pk=e.pk) for e in vars(editions).values()))
    return editions


def _scheduled(tree, actor):
    """The one article scheduled in each of `_editions_ready`'s editions."""
    editions = _editions_ready(tree, actor)
    return Targets(*(e.articles.get() for e in (editions.own, editions.sibling, editions.parent)))


def _editions_published(tree, actor):
    return _editions_ready(tree, actor, status="published")


ENDPOINTS = [
    Endpoint(
        "api.forum.topics",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/forum/topics?limit=200",
        _topics,
        api=True,
        marker=lambda t: t.title,
        scoped=False,
        extra=JSON,
    ),
    Endpoint(
        "api.forum.topic_create",
        "POST",
        M,
        "edit",
        lambda t: "/api/v1/forum/topics",
        _orgs,
        data=lambda org: {
            "org_id": org.pk,
            "title": "接口矩阵议题",
            "call_text": "征稿说明",
            "deadline": "2030-06-30",
        },
        snapshot=lambda org: Topic.objects.filter(title="接口矩阵议题").count(),
        api=True,
        success=(201,),
    ),
    Endpoint(
        "api.forum.topic_update",
        "PUT",
        M,
        "edit",
        lambda t: f"/api/v1/forum/topics/{t.pk}",
        _topics,
        data=lambda t: {"title": "改过的议题", "call_text": "新说明", "deadline": "2030-06-30"},
        snapshot=lambda t: list(Topic.objects.filter(pk=t.pk).values_list("title", "call_text")),
        api=True,
    ),
    Endpoint(
        "api.forum.mine",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/forum/mine",
        _mine,
        api=True,
        scoped=False,
    ),
    Endpoint(
        "api.forum.mine_detail",
        "GET",
        M,
        "view",
        lambda s: f"/api/v1/forum/mine/{s.pk}",
        _mine,
        api=True,
        scoped=False,
    ),
    Endpoint(
        "api.forum.mine_revise",
        "POST",
        M,
        "view",
        lambda s: f"/api/v1/forum/mine/{s.pk}/revision",
        _mine_revise,
        data=lambda s: _article_form(title="接口矩阵修改稿"),
        snapshot=_article_state,
        api=True,
        scoped=False,
    ),
    Endpoint(
        "api.forum.submissions",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/forum/submissions?limit=200",
        _submissions,
        api=True,
        marker=lambda s: s.title,
        scoped=False,
        extra=JSON,
    ),
    Endpoint(
        "api.forum.submission",
        "GET",
        M,
        "view",
        lambda s: f"/api/v1/forum/submissions/{s.pk}",
        _submissions,
        api=True,
    ),
    Endpoint(
        "api.forum.submit",
        "POST",
        M,
        "view",
        lambda t: "/api/v1/forum/submissions",
        _orgs,
        data=lambda t: _article_form(title="接口矩阵投稿"),
        snapshot=lambda t: Submission.objects.filter(title="接口矩阵投稿").count(),
        api=True,
        success=(201,),
        scoped=False,
    ),
    Endpoint(
        "api.forum.review",
        "POST",
        M,
        "approve",
        lambda s: f"/api/v1/forum/submissions/{s.pk}/reviews",
        _submissions,
        data=lambda s: {"stage": "first", "decision": "accept"},
        snapshot=_article_state,
        api=True,
        # 200 for a role configured for 初审; 403 (the service's refusal) for the others.
        success=(200, 403),
    ),
    Endpoint(
        "api.forum.editions",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/forum/editions?limit=200",
        _editions,
        api=True,
        marker=lambda e: e.title,
        scoped=False,
        extra=JSON,
    ),
    Endpoint(
        "api.forum.edition",
        "GET",
        M,
        "view",
        lambda e: f"/api/v1/forum/editions/{e.pk}",
        _editions,
        api=True,
    ),
    Endpoint(
        "api.forum.edition_articles",
        "POST",
        M,
        "edit",
        lambda e: f"/api/v1/forum/editions/{e.pk}/articles",
        _editions_with_accepted,
        data=lambda e: {"submission_ids": [Submission.objects.get(title=f"待编排{e.number}").pk]},
        snapshot=_edition_state,
        api=True,
    ),
    Endpoint(
        "api.forum.proof",
        "POST",
        M,
        "edit",
        lambda s: f"/api/v1/forum/submissions/{s.pk}/proofs",
        _accepted,
        data=lambda s: {"note": "一校"},
        snapshot=_article_state,
        api=True,
    ),
    Endpoint(
        "api.forum.note",
        "PUT",
        M,
        "edit",
        lambda s: f"/api/v1/forum/submissions/{s.pk}/note",
        _accepted,
        data=lambda s: {"note": "小编说：接口矩阵"},
        snapshot=_article_state,
        api=True,
    ),
    Endpoint(
        "api.forum.edition_create",
        "POST",
        M,
        "edit",
        lambda t: "/api/v1/forum/editions",
        _orgs,
        data=lambda org: {"org_id": org.pk, "number": 778, "issue_date": "2026-12-15"},
        snapshot=lambda org: Edition.objects.filter(number=778).count(),
        api=True,
        success=(201,),
    ),
    Endpoint(
        "api.forum.edition_article_remove",
        "DELETE",
        M,
        "edit",
        lambda s: f"/api/v1/forum/editions/{s.edition_id}/articles/{s.pk}",
        _scheduled,
        snapshot=_article_state,
        api=True,
    ),
    Endpoint(
        "api.forum.edition_publish",
        "POST",
        M,
        "edit",
        lambda e: f"/api/v1/forum/editions/{e.pk}/publish",
        _editions_ready,
        snapshot=_edition_state,
        api=True,
    ),
    Endpoint(
        "api.forum.edition_pdf",
        "GET",
        M,
        "view",
        lambda e: f"/api/v1/forum/editions/{e.pk}/pdf",
        _editions_published,
        api=True,
    ),
]
