"""Writes of the 主席论坛 column: topics, submissions (staff and public), the three-stage
review, proof rounds, the editor's note, editions and the column's settings.

Every refusal is a ServiceError with a Chinese message raised before anything is written
(the checks run first, the writes after, all inside one transaction).
"""

import datetime
import os
import re
import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from gonghui.audit.models import AuditAction
from gonghui.audit.services import audit_record, audit_record_many
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import (
    Conflict,
    ErrorCollector,
    PermissionDenied,
    ServiceError,
    ValidationFailed,
)
from gonghui.core.modules import Action
from gonghui.core.ratelimit import hit_over_limit, ip_allowed
from gonghui.core.scope import org_in_scope, role_assignments
from gonghui.core.text import normalise_text
from gonghui.forum.models import (
    FILE_BYTES_MAX,
    FILES_MAX,
    IN_REVIEW,
    PROOF_ROUNDS,
    STAGE_ORDER,
    TEXT_MAX,
    TEXT_MIN,
    TITLE_MAX,
    Decision,
    Edition,
    EditionStatus,
    ForumSettings,
    ProofRound,
    Stage,
    Submission,
    SubmissionFile,
    SubmissionReview,
    SubmissionSource,
    SubmissionStatus,
    Topic,
)

MODULE = "forum"

# Public submissions: per IP, attempts per hour (refused attempts count too).
PUBLIC_SUBMISSIONS_PER_HOUR = 5
PUBLIC_WINDOW_SECONDS = 3600
TOO_MANY = "投稿过于频繁，请一小时后再试。"

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",), DOCX: (".docx",)}
ALLOWED_TEXT = "JPG、PNG 图片，PDF 或 Word(.docx)文档"


class RateLimited(ServiceError):
    code = "rate_limited"
    status = 429


# --- settings ------------------------------------------------------------------------------


def forum_settings() -> ForumSettings:
    """The column's settings (the defaults, unsaved, until someone saves them: reads write
    nothing)."""
    found = ForumSettings.objects.order_by("pk").first()
    return found if found is not None else ForumSettings()


def _is_editorial_admin(user) -> bool:
    """The column's settings are the county office's: approve in forum at county level or up."""
    return any(
        a.role.grants(MODULE, Action.APPROVE) and a.org.level <= 4 and a.org.is_active
        for a in role_assignments(user)
    )


@transaction.atomic
def forum_settings_update(
    *,
    actor,
    first_roles: list[str],
    second_roles: list[str],
    final_roles: list[str],
    reminder_days: int,
    quiet_days: int,
) -> ForumSettings:
    from gonghui.accounts.models import RoleCode

    errors = ErrorCollector()
    known = set(RoleCode.values)
    for field, codes, label in (
        ("first_roles", first_roles, "初审"),
        ("second_roles", second_roles, "复审"),
        ("final_roles", final_roles, "终审"),
    ):
        if not codes:
            errors.add(field, f"请至少选择一个可担任{label}的角色。")
        elif set(codes) - known:
            errors.add(field, f"{label}角色中有不存在的角色。")
    if not 1 <= (reminder_days or 0) <= 90:
        errors.add("reminder_days", "审稿提醒天数应在 1 到 90 之间。")
    if not 7 <= (quiet_days or 0) <= 730:
        errors.add("quiet_days", "久未刊发天数应在 7 到 730 之间。")
    errors.raise_if_any()
    if not _is_editorial_admin(actor):
        raise PermissionDenied("只有县总工会有审批权限的人员可以修改论坛设置。")
    row = ForumSettings.objects.select_for_update().order_by("pk").first() or ForumSettings()
    row.first_roles, row.second_roles, row.final_roles = first_roles, second_roles, final_roles
    row.reminder_days, row.quiet_days = reminder_days, quiet_days
    row.save()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=row,
        org=getattr(actor, "org", None),
        detail={
            "stage_roles": {"first": first_roles, "second": second_roles, "final": final_roles},
            "reminder_days": reminder_days,
            "quiet_days": quiet_days,
        },
    )
    return row


# --- topics --------------------------------------------------------------------------------


def topic_validate(*, title: str, call_text: str, deadline) -> dict:
    errors = ErrorCollector()
    title = normalise_text(title)
    call_text = (call_text or "").strip()
    if not title:
        errors.add("title", "请填写议题。")
    elif len(title) > 60:
        errors.add("title", "议题不能超过 60 个字。")
    if not call_text:
        errors.add("call_text", "请填写征稿说明。")
    elif len(call_text) > 5000:
        errors.add("call_text", "征稿说明不能超过 5000 个字。")
    if deadline is None:
        errors.add("deadline", "请填写截止日期。")
    errors.raise_if_any()
    return {"title": title, "call_text": call_text, "deadline": deadline}


def _require_org(actor, org, action: str) -> None:
    if not org_in_scope(actor, MODULE, action, org):
        raise PermissionDenied("您无权在该组织办理此事项。")


@transaction.atomic
def topic_create(*, actor, org, title: str, call_text: str, deadline) -> Topic:
    values = topic_validate(title=title, call_text=call_text, deadline=deadline)
    if deadline is not None and deadline < timezone.localdate():
        raise ValidationFailed(
            "截止日期不能早于今天。", fields={"deadline": ["截止日期不能早于今天。"]}
        )
    _require_org(actor, org, Action.EDIT)
    topic = Topic.objects.create(org=org, created_by=actor, **values)
    audit_record(action=AuditAction.CREATED, user=actor, obj=topic, detail={"topic": topic.title})
    return topic


@transaction.atomic
def topic_update(*, actor, topic: Topic, title: str, call_text: str, deadline) -> Topic:
    values = topic_validate(title=title, call_text=call_text, deadline=deadline)
    _require_org(actor, topic.org, Action.EDIT)
    for key, value in values.items():
        setattr(topic, key, value)
    topic.save()
    audit_record(action=AuditAction.UPDATED, user=actor, obj=topic, detail={"topic": topic.title})
    return topic


# --- submissions ---------------------------------------------------------------------------


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return DOCX  # a zip; the extension must say .docx
    return None


def files_check(uploads) -> list[tuple[object, str, str, int]]:
    """(upload, content type, name, size) for each file; ValidationFailed (field "files")
    listing every problem: too many, empty, too large, or a type not allowed (by content)."""
    uploads = [u for u in (uploads or []) if u is not None]
    problems: list[str] = []
    checked = []
    if len(uploads) > FILES_MAX:
        problems.append(f"最多上传 {FILES_MAX} 个图片或附件，您选择了 {len(uploads)} 个。")
    for upload in uploads:
        name = os.path.basename(getattr(upload, "name", "") or "")[:200] or "file"
        size = getattr(upload, "size", 0) or 0
        if size == 0:
            problems.append(f"“{name}”是空文件。")
            continue
        if size > FILE_BYTES_MAX:
            problems.append(
                f"“{name}”过大({size / 1024 / 1024:.1f} MB)，单个文件不能超过 "
                f"{FILE_BYTES_MAX // 1024 // 1024} MB。"
            )
            continue
        upload.seek(0)
        content_type = _sniff(upload.read(8))
        upload.seek(0)
        extension = os.path.splitext(name)[1].lower()
        if content_type is None or extension not in EXTENSIONS[content_type]:
            problems.append(f"“{name}”不是允许的文件类型，只能上传{ALLOWED_TEXT}。")
            continue
        checked.append((upload, content_type, name, size))
    if problems:
        raise ValidationFailed(problems[0], fields={"files": problems})
    return checked


def submission_validate(
    *,
    title: str,
    author_name: str,
    text: str,
    topic: Topic | None = None,
    author_position: str = "",
    author_org: str = "",
    files=None,
    public: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    consent: bool = False,
) -> dict:
    """Every check of an article, all reported at once; the cleaned values (no writes)."""
    errors = ErrorCollector()
    title = normalise_text(title)
    author_name = normalise_text(author_name)
    text = (text or "").replace("\r\n", "\n").strip()
    if not title:
        errors.add("title", "请填写标题。")
    elif len(title) > TITLE_MAX:
        errors.add("title", f"标题不能超过 {TITLE_MAX} 个字(现有 {len(title)} 个)。")
    if not author_name:
        errors.add("author_name", "请填写作者姓名。")
    elif len(author_name) > 30:
        errors.add("author_name", "作者姓名不能超过 30 个字。")
    if len(normalise_text(author_position)) > 40:
        errors.add("author_position", "职务不能超过 40 个字。")
    if len(normalise_text(author_org)) > 60:
        errors.add("author_org", "作者单位不能超过 60 个字。")
    if not text:
        errors.add("text", "请填写正文。")
    elif len(text) < TEXT_MIN:
        errors.add("text", f"正文至少 {TEXT_MIN} 个字(现有 {len(text)} 个)。")
    elif len(text) > TEXT_MAX:
        errors.add("text", f"正文不能超过 {TEXT_MAX} 个字(现有 {len(text)} 个)，请精简后再投。")
    if topic is not None and topic.deadline < timezone.localdate():
        errors.add("topic", f"议题“{topic.title}”已于 {topic.deadline:%Y-%m-%d} 截止征稿。")
    checked = errors.check(files_check, files)
    phone = re.sub(r"[\s\-]", "", normalise_text(contact_phone))
    email = normalise_text(contact_email)
    if public:
        if not normalise_text(contact_name):
            errors.add("contact_name", "请填写联系人。")
        if not phone:
            errors.add("contact_phone", "请填写联系电话。")
        elif not _MOBILE.match(phone.removeprefix("+86")):
            errors.add("contact_phone", "手机号码应为 11 位中国大陆手机号，如 13800001234。")
        if email and (len(email) > 100 or not _EMAIL.match(email)):
            errors.add("contact_email", "电子邮箱格式不正确，如 name@example.cn。")
        if not consent:
            errors.add("consent", "请阅读并同意投稿须知。")
    errors.raise_if_any()
    return {
        "title": title,
        "author_name": author_name,
        "author_position": normalise_text(author_position),
        "author_org": normalise_text(author_org),
        "text": text,
        "files": checked or [],
        "contact_name": normalise_text(contact_name),
        "contact_phone": phone.removeprefix("+86"),
        "contact_email": email,
    }


def _files_save(submission: Submission, checked) -> None:
    for upload, content_type, name, size in checked:
        upload.seek(0)
        extension = EXTENSIONS[content_type][0]
        stored = SubmissionFile(
            submission=submission, original_name=name, content_type=content_type, size=size
        )
        stored.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(upload.read()), save=False)
        stored.save()


def _create(*, org, topic, values: dict, source: str, actor=None, ip_hash: str = "") -> Submission:
    checked = values.pop("files")
    submission = Submission.objects.create(
        org=org,
        topic=topic,
        source=source,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        submitter_ip_hash=ip_hash,
        stage_since=timezone.now(),
        **values,
    )
    _files_save(submission, checked)
    return submission


@transaction.atomic
def submission_create(*, actor, org, topic: Topic | None, files=None, **fields) -> Submission:
    """A staff user's article, from their own org (any user may submit)."""
    values = submission_validate(topic=topic, files=files, **fields)
    for key in ("contact_name", "contact_phone", "contact_email"):
        values.pop(key)
    if org is None or not org.is_active:
        raise ValidationFailed("您的账号没有所属组织，不能投稿。")
    submission = _create(
        org=org, topic=topic, values=values, source=SubmissionSource.STAFF, actor=actor
    )
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=submission,
        detail={"article_source": SubmissionSource.STAFF, "files": submission.files.count()},
    )
    return submission


def _public_rate_check(ip: str | None) -> str:
    if not ip:
        return ""
    ip_hash = keyed_hash(f"ip:{ip}")
    if not ip_allowed(ip) and hit_over_limit(
        f"forum-submit:{ip_hash}", PUBLIC_SUBMISSIONS_PER_HOUR, PUBLIC_WINDOW_SECONDS
    ):
        raise RateLimited(TOO_MANY)
    return ip_hash


def submission_public_create(
    *, org, topic: Topic | None, ip: str | None = None, files=None, **fields
) -> Submission:
    """An outside author's article through the public page (the old submission mailbox).

    Rate-limited per IP (RateLimited, HTTP 429), counted before the transaction so that
    refused attempts count too."""
    ip_hash = _public_rate_check(ip)
    return _public_create(org=org, topic=topic, ip=ip, ip_hash=ip_hash, files=files, **fields)


@transaction.atomic
def _public_create(*, org, topic, ip, ip_hash, files, **fields) -> Submission:
    values = submission_validate(topic=topic, files=files, public=True, **fields)
    if org is None or not org.is_active:
        raise ValidationFailed(
            "请选择所在乡镇(街道)或单位。", fields={"org": ["请选择所在乡镇(街道)或单位。"]}
        )
    submission = _create(
        org=org, topic=topic, values=values, source=SubmissionSource.PUBLIC, ip_hash=ip_hash
    )
    audit_record(
        action=AuditAction.CREATED,
        org=org,
        obj=submission,
        ip=ip,
        username="公开投稿",
        detail={"article_source": SubmissionSource.PUBLIC, "files": submission.files.count()},
    )
    return submission


def _locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("org").get(pk=submission.pk)


@transaction.atomic
def submission_revise(
    *, actor, submission: Submission, files=None, tracking_code: str = "", **fields
) -> Submission:
    """The author's revision of an article sent back (退回修改): it starts the review again
    at 初审 as the next revision. The author is the submitting account, or for a public
    article whoever holds its tracking code."""
    fresh = _locked(submission)
    own = getattr(actor, "is_authenticated", False) and fresh.submitted_by_id == actor.pk
    by_code = fresh.source == SubmissionSource.PUBLIC and tracking_code == fresh.tracking_code
    if not (own or by_code):
        raise PermissionDenied("只有作者本人可以修改稿件。")
    if fresh.status != SubmissionStatus.REVISE:
        raise Conflict("稿件未被退回修改，现在不能修改。", code="not_revisable")
    values = submission_validate(topic=None, files=files, **fields)
    checked = values.pop("files")
    for key in ("title", "author_name", "author_position", "author_org", "text"):
        setattr(fresh, key, values[key])
    fresh.revision += 1
    fresh.status = SubmissionStatus.FIRST
    fresh.stage_since = timezone.now()
    fresh.save()
    _files_save(fresh, checked)
    audit_record(
        action=AuditAction.UPDATED,
        user=actor if own else None,
        username="" if own else "公开投稿",
        obj=fresh,
        detail={"revision": fresh.revision, "status": ["revise", "first"]},
    )
    return fresh


# --- the three-stage review -----------------------------------------------------------------


def stage_roles_of(user, submission: Submission) -> set[str]:
    """The role codes the user holds over the submission's org (active, covering it)."""
    return {
        a.role.code
        for a in role_assignments(user)
        if a.org.is_active and submission.org.path.startswith(a.org.path)
    }


def may_review(user, submission: Submission, stage: str, settings_row=None) -> bool:
    row = settings_row or forum_settings()
    return bool(stage_roles_of(user, submission) & set(row.roles_for(stage))) and org_in_scope(
        user, MODULE, Action.APPROVE, submission.org
    )


def stage_taken_by(user, submission: Submission, stage: str) -> str | None:
    """Another stage of this article the user has already taken (any revision), or None."""
    return (
        SubmissionReview.objects.filter(submission=submission, reviewer_id=user.pk)
        .exclude(stage=stage)
        .values_list("stage", flat=True)
        .first()
    )


def review_validate(*, actor, submission: Submission, stage: str, decision: str, comment: str):
    """Every rule of a review, no writes: the stage must be the article's current one (none
    skipped), the reviewer must hold a role configured for it, may not have taken another
    stage of this article, and revise/decline need a comment."""
    errors = ErrorCollector()
    comment = (comment or "").strip()
    if stage not in Stage.values:
        errors.add("stage", "请选择审次。")
    if decision not in Decision.values:
        errors.add("decision", "请选择审稿意见。")
    if decision in (Decision.REVISE, Decision.DECLINE) and not comment:
        errors.add("comment", "退回修改或不予录用时请填写意见说明，作者会看到。")
    if len(comment) > 2000:
        errors.add("comment", "意见说明不能超过 2000 个字。")
    errors.raise_if_any()
    if submission.status not in IN_REVIEW:
        raise Conflict(
            f"稿件当前状态为“{submission.get_status_display()}”，不在审稿中。", code="not_in_review"
        )
    current = submission.status
    if stage != current:
        raise Conflict(
            f"稿件当前应进行{Stage(current).label}，不能跳过或重复进行{Stage(stage).label}。",
            code="stage_order",
        )
    row = forum_settings()
    if not may_review(actor, submission, stage, row):
        raise PermissionDenied(f"您的角色不能担任{Stage(stage).label}。")
    other = stage_taken_by(actor, submission, stage)
    if other:
        raise Conflict(
            f"同一人不能担任同一稿件的两个审次：您已担任本稿件的{Stage(other).label}。",
            code="same_reviewer",
        )
    return comment


@transaction.atomic
def review_record(
    *, actor, submission: Submission, stage: str, decision: str, comment: str = ""
) -> SubmissionReview:
    fresh = _locked(submission)
    comment = review_validate(
        actor=actor, submission=fresh, stage=stage, decision=decision, comment=comment
    )
    try:
        with transaction.atomic():
            review = SubmissionReview.objects.create(
                submission=fresh,
                stage=stage,
                revision=fresh.revision,
                reviewer=actor,
                decision=decision,
                comment=comment,
            )
    except IntegrityError as exc:
        raise Conflict("该审次已有审稿意见。", code="stage_done") from exc
    before = fresh.status
    if decision == Decision.ACCEPT:
        index = STAGE_ORDER.index(stage)
        fresh.status = (
            STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else SubmissionStatus.ACCEPTED
        )
    elif decision == Decision.REVISE:
        fresh.status = SubmissionStatus.REVISE
    else:
        fresh.status = SubmissionStatus.DECLINED
    fresh.stage_since = timezone.now()
    fresh.save(update_fields=["status", "stage_since", "updated_at"])
    audit_record(
        action=AuditAction.APPROVED,
        user=actor,
        obj=fresh,
        detail={
            "review_stage": stage,
            "review_decision": decision,
            "revision": fresh.revision,
            "status": [before, fresh.status],
        },
    )
    return review


def _require_editor(actor, submission: Submission) -> None:
    if not org_in_scope(actor, MODULE, Action.EDIT, submission.org):
        raise PermissionDenied("您无权编辑该稿件。")


@transaction.atomic
def proof_record(*, actor, submission: Submission, note: str = "") -> ProofRound:
    """Record the next proof round (一校、二校、三校) of an accepted article."""
    fresh = _locked(submission)
    _require_editor(actor, fresh)
    note = normalise_text(note)
    if len(note) > 500:
        raise ValidationFailed(
            "校对说明不能超过 500 个字。", fields={"note": ["校对说明不能超过 500 个字。"]}
        )
    if fresh.status not in (SubmissionStatus.ACCEPTED, SubmissionStatus.SCHEDULED):
        raise Conflict("只有已录用、待刊发的稿件才能校对。", code="not_accepted")
    done = fresh.proofs.count()
    if done >= PROOF_ROUNDS:
        raise Conflict("三校已全部完成。", code="proofs_done")
    proof = ProofRound.objects.create(
        submission=fresh, number=done + 1, proofreader=actor, note=note
    )
    audit_record(
        action=AuditAction.UPDATED, user=actor, obj=fresh, detail={"proof_round": done + 1}
    )
    return proof


@transaction.atomic
def editor_note_set(*, actor, submission: Submission, note: str) -> Submission:
    """The editor's note (小编说) shown with the published article."""
    fresh = _locked(submission)
    _require_editor(actor, fresh)
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationFailed(
            "小编说不能超过 500 个字。", fields={"note": ["小编说不能超过 500 个字。"]}
        )
    if fresh.status not in (
        SubmissionStatus.ACCEPTED,
        SubmissionStatus.SCHEDULED,
        SubmissionStatus.PUBLISHED,
    ):
        raise Conflict("只有已录用的稿件才能写小编说。", code="not_accepted")
    fresh.editor_note = note
    fresh.save(update_fields=["editor_note", "updated_at"])
    audit_record(action=AuditAction.UPDATED, user=actor, obj=fresh, detail={"editor_note": True})
    return fresh


# --- editions ------------------------------------------------------------------------------


def edition_validate(*, org, number, issue_date, page: str, title: str = "", exclude_pk=None):
    errors = ErrorCollector()
    if number is None or number < 1:
        errors.add("number", "请填写期号(正整数)。")
    elif org is not None and (
        Edition.objects.filter(org=org, number=number).exclude(pk=exclude_pk).exists()
    ):
        errors.add("number", f"第 {number} 期已存在，请换一个期号。")
    if issue_date is None:
        errors.add("issue_date", "请填写出版日期。")
    page = normalise_text(page)
    if not page:
        errors.add("page", "请填写版面，如“第4版”。")
    elif len(page) > 30:
        errors.add("page", "版面不能超过 30 个字。")
    title = normalise_text(title)
    if len(title) > 60:
        errors.add("title", "本期标题不能超过 60 个字。")
    errors.raise_if_any()
    return {"number": number, "issue_date": issue_date, "page": page, "title": title}


@transaction.atomic
def edition_create(*, actor, org, number, issue_date, page: str, title: str = "") -> Edition:
    values = edition_validate(org=org, number=number, issue_date=issue_date, page=page, title=title)
    _require_org(actor, org, Action.EDIT)
    edition = Edition.objects.create(org=org, created_by=actor, **values)
    audit_record(
        action=AuditAction.CREATED, user=actor, obj=edition, detail={"edition_number": number}
    )
    return edition


def _locked_edition(actor, edition: Edition) -> Edition:
    fresh = Edition.objects.select_for_update().select_related("org").get(pk=edition.pk)
    _require_org(actor, fresh.org, Action.EDIT)
    if fresh.status == EditionStatus.PUBLISHED:
        raise Conflict("该期已发布，不能再调整。", code="edition_published")
    return fresh


@transaction.atomic
def edition_articles_add(*, actor, edition: Edition, submission_ids: list[int]) -> Edition:
    """Put accepted articles on the edition; any article not accepted (or already on an
    edition, or outside the user's scope) refuses the whole request."""
    fresh = _locked_edition(actor, edition)
    if not submission_ids:
        raise ValidationFailed(
            "请选择要编入本期的稿件。", fields={"articles": ["请选择要编入本期的稿件。"]}
        )
    found = list(
        Submission.objects.select_for_update().select_related("org").filter(pk__in=submission_ids)
    )
    if len(found) != len(set(submission_ids)):
        raise ValidationFailed("所选稿件不存在。", fields={"articles": ["所选稿件不存在。"]})
    problems = []
    for article in found:
        if not org_in_scope(actor, MODULE, Action.EDIT, article.org):
            problems.append(f"{article}不在您的数据范围内。")
        elif article.status != SubmissionStatus.ACCEPTED:
            problems.append(
                f"{article}尚未录用(当前“{article.get_status_display()}”)，不能编入版面。"
            )
    if problems:
        raise ValidationFailed(problems[0], fields={"articles": problems})
    position = fresh.articles.count()
    for article in sorted(found, key=lambda a: a.pk):
        position += 1
        article.edition = fresh
        article.position = position
        article.status = SubmissionStatus.SCHEDULED
        article.stage_since = timezone.now()
    Submission.objects.bulk_update(found, ["edition", "position", "status", "stage_since"])
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=fresh,
        detail={"added": sorted(a.pk for a in found)},
    )
    return fresh


@transaction.atomic
def edition_article_remove(*, actor, edition: Edition, submission_id: int) -> Edition:
    fresh = _locked_edition(actor, edition)
    article = Submission.objects.select_for_update().filter(pk=submission_id, edition=fresh).first()
    if article is None:
        raise ValidationFailed("该稿件不在本期中。")
    article.edition = None
    article.position = 0
    article.status = SubmissionStatus.ACCEPTED
    article.stage_since = timezone.now()
    article.save(update_fields=["edition", "position", "status", "stage_since", "updated_at"])
    audit_record(
        action=AuditAction.UPDATED, user=actor, obj=fresh, detail={"removed": [article.pk]}
    )
    return fresh


@transaction.atomic
def edition_publish(*, actor, edition: Edition) -> Edition:
    """Publish an edition: every article on it must be accepted, proofread three times and
    carry an editor's note; its articles become published."""
    fresh = _locked_edition(actor, edition)
    articles = list(fresh.articles.annotate(proof_count=Count("proofs")).order_by("position", "pk"))
    if not articles:
        raise ValidationFailed("本期还没有稿件，不能发布。")
    problems = []
    for article in articles:
        if article.status != SubmissionStatus.SCHEDULED:
            problems.append(f"{article}未录用，不能发布。")
        if article.proof_count < PROOF_ROUNDS:
            problems.append(f"{article}只完成了 {article.proof_count} 校，需三校后发布。")
        if not article.editor_note.strip():
            problems.append(f"{article}还没有小编说。")
    if problems:
        raise ValidationFailed(problems[0], fields={"__all__": problems})
    now = timezone.now()
    Submission.objects.filter(pk__in=[a.pk for a in articles]).update(
        status=SubmissionStatus.PUBLISHED, published_at=now, stage_since=now, updated_at=now
    )
    fresh.status = EditionStatus.PUBLISHED
    fresh.published_at = now
    fresh.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=fresh,
        detail={"status": [EditionStatus.PLANNED, EditionStatus.PUBLISHED]},
    )
    return fresh


def overdue_before(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


# --- reminders -----------------------------------------------------------------------------


@transaction.atomic
def reviews_remind(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The reminder run (审稿提醒; `gonghui forum_reminders`, daily): every article waiting on a
    review stage longer than the configured days, and not yet reminded at that stage, is
    flagged (`reminded_at`) and audited, in one UPDATE and one bulk INSERT. Returns the
    number flagged per stage ({"first": 2, ...}); a second run the same day flags nothing."""
    now = now or timezone.now()
    days = forum_settings().reminder_days
    due = list(
        Submission.objects.select_for_update()
        .filter(status__in=IN_REVIEW, stage_since__lt=now - datetime.timedelta(days=days))
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("stage_since")))
        .only("pk", "org_id", "title", "status", "stage_since")
        .order_by("pk")
    )
    if not due:
        return {}
    Submission.objects.filter(pk__in=[a.pk for a in due]).update(reminded_at=now)
    audit_record_many(
        action=AuditAction.UPDATED,
        objects=due,
        detail_of=lambda a: {
            "review_reminder": a.status,
            "waited_days": (now - a.stage_since).days,
        },
    )
    counts: dict[str, int] = {}
    for article in due:
        counts[article.status] = counts.get(article.status, 0) + 1
    return counts
