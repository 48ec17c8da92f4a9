"""Permission-matrix entries for every staff page of the forum (core/testing/matrix.py).
The public pages (/forum/public/...) are outside the matrix: see test_public.py."""

from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import Endpoint, Targets
from gonghui.forum.models import Edition, ForumSettings, Submission, SubmissionFile, Topic
from gonghui.forum.tests.factories import (
    ARTICLE_TEXT,
    build_edition,
    build_submission,
    build_topic,
    png_upload,
)

M = "forum"


def _orgs(tree, actor):
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


def _submissions(tree, actor, **extra):
    return Targets(
        own=build_submission(org=tree.a1, title="甲镇矩阵稿件", **extra),
        sibling=build_submission(org=tree.b1, title="乙镇矩阵稿件", **extra),
        parent=build_submission(org=tree.county, title="县直矩阵稿件", **extra),
    )


def _accepted(tree, actor):
    return _submissions(tree, actor, status="accepted")


def _mine(tree, actor, status="first"):
    article = build_submission(org=tree.a1, title="我的矩阵稿件", status=status, submitted_by=actor)
    return Targets(own=article, sibling=article, parent=article)


def _mine_revise(tree, actor):
    return _mine(tree, actor, status="revise")


def _files(tree, actor):
    from gonghui.forum.services import _files_save

    found = _submissions(tree, actor)
    for article in (found.own, found.sibling, found.parent):
        upload = png_upload()
        _files_save(article, [(upload, "image/png", "p.png", upload.size)])
    return Targets(*(a.files.get() for a in (found.own, found.sibling, found.parent)))


def _topics(tree, actor):
    return Targets(
        own=build_topic(org=tree.a1, title="甲镇矩阵议题"),
        sibling=build_topic(org=tree.b1, title="乙镇矩阵议题"),
        parent=build_topic(org=tree.county, title="县直矩阵议题"),
    )


def _editions(tree, actor):
    return Targets(
        own=build_edition(org=tree.a1, number=901, title="甲镇矩阵期"),
        sibling=build_edition(org=tree.b1, number=902, title="乙镇矩阵期"),
        parent=build_edition(org=tree.county, number=903, title="县直矩阵期"),
    )


def _editions_with_accepted(tree, actor):
    editions = _editions(tree, actor)
    for edition in (editions.own, editions.sibling, editions.parent):
        build_submission(org=edition.org, status="accepted", title=f"待编排{edition.number}")
    return editions


def _editions_with_article(tree, actor):
    editions = _editions(tree, actor)
    for edition in (editions.own, editions.sibling, editions.parent):
        build_submission(
            org=edition.org, status="scheduled", title=f"已编排{edition.number}", edition=edition
        )
    return editions


def _article_state(article):
    return list(
        Submission.objects.filter(pk=article.pk).values_list(
            "status", "revision", "editor_note", "edition_id", "title"
        )
    ) + [article.reviews.count(), article.proofs.count()]


def _edition_state(edition):
    return list(Edition.objects.filter(pk=edition.pk).values_list("status", "published_at")) + [
        sorted(Submission.objects.filter(edition=edition).values_list("pk", "status"))
    ]


def _article_form(**extra):
    return {
        "title": "矩阵投稿",
        "author_name": "矩阵作者",
        "text": ARTICLE_TEXT,
        **extra,
    }


ENDPOINTS = [
    Endpoint("forum.my_list", "GET", M, "view", lambda t: "/forum/mine/", _mine, scoped=False),
    Endpoint(
        "forum.my_detail", "GET", M, "view", lambda s: f"/forum/mine/{s.pk}/", _mine, scoped=False
    ),
    Endpoint(
        "forum.my_revise",
        "POST",
        M,
        "view",
        lambda s: f"/forum/mine/{s.pk}/revise/",
        _mine_revise,
        data=lambda s: _article_form(title="矩阵修改稿"),
        snapshot=_article_state,
        success=(302,),
        scoped=False,
    ),
    Endpoint(
        "forum.submission_new_form",
        "GET",
        M,
        "view",
        lambda t: "/forum/submit/",
        _orgs,
        scoped=False,
    ),
    Endpoint(
        "forum.submission_new",
        "POST",
        M,
        "view",
        lambda t: "/forum/submit/",
        _orgs,
        data=lambda t: _article_form(),
        snapshot=lambda t: Submission.objects.filter(title="矩阵投稿").count(),
        success=(302,),
        scoped=False,
    ),
    Endpoint(
        "forum.submission_list",
        "GET",
        M,
        "view",
        lambda t: "/forum/submissions/",
        _submissions,
        marker=lambda s: s.title,
        scoped=False,
    ),
    Endpoint(
        "forum.submission_detail",
        "GET",
        M,
        "view",
        lambda s: f"/forum/submissions/{s.pk}/",
        _submissions,
    ),
    Endpoint(
        "forum.submission_review",
        "POST",
        M,
        "approve",
        lambda s: f"/forum/submissions/{s.pk}/review/",
        _submissions,
        data=lambda s: {"stage": "first", "decision": "accept", "comment": ""},
        snapshot=_article_state,
        # 302 for a role configured for 初审; 200 with the refusal for the others.
        success=(200, 302),
    ),
    Endpoint(
        "forum.submission_proof",
        "POST",
        M,
        "edit",
        lambda s: f"/forum/submissions/{s.pk}/proof/",
        _accepted,
        data=lambda s: {"note": "一校"},
        snapshot=_article_state,
        success=(302,),
    ),
    Endpoint(
        "forum.submission_note",
        "POST",
        M,
        "edit",
        lambda s: f"/forum/submissions/{s.pk}/note/",
        _accepted,
        data=lambda s: {"note": "小编说：矩阵"},
        snapshot=_article_state,
        success=(302,),
    ),
    Endpoint(
        "forum.submission_unmask",
        "POST",
        M,
        "view_sensitive",
        lambda s: f"/forum/submissions/{s.pk}/unmask/",
        lambda tree, actor: _submissions(tree, actor, source="public", contact_phone="13912345678"),
        data=lambda s: {"reason": "联系作者核实稿件"},
        snapshot=lambda s: AuditEvent.objects.filter(action="unmasked").count(),
    ),
    Endpoint(
        "forum.submission_file",
        "GET",
        M,
        "view",
        lambda f: f"/forum/submissions/{f.submission_id}/files/{f.pk}/",
        _files,
    ),
    Endpoint(
        "forum.topic_list",
        "GET",
        M,
        "view",
        lambda t: "/forum/topics/",
        _topics,
        marker=lambda t: t.title,
        scoped=False,
    ),
    Endpoint(
        "forum.topic_new_form",
        "GET",
        M,
        "edit",
        lambda t: "/forum/topics/new/",
        _orgs,
        scoped=False,
    ),
    Endpoint(
        "forum.topic_new",
        "POST",
        M,
        "edit",
        lambda t: "/forum/topics/new/",
        _orgs,
        data=lambda org: {
            "title": "矩阵新议题",
            "call_text": "征稿",
            "deadline": "2099-01-01",
            "org": org.pk,
        },
        snapshot=lambda org: Topic.objects.filter(title="矩阵新议题").count(),
        success=(302,),
    ),
    Endpoint(
        "forum.topic_edit_form", "GET", M, "edit", lambda t: f"/forum/topics/{t.pk}/edit/", _topics
    ),
    Endpoint(
        "forum.topic_edit",
        "POST",
        M,
        "edit",
        lambda t: f"/forum/topics/{t.pk}/edit/",
        _topics,
        data=lambda t: {
            "title": t.title + "改",
            "call_text": "征稿",
            "deadline": "2099-01-01",
            "org": t.org_id,
        },
        snapshot=lambda t: list(Topic.objects.filter(pk=t.pk).values_list("title", "deadline")),
        success=(302,),
    ),
    Endpoint(
        "forum.edition_list",
        "GET",
        M,
        "view",
        lambda t: "/forum/editions/",
        _editions,
        marker=lambda e: e.title,
        scoped=False,
    ),
    Endpoint(
        "forum.edition_new_form",
        "GET",
        M,
        "edit",
        lambda t: "/forum/editions/new/",
        _orgs,
        scoped=False,
    ),
    Endpoint(
        "forum.edition_new",
        "POST",
        M,
        "edit",
        lambda t: "/forum/editions/new/",
        _orgs,
        data=lambda org: {
            "number": 777,
            "issue_date": "2026-12-15",
            "page": "第4版",
            "org": org.pk,
        },
        snapshot=lambda org: Edition.objects.filter(number=777).count(),
        success=(302,),
    ),
    Endpoint(
        "forum.edition_detail", "GET", M, "view", lambda e: f"/forum/editions/{e.pk}/", _editions
    ),
    Endpoint(
        "forum.edition_add",
        "POST",
        M,
        "edit",
        lambda e: f"/forum/editions/{e.pk}/add/",
        _editions_with_accepted,
        data=lambda e: {"articles": [Submission.objects.get(title=f"待编排{e.number}").pk]},
        snapshot=_edition_state,
        success=(302,),
    ),
    Endpoint(
        "forum.edition_remove",
        "POST",
        M,
        "edit",
        lambda e: f"/forum/editions/{e.pk}/remove/",
        _editions_with_article,
        data=lambda e: {"article": Submission.objects.get(title=f"已编排{e.number}").pk},
        snapshot=_edition_state,
        success=(302,),
    ),
    Endpoint(
        "forum.edition_publish",
        "POST",
        M,
        "edit",
        lambda e: f"/forum/editions/{e.pk}/publish/",
        _editions_with_article,
        snapshot=_edition_state,
        success=(302,),
    ),
    Endpoint("forum.stats", "GET", M, "view", lambda t: "/forum/stats/", _orgs, scoped=False),
    Endpoint(
        "forum.stats_export",
        "GET",
        M,
        "export",
        lambda t: "/forum/stats/export/",
        _orgs,
        snapshot=lambda t: AuditEvent.objects.filter(action="exported").count(),
        scoped=False,
    ),
    Endpoint(
        "forum.settings", "GET", M, "approve", lambda t: "/forum/settings/", _orgs, scoped=False
    ),
    Endpoint(
        "forum.settings_save",
        "POST",
        M,
        "approve",
        lambda t: "/forum/settings/",
        _orgs,
        data=lambda t: {
            "first_roles": ["county_staff"],
            "second_roles": ["county_staff"],
            "final_roles": ["county_admin"],
            "reminder_days": 3,
            "quiet_days": 30,
        },
        snapshot=lambda t: list(ForumSettings.objects.values_list("reminder_days", flat=True)),
        # Township-level holders are refused by the service (200 with the message).
        success=(200, 302),
        scoped=False,
    ),
]

__all__ = ["ENDPOINTS", "SubmissionFile"]
