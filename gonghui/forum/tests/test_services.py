"""Rules of the forum's services: submissions (size limits, files, deadlines), the
three-stage review, proof rounds, the editor's note and editions. Every refusal writes
nothing."""

import datetime

import pytest
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import Conflict, PermissionDenied, ValidationFailed
from gonghui.forum import services
from gonghui.forum.models import (
    FILES_MAX,
    TEXT_MAX,
    Edition,
    ProofRound,
    Submission,
    SubmissionFile,
    SubmissionReview,
    SubmissionStatus,
)
from gonghui.forum.tests.factories import (
    ARTICLE_TEXT,
    build_accepted,
    build_edition,
    build_submission,
    build_topic,
    exe_upload,
    png_upload,
)
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def _article(**overrides):
    values = {
        "title": "办实事 开新局",
        "author_name": "李主席",
        "author_position": "工会主席",
        "author_org": "甲镇总工会",
        "text": ARTICLE_TEXT,
    }
    values.update(overrides)
    return values


def _state():
    return (
        Submission.objects.count(),
        SubmissionFile.objects.count(),
        SubmissionReview.objects.count(),
        ProofRound.objects.count(),
        list(Submission.objects.values_list("pk", "status", "edition_id", "revision")),
        AuditEvent.objects.count(),
    )


# --- submissions -------------------------------------------------------------------------------


def test_staff_submission_is_stored_with_its_image_and_waits_for_first_review(tree, users):
    topic = build_topic(org=tree.county)
    article = services.submission_create(
        actor=users.township_staff, org=tree.a, topic=topic, files=[png_upload()], **_article()
    )
    assert article.status == SubmissionStatus.FIRST
    assert article.org == tree.a and article.submitted_by == users.township_staff
    assert [f.content_type for f in article.files.all()] == ["image/png"]
    assert AuditEvent.objects.filter(object_id=str(article.pk), action="created").exists()


@pytest.mark.parametrize(
    ("overrides", "files", "field", "fragment"),
    [
        ({"title": "题" * 61}, [], "title", "不能超过 60 个字"),
        ({"text": "短"}, [], "text", "至少 200 个字"),
        ({"text": "长" * (TEXT_MAX + 1)}, [], "text", "不能超过 20000 个字"),
        ({"author_name": ""}, [], "author_name", "请填写作者姓名"),
        ({}, ["exe"], "files", "不是允许的文件类型"),
        ({}, ["renamed"], "files", "不是允许的文件类型"),
        ({}, ["many"], "files", f"最多上传 {FILES_MAX} 个"),
    ],
)
def test_bad_articles_are_refused_in_chinese_and_nothing_is_written(
    tree, users, overrides, files, field, fragment
):
    uploads = []
    if files == ["exe"]:
        uploads = [exe_upload()]
    elif files == ["renamed"]:
        uploads = [exe_upload("photo.png")]  # an .exe named .png: refused by its content
    elif files == ["many"]:
        uploads = [png_upload(f"p{i}.png") for i in range(FILES_MAX + 1)]
    before = _state()
    with pytest.raises(ValidationFailed) as caught:
        services.submission_create(
            actor=users.township_staff,
            org=tree.a,
            topic=None,
            files=uploads,
            **_article(**overrides),
        )
    assert any(fragment in m for m in caught.value.fields[field])
    assert _state() == before


def test_every_problem_of_an_article_is_reported_at_once(tree, users):
    with pytest.raises(ValidationFailed) as caught:
        services.submission_create(
            actor=users.township_staff,
            org=tree.a,
            topic=None,
            files=[exe_upload()],
            **_article(title="", text="短"),
        )
    assert set(caught.value.fields) == {"title", "text", "files"}


def test_a_topic_past_its_deadline_takes_no_more_articles(tree, users):
    topic = build_topic(org=tree.county)
    topic.deadline = timezone.localdate() - datetime.timedelta(days=1)
    topic.save()
    before = _state()
    with pytest.raises(ValidationFailed) as caught:
        services.submission_create(
            actor=users.township_staff, org=tree.a, topic=topic, **_article()
        )
    assert "截止征稿" in caught.value.fields["topic"][0]
    assert _state() == before


def test_public_submission_needs_contact_and_consent_and_masks_the_phone(tree):
    before = _state()
    with pytest.raises(ValidationFailed) as caught:
        services.submission_public_create(org=tree.b, topic=None, ip="10.0.0.9", **_article())
    assert {"contact_name", "contact_phone", "consent"} <= set(caught.value.fields)
    assert _state() == before
    article = services.submission_public_create(
        org=tree.b,
        topic=None,
        ip="10.0.0.9",
        contact_name="赵女士",
        contact_phone="13912345678",
        consent=True,
        **_article(),
    )
    assert article.source == "public" and article.submitted_by is None
    assert article.contact_phone_masked == "139****5678"
    assert len(article.tracking_code) == 12


def test_public_submissions_are_rate_limited_per_ip(tree):
    fields = {"contact_name": "赵", "contact_phone": "13912345678", "consent": True}
    for _ in range(services.PUBLIC_SUBMISSIONS_PER_HOUR):
        services.submission_public_create(
            org=tree.b, topic=None, ip="10.0.0.7", **fields, **_article()
        )
    count = Submission.objects.count()
    with pytest.raises(services.RateLimited):
        services.submission_public_create(
            org=tree.b, topic=None, ip="10.0.0.7", **fields, **_article()
        )
    assert Submission.objects.count() == count
    # Another address is not held back.
    services.submission_public_create(org=tree.b, topic=None, ip="10.0.0.8", **fields, **_article())


# --- three-stage review -----------------------------------------------------------------------


def test_an_article_goes_through_three_reviews_by_three_people(tree, editors):
    article = build_submission(org=tree.a)
    services.review_record(
        actor=editors.first, submission=article, stage="first", decision="accept"
    )
    services.review_record(
        actor=editors.second, submission=article, stage="second", decision="accept"
    )
    services.review_record(
        actor=editors.chief, submission=article, stage="final", decision="accept"
    )
    article.refresh_from_db()
    assert article.status == SubmissionStatus.ACCEPTED
    assert list(article.reviews.values_list("stage", "reviewer__username")) == [
        ("first", "editor_first"),
        ("second", "editor_second"),
        ("final", "chief_editor"),
    ]


def test_a_stage_cannot_be_skipped(tree, editors):
    article = build_submission(org=tree.a)
    before = _state()
    with pytest.raises(Conflict) as caught:
        services.review_record(
            actor=editors.chief, submission=article, stage="final", decision="accept"
        )
    assert "不能跳过" in caught.value.message
    assert _state() == before


def test_the_same_person_is_refused_for_a_second_stage_of_one_article(tree, editors):
    article = build_submission(org=tree.a)
    services.review_record(
        actor=editors.first, submission=article, stage="first", decision="accept"
    )
    before = _state()
    with pytest.raises(Conflict) as caught:
        services.review_record(
            actor=editors.first, submission=article, stage="second", decision="accept"
        )
    assert "同一人不能担任同一稿件的两个审次" in caught.value.message
    assert "初审" in caught.value.message
    assert _state() == before


def test_the_same_person_stays_refused_after_a_revision(tree, editors, users):
    """A revision starts again at 初审; whoever took 初审 before may take it again, but
    not 复审 of the same article."""
    article = build_submission(org=tree.a, submitted_by=users.township_staff)
    services.review_record(
        actor=editors.first,
        submission=article,
        stage="first",
        decision="revise",
        comment="请补充事例",
    )
    services.submission_revise(actor=users.township_staff, submission=article, **_article())
    services.review_record(
        actor=editors.first, submission=article, stage="first", decision="accept"
    )
    with pytest.raises(Conflict):
        services.review_record(
            actor=editors.first, submission=article, stage="second", decision="accept"
        )


def test_a_stage_is_done_once_per_revision(tree, editors):
    article = build_submission(org=tree.a)
    services.review_record(
        actor=editors.first, submission=article, stage="first", decision="accept"
    )
    before = _state()
    with pytest.raises(Conflict):
        services.review_record(
            actor=editors.first, submission=article, stage="first", decision="accept"
        )
    assert _state() == before


def test_roles_are_configurable_per_stage(tree, editors, users):
    article = build_submission(org=tree.a)
    services.review_record(
        actor=editors.first, submission=article, stage="first", decision="accept"
    )
    services.review_record(
        actor=editors.second, submission=article, stage="second", decision="accept"
    )
    leader = users.leader  # not a chief editor by default
    with pytest.raises(PermissionDenied):
        services.review_record(actor=leader, submission=article, stage="final", decision="accept")
    services.forum_settings_update(
        actor=editors.chief,
        first_roles=["county_staff"],
        second_roles=["county_staff"],
        final_roles=["county_staff"],
        reminder_days=5,
        quiet_days=60,
    )
    other = make_user("third_staff", "county_staff", tree.county)
    services.review_record(actor=other, submission=article, stage="final", decision="accept")
    article.refresh_from_db()
    assert article.status == SubmissionStatus.ACCEPTED


def test_a_reviewer_outside_the_article_s_org_is_refused(tree, users):
    article = build_submission(org=tree.b)
    before = _state()
    with pytest.raises(PermissionDenied):
        # Township A's staff hold approve, but neither a configured role nor township B.
        services.review_record(
            actor=users.township_staff, submission=article, stage="first", decision="accept"
        )
    assert _state() == before


def test_revise_and_decline_need_a_comment(tree, editors):
    article = build_submission(org=tree.a)
    before = _state()
    for decision in ("revise", "decline"):
        with pytest.raises(ValidationFailed) as caught:
            services.review_record(
                actor=editors.first, submission=article, stage="first", decision=decision
            )
        assert "comment" in caught.value.fields
    assert _state() == before


def test_a_revised_article_returns_to_first_review_and_only_its_author_may_revise(
    tree, editors, users
):
    article = build_submission(org=tree.a, submitted_by=users.township_staff)
    services.review_record(
        actor=editors.first,
        submission=article,
        stage="first",
        decision="revise",
        comment="请压缩篇幅",
    )
    with pytest.raises(PermissionDenied):
        services.submission_revise(actor=users.social_worker, submission=article, **_article())
    services.submission_revise(
        actor=users.township_staff, submission=article, **_article(title="修改后的标题")
    )
    article.refresh_from_db()
    assert (article.status, article.revision, article.title) == ("first", 2, "修改后的标题")


def test_a_public_author_revises_with_the_tracking_code(tree, editors):
    article = build_submission(org=tree.b, source="public")
    services.review_record(
        actor=editors.first, submission=article, stage="first", decision="revise", comment="请补图"
    )
    with pytest.raises(PermissionDenied):
        services.submission_revise(
            actor=None, submission=article, tracking_code="WRONG", **_article()
        )
    services.submission_revise(
        actor=None, submission=article, tracking_code=article.tracking_code, **_article()
    )
    article.refresh_from_db()
    assert article.status == "first"


def test_a_declined_article_leaves_review(tree, editors):
    article = build_submission(org=tree.a)
    services.review_record(
        actor=editors.first,
        submission=article,
        stage="first",
        decision="decline",
        comment="偏离主题",
    )
    article.refresh_from_db()
    assert article.status == SubmissionStatus.DECLINED
    with pytest.raises(Conflict):
        services.review_record(
            actor=editors.second, submission=article, stage="second", decision="accept"
        )


# --- proofs, note, editions -------------------------------------------------------------------


def test_three_proof_rounds_and_no_fourth(tree, editors):
    article = build_accepted(org=tree.a, reviewers=[editors.first, editors.second, editors.chief])
    for _ in range(3):
        services.proof_record(actor=editors.first, submission=article, note="改正错字")
    assert list(article.proofs.values_list("number", flat=True)) == [1, 2, 3]
    with pytest.raises(Conflict):
        services.proof_record(actor=editors.first, submission=article)


def test_proofs_and_notes_only_for_accepted_articles(tree, editors):
    article = build_submission(org=tree.a)
    before = _state()
    with pytest.raises(Conflict):
        services.proof_record(actor=editors.first, submission=article)
    with pytest.raises(Conflict):
        services.editor_note_set(actor=editors.first, submission=article, note="好文章")
    assert _state() == before


def _ready(tree, editors, title="可发布稿件"):
    return build_accepted(
        org=tree.a,
        reviewers=[editors.first, editors.second, editors.chief],
        title=title,
        proofs=3,
        proofreader=editors.first,
        note="值得一读。",
    )


def test_an_edition_refuses_an_unaccepted_article_and_writes_nothing(tree, editors):
    edition = build_edition(org=tree.county)
    accepted = _ready(tree, editors)
    pending = build_submission(org=tree.a, title="还在初审")
    before = _state()
    with pytest.raises(ValidationFailed) as caught:
        services.edition_articles_add(
            actor=editors.chief, edition=edition, submission_ids=[accepted.pk, pending.pk]
        )
    assert "尚未录用" in caught.value.message and "还在初审" in caught.value.message
    assert _state() == before


def test_an_edition_is_planned_and_published(tree, editors):
    edition = build_edition(org=tree.county)
    first, second = _ready(tree, editors, "第一篇"), _ready(tree, editors, "第二篇")
    services.edition_articles_add(
        actor=editors.chief, edition=edition, submission_ids=[first.pk, second.pk]
    )
    assert list(edition.articles.order_by("position").values_list("title", "status")) == [
        ("第一篇", "scheduled"),
        ("第二篇", "scheduled"),
    ]
    services.edition_publish(actor=editors.chief, edition=edition)
    edition.refresh_from_db()
    assert edition.status == "published"
    assert set(edition.articles.values_list("status", flat=True)) == {"published"}
    with pytest.raises(Conflict):
        services.edition_article_remove(
            actor=editors.chief, edition=edition, submission_id=first.pk
        )


def test_publishing_needs_three_proofs_and_a_note(tree, editors):
    edition = build_edition(org=tree.county)
    article = build_accepted(
        org=tree.a,
        reviewers=[editors.first, editors.second, editors.chief],
        proofs=1,
        proofreader=editors.first,
    )
    services.edition_articles_add(actor=editors.chief, edition=edition, submission_ids=[article.pk])
    with pytest.raises(ValidationFailed) as caught:
        services.edition_publish(actor=editors.chief, edition=edition)
    assert any("1 校" in m for m in caught.value.fields["__all__"])
    assert any("小编说" in m for m in caught.value.fields["__all__"])
    edition.refresh_from_db()
    assert edition.status == "planned"
    assert Submission.objects.get(pk=article.pk).status == "scheduled"


def test_an_empty_edition_cannot_be_published(tree, editors):
    edition = build_edition(org=tree.county)
    with pytest.raises(ValidationFailed):
        services.edition_publish(actor=editors.chief, edition=edition)


def test_edition_numbers_are_unique_per_office(tree, editors):
    build_edition(org=tree.county, number=3)
    count = Edition.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.edition_create(
            actor=editors.chief, org=tree.county, number=3, issue_date=None, page=""
        )
    assert set(caught.value.fields) == {"number", "issue_date", "page"}
    assert Edition.objects.count() == count


def test_the_planner_lists_townships_not_published_for_a_while(tree, editors):
    from gonghui.forum.selectors import quiet_townships

    edition = build_edition(org=tree.county)
    recent = build_submission(org=tree.a1, status="published")
    recent.published_at = timezone.now() - datetime.timedelta(days=3)
    recent.save()
    old = build_submission(org=tree.b1, status="published")
    old.published_at = timezone.now() - datetime.timedelta(days=200)
    old.save()
    rows = quiet_townships(edition, days=90)
    assert [(r["org"].name, r["days"]) for r in rows] == [("乙镇总工会", 200)]


def test_settings_refuse_bad_values_and_non_county_users(tree, users, editors):
    with pytest.raises(ValidationFailed) as caught:
        services.forum_settings_update(
            actor=editors.chief,
            first_roles=[],
            second_roles=["nobody"],
            final_roles=["county_admin"],
            reminder_days=0,
            quiet_days=3,
        )
    assert set(caught.value.fields) == {
        "first_roles",
        "second_roles",
        "reminder_days",
        "quiet_days",
    }
    with pytest.raises(PermissionDenied):
        services.forum_settings_update(
            actor=users.township_staff,
            first_roles=["county_staff"],
            second_roles=["county_staff"],
            final_roles=["county_admin"],
            reminder_days=7,
            quiet_days=90,
        )
    assert services.forum_settings().reminder_days == 7
