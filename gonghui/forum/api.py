"""Staff API of the 主席论坛 column: /api/v1/forum/... (topics, submissions and their
reviews, proof rounds and editor's notes, editions, publishing and the PDF page). Reads are
scoped like the pages; contact phones are always masked; writes go through
gonghui.forum.services (the same rules and Chinese messages)."""

from datetime import date, datetime
from enum import StrEnum

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import OrgRef, PageParams, errors, paginate, require
from gonghui.core.modules import Action
from gonghui.forum import selectors, services
from gonghui.forum.models import (
    Decision,
    EditionStatus,
    Stage,
    SubmissionSource,
    SubmissionStatus,
)

router = Router(tags=["主席论坛"])
MODULE = "forum"


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class TopicOut(Schema):
    id: int
    title: str = Field(description="议题")
    call_text: str = Field(description="征稿说明")
    deadline: date = Field(description="截止日期")
    org: OrgRef = Field(description="发布单位")

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


class TopicPage(Schema):
    items: list[TopicOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class ReviewOut(Schema):
    stage: Stage = Field(description="first 初审 / second 复审 / final 终审")
    revision: int = Field(description="第几稿")
    decision: Decision = Field(description="accept 通过 / revise 退回修改 / decline 不予录用")
    comment: str
    reviewer: str = Field(description="审稿人姓名")
    created_at: datetime

    @staticmethod
    def resolve_reviewer(obj):
        return obj.reviewer.full_name or obj.reviewer.username


class SubmissionOut(Schema):
    id: int
    title: str
    author_name: str
    author_position: str
    author_org: str
    org: OrgRef = Field(description="来稿单位")
    topic_id: int | None = Field(description="议题编号；null 为自由来稿")
    source: SubmissionSource = Field(description="staff 平台用户投稿 / public 公开投稿")
    status: SubmissionStatus = Field(
        description="first 待初审 / second 待复审 / final 待终审 / revise 退回修改 / "
        "accepted 已录用 / declined 未录用 / scheduled 已编入版面 / published 已刊发"
    )
    status_display: str
    stage_since: datetime = Field(description="进入当前状态的时间")
    revision: int
    contact_name: str
    contact_phone: str = Field(description="联系电话(脱敏)")
    edition_id: int | None
    editor_note: str = Field(description="小编说")
    created_at: datetime

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_contact_phone(obj):
        return obj.contact_phone_masked


class SubmissionDetailOut(SubmissionOut):
    text: str
    reviews: list[ReviewOut]
    proof_rounds: int = Field(description="已完成的校次(最多 3)")

    @staticmethod
    def resolve_reviews(obj):
        return list(obj.reviews.select_related("reviewer"))

    @staticmethod
    def resolve_proof_rounds(obj):
        return obj.proofs.count()


class SubmissionPage(Schema):
    items: list[SubmissionOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class StatusFilter(StrEnum):
    IN_REVIEW = "in_review"
    FIRST = "first"
    SECOND = "second"
    FINAL = "final"
    REVISE = "revise"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"


class SubmissionFilters(Schema):
    status: StatusFilter | None = Field(None, description="状态；in_review 为三个审次全部")
    topic_id: int | None = Field(None, description="只看该议题的来稿")
    q: str = Field("", description="标题、作者或作者单位包含")


class SubmissionIn(_Strict):
    title: str = Field(description="标题(不超过 60 字)")
    author_name: str
    author_position: str = ""
    author_org: str = ""
    text: str = Field(description="正文(200–20000 字)")
    topic_id: int | None = Field(None, description="议题编号(须在征稿期内)；不传为自由来稿")


class ReviewIn(_Strict):
    stage: Stage = Field(description="审次，须为稿件当前的审次")
    decision: Decision
    comment: str = Field("", description="退回修改或不予录用时必填")


class EditionOut(Schema):
    id: int
    number: int = Field(description="期号")
    issue_date: date
    page: str = Field(description="版面")
    title: str
    status: EditionStatus = Field(description="planned 编排中 / published 已发布")
    published_at: datetime | None
    article_ids: list[int] = Field(description="本期稿件编号(按版面顺序)")

    @staticmethod
    def resolve_article_ids(obj):
        return [a.pk for a in sorted(obj.articles.all(), key=lambda a: (a.position, a.pk))]


class EditionPage(Schema):
    items: list[EditionOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class ProofIn(_Strict):
    note: str = Field("", description="校对说明(不超过 500 字)")


class EditorNoteIn(_Strict):
    note: str = Field(description="小编说(不超过 500 字；空字符串为删除)")


class EditionIn(_Strict):
    org_id: int = Field(description="编辑部所属组织(须在编辑范围内)")
    number: int = Field(description="期号(同一组织内不重复)")
    issue_date: date = Field(description="出版日期")
    page: str = Field("第4版", description="版面")
    title: str = Field("", description="本期标题")


class EditionArticlesIn(_Strict):
    submission_ids: list[int] = Field(
        description="要编入本期的录用稿件编号；有未录用的则全部不编入"
    )


@router.get("/topics", response={200: TopicPage, **errors(403, 422)}, summary="议题列表")
def topic_list(request, page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    return paginate(selectors.topic_list(request.auth), page, descending=True)


class TopicIn(_Strict):
    org_id: int = Field(description="发布单位(须在本人可编辑的范围内)")
    title: str = Field(description="议题(不超过 60 字)")
    call_text: str = Field(description="征稿说明")
    deadline: date = Field(description="截止日期(新建时不得早于今天)")


@router.post(
    "/topics",
    response={201: TopicOut, **errors(403, 404, 422)},
    summary="发布议题",
    description="发布一个征稿议题；截止日期早于今天等问题返回 422 并列出全部问题。",
)
def topic_create(request, payload: TopicIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    org = selectors.org_for_edit(user, payload.org_id)
    topic = services.topic_create(
        actor=user,
        org=org,
        title=payload.title,
        call_text=payload.call_text,
        deadline=payload.deadline,
    )
    return Status(201, selectors.topic_get(user, topic.pk))


class TopicUpdateIn(_Strict):
    title: str = Field(description="议题(不超过 60 字)")
    call_text: str = Field(description="征稿说明")
    deadline: date = Field(description="截止日期")


@router.put(
    "/topics/{pk:id}",
    response={200: TopicOut, **errors(403, 404, 422)},
    summary="修改议题",
)
def topic_update(request, id: int, payload: TopicUpdateIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    topic = selectors.topic_get(user, id, Action.EDIT)
    services.topic_update(
        actor=user,
        topic=topic,
        title=payload.title,
        call_text=payload.call_text,
        deadline=payload.deadline,
    )
    return selectors.topic_get(user, id)


@router.get(
    "/mine",
    response={200: SubmissionPage, **errors(403, 422)},
    summary="我的投稿",
    description="本人投的稿件及其状态(不论数据范围)，新的在前，游标分页。",
)
def my_list(request, page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    return paginate(selectors.my_submissions(request.auth), page, descending=True)


@router.get(
    "/mine/{pk:id}",
    response={200: SubmissionDetailOut, **errors(403, 404)},
    summary="我的投稿详情",
    description="本人稿件的状态、各审次意见与校次；不是本人的稿件返回 404。",
)
def my_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.my_submission_get(request.auth, id)


class RevisionIn(_Strict):
    title: str = Field(description="标题(不超过 60 字)")
    author_name: str
    author_position: str = ""
    author_org: str = ""
    text: str = Field(description="正文(200–20000 字)")


@router.post(
    "/mine/{pk:id}/revision",
    response={200: SubmissionDetailOut, **errors(403, 404, 409, 422)},
    summary="提交修改稿",
    description="稿件被退回修改时，作者提交修改稿，重新进入初审；未被退回的稿件返回 409。",
)
def my_revise(request, id: int, payload: RevisionIn):
    user = request.auth
    require(user, MODULE, Action.VIEW)
    article = selectors.my_submission_get(user, id)
    services.submission_revise(actor=user, submission=article, **payload.dict())
    return selectors.my_submission_get(user, id)


@router.get(
    "/submissions",
    response={200: SubmissionPage, **errors(403, 422)},
    summary="稿件列表",
    description="数据范围内的来稿(按来稿单位)，新的在前，游标分页；联系电话脱敏。",
)
def submission_list(request, filters: Query[SubmissionFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    items = selectors.submission_list(
        request.auth,
        q=filters.q,
        status=filters.status.value if filters.status else "",
        topic=str(filters.topic_id or ""),
    )
    return paginate(items, page, descending=True)


@router.get(
    "/submissions/{pk:id}",
    response={200: SubmissionDetailOut, **errors(403, 404)},
    summary="稿件详情",
)
def submission_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.submission_get(request.auth, id)


@router.post(
    "/submissions",
    response={201: SubmissionDetailOut, **errors(403, 404, 422)},
    summary="投稿",
    description="以当前用户的所属组织投稿(任何用户均可)；图片和附件请在网页上传。",
)
def submission_create(request, payload: SubmissionIn):
    user = request.auth
    require(user, MODULE, Action.VIEW)
    topic = None
    if payload.topic_id is not None:
        topic = selectors.topics_open().filter(pk=payload.topic_id).first()
        if topic is None:
            from gonghui.core.errors import ValidationFailed

            raise ValidationFailed(
                "所选议题不存在或已截止征稿。",
                fields={"topic_id": ["所选议题不存在或已截止征稿。"]},
            )
    values = payload.dict(exclude={"topic_id"})
    article = services.submission_create(actor=user, org=user.org, topic=topic, **values)
    return Status(201, article)


@router.post(
    "/submissions/{pk:id}/reviews",
    response={200: SubmissionDetailOut, **errors(403, 404, 409, 422)},
    summary="提交审稿意见",
    description="三审：审次须为稿件当前的审次(不能跳过或重复)，审稿人须担任该审次的角色，"
    "同一人不能担任同一稿件的两个审次(409)。",
)
def submission_review(request, id: int, payload: ReviewIn):
    user = request.auth
    require(user, MODULE, Action.APPROVE)
    article = selectors.submission_get(user, id, Action.APPROVE)
    services.review_record(
        actor=user,
        submission=article,
        stage=payload.stage.value,
        decision=payload.decision.value,
        comment=payload.comment,
    )
    return selectors.submission_get(user, id)


@router.post(
    "/submissions/{pk:id}/proofs",
    response={200: SubmissionDetailOut, **errors(403, 404, 409, 422)},
    summary="记录校次",
    description="记录已录用稿件的下一校(一校、二校、三校)；未录用的稿件或三校已完成返回 409。",
)
def submission_proof(request, id: int, payload: ProofIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    article = selectors.submission_get(user, id, Action.EDIT)
    services.proof_record(actor=user, submission=article, note=payload.note)
    return selectors.submission_get(user, id)


@router.put(
    "/submissions/{pk:id}/note",
    response={200: SubmissionDetailOut, **errors(403, 404, 409, 422)},
    summary="保存小编说",
    description="已录用、已编排或已刊发的稿件的小编说；其他状态返回 409。",
)
def submission_note(request, id: int, payload: EditorNoteIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    article = selectors.submission_get(user, id, Action.EDIT)
    services.editor_note_set(actor=user, submission=article, note=payload.note)
    return selectors.submission_get(user, id)


@router.get("/editions", response={200: EditionPage, **errors(403, 422)}, summary="期列表")
def edition_list(request, page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    items = selectors.edition_list(request.auth).prefetch_related("articles")
    return paginate(items, page, descending=True)


@router.post(
    "/editions",
    response={201: EditionOut, **errors(403, 404, 422)},
    summary="新建一期",
)
def edition_create(request, payload: EditionIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    org = selectors.org_for_edit(user, payload.org_id)
    edition = services.edition_create(
        actor=user,
        org=org,
        number=payload.number,
        issue_date=payload.issue_date,
        page=payload.page,
        title=payload.title,
    )
    return Status(201, selectors.edition_get(user, edition.pk))


@router.get("/editions/{pk:id}", response={200: EditionOut, **errors(403, 404)}, summary="期详情")
def edition_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.edition_get(request.auth, id)


@router.post(
    "/editions/{pk:id}/articles",
    response={200: EditionOut, **errors(403, 404, 409, 422)},
    summary="编入稿件",
    description="把录用稿件编入本期；有未录用的稿件时全部不编入(422)，已发布的期返回 409。",
)
def edition_articles_add(request, id: int, payload: EditionArticlesIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    edition = selectors.edition_get(user, id, Action.EDIT)
    services.edition_articles_add(
        actor=user, edition=edition, submission_ids=payload.submission_ids
    )
    return selectors.edition_get(user, id)


@router.delete(
    "/editions/{pk:id}/articles/{submission_id}",
    response={200: EditionOut, **errors(403, 404, 409, 422)},
    summary="移出稿件",
    description="把稿件移出编排中的期(回到已录用)；稿件不在本期返回 422，已发布的期返回 409。",
)
def edition_article_remove(request, id: int, submission_id: int):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    edition = selectors.edition_get(user, id, Action.EDIT)
    services.edition_article_remove(actor=user, edition=edition, submission_id=submission_id)
    return selectors.edition_get(user, id)


@router.post(
    "/editions/{pk:id}/publish",
    response={200: EditionOut, **errors(403, 404, 409, 422)},
    summary="发布本期",
    description="本期每篇稿件须已编排、完成三校并有小编说，否则返回 422 并列出全部问题"
    "(fields.__all__)；已发布的期返回 409。发布后稿件为已刊发，公众可在阅读页查看。",
)
def edition_publish(request, id: int):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    edition = selectors.edition_get(user, id, Action.EDIT)
    services.edition_publish(actor=user, edition=edition)
    return selectors.edition_get(user, id)


@router.get(
    "/editions/{pk:id}/pdf",
    response={200: None, **errors(403, 404, 409)},
    summary="刊发版面 PDF",
    description="已发布的期的版面(PDF)；编排中的期返回 409。",
    openapi_extra={"responses": {200: {"description": "PDF", "content": {"application/pdf": {}}}}},
)
def edition_pdf(request, id: int):
    from django.http import HttpResponse

    from gonghui.core.errors import Conflict
    from gonghui.core.pdf import PDF_TYPE
    from gonghui.forum import documents

    require(request.auth, MODULE, Action.VIEW)
    edition = selectors.edition_get(request.auth, id)
    if edition.status != EditionStatus.PUBLISHED:
        raise Conflict("该期尚未发布，没有刊发版面。", code="edition_not_published")
    content = documents.edition_pdf(edition, selectors.public_articles(edition))
    response = HttpResponse(content, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="forum-{edition.number}.pdf"'
    return response
