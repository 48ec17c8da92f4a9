"""Writes for works contests: the call and its categories, the panel and the entries each
judge is given, entries from the portal (size- and type-checked pictures, the per-person
limit), screening, scores (only by the judge an entry is assigned to, within the call's
range) and publishing the results. Keyword-only, atomic, validated (nothing written on a
refusal), scope-checked on `outreach`, audited."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import Conflict, ErrorCollector, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.ratelimit import hit_over_limit, ip_allowed
from gonghui.core.scope import org_in_scope
from gonghui.core.text import normalise_text
from gonghui.members.idnumber import phone_clean
from gonghui.orgs.models import Org
from gonghui.outreach.caravans.services import reference_new
from gonghui.outreach.contests import judging
from gonghui.outreach.contests.models import (
    ContestCategory,
    ContestJudge,
    ContestStatus,
    Entry,
    EntryImage,
    EntryStatus,
    JudgeAssignment,
    Score,
    ScoringMethod,
    WorksContest,
)
from gonghui.outreach.images import image_check, image_store

MODULE = "outreach"
IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGES_MAX = 9
TEXT_MAX = 20_000
ENTRY_PER_IP = (20, 3600)
NEXT_STATUS = {
    ContestStatus.DRAFT: ContestStatus.OPEN,
    ContestStatus.OPEN: ContestStatus.JUDGING,
}
CONTEST_FIELDS = (
    "title",
    "theme",
    "rules",
    "opens_at",
    "deadline",
    "entries_per_person",
    "score_min",
    "score_max",
    "scoring_method",
    "prizes",
)


class RateLimited(ValidationFailed):
    code = "rate_limited"
    status = 429


def _require(actor, org, action: str = Action.EDIT) -> None:
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def _text(value, limit, key, label, errors: ErrorCollector, *, required=False) -> str:
    text = normalise_text(value)
    if required and not text:
        errors.add(key, f"请填写{label}。")
    elif len(text) > limit:
        errors.add(key, f"{label}不能超过 {limit} 个字。")
    return text[:limit]


def _decimal(value, key, label, errors: ErrorCollector) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        errors.add(key, f"{label}请填写数字。")
        return None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        errors.add(key, f"{label}最多保留两位小数。")
        return None
    return number


# --- the call -------------------------------------------------------------------------------


def prizes_parse(raw) -> list[dict]:
    """ "一等奖:1, 二等奖:2, 三等奖:3" or [{"name", "count"}] → [{"name", "count"}]."""
    if isinstance(raw, str):
        items = []
        for part in normalise_text(raw).replace("，", ",").replace("、", ",").split(","):
            if not part.strip():
                continue
            name, _, count = part.replace("：", ":").partition(":")
            items.append({"name": name.strip(), "count": count.strip()})
        raw = items
    message = "奖项请按“奖项名称:名额”填写，用逗号分隔，如 一等奖:1,二等奖:2,三等奖:3。"
    out = []
    for item in raw or []:
        name = normalise_text(item.get("name") if isinstance(item, dict) else "")
        try:
            count = int(str(item.get("count")).strip())
        except (TypeError, ValueError, AttributeError):
            raise ValidationFailed(message, fields={"prizes": [message]}) from None
        if not name or len(name) > 30 or not 1 <= count <= 1000:
            raise ValidationFailed(message, fields={"prizes": [message]})
        out.append({"name": name, "count": count})
    if len({p["name"] for p in out}) != len(out):
        message = "奖项名称不能重复。"
        raise ValidationFailed(message, fields={"prizes": [message]})
    return out


def _contest_clean(data: dict) -> dict:
    errors = ErrorCollector()
    out = {
        "title": _text(data.get("title"), 100, "title", "征集名称", errors, required=True),
        "theme": (data.get("theme") or "").strip()[:5000],
        "rules": (data.get("rules") or "").strip()[:10000],
        "opens_at": data.get("opens_at"),
        "deadline": data.get("deadline"),
        "scoring_method": data.get("scoring_method") or ScoringMethod.MEAN,
    }
    if not out["theme"]:
        errors.add("theme", "请填写主题。")
    if not isinstance(out["opens_at"], datetime.datetime):
        errors.add("opens_at", "请填写开始时间。")
    if not isinstance(out["deadline"], datetime.datetime):
        errors.add("deadline", "请填写截止时间。")
    elif isinstance(out["opens_at"], datetime.datetime) and out["deadline"] <= out["opens_at"]:
        errors.add("deadline", "截止时间应晚于开始时间。")
    if out["scoring_method"] not in ScoringMethod.values:
        errors.add("scoring_method", "请选择计分方法。")
    try:
        per = int(data.get("entries_per_person") or 1)
    except (TypeError, ValueError):
        per = 0
    if not 1 <= per <= 20:
        errors.add("entries_per_person", "每人每类可投稿件数应在 1 到 20 之间。")
    out["entries_per_person"] = per
    low = _decimal(data.get("score_min", 0), "score_min", "最低分", errors)
    high = _decimal(data.get("score_max", 100), "score_max", "最高分", errors)
    if low is not None and high is not None and not (0 <= low < high <= 1000):
        errors.add("score_max", "评分范围应为 0 到 1000 之间、最高分大于最低分。")
    out["score_min"], out["score_max"] = low, high
    out["prizes"] = errors.check(prizes_parse, data.get("prizes") or []) or []
    errors.raise_if_any()
    return out


def _categories_clean(categories, errors: ErrorCollector) -> list[dict]:
    out, names = [], set()
    for index, raw in enumerate(categories or []):
        name = normalise_text(raw.get("name"))
        if not name:
            continue
        row = f"类别“{name}”"
        if len(name) > 30:
            errors.add("categories", f"{row}：名称不能超过 30 个字。")
            continue
        if name in names:
            errors.add("categories", f"{row}：名称重复。")
            continue
        names.add(name)
        takes_text = bool(raw.get("takes_text"))
        try:
            max_images = int(raw.get("max_images") or 0)
        except (TypeError, ValueError):
            max_images = -1
        if not 0 <= max_images <= IMAGES_MAX:
            errors.add("categories", f"{row}：图片数上限应在 0 到 {IMAGES_MAX} 之间。")
            continue
        if not takes_text and not max_images:
            errors.add("categories", f"{row}：须接受文字或图片。")
            continue
        try:
            text_max = int(raw.get("text_max_chars") or 5000)
        except (TypeError, ValueError):
            text_max = 0
        if takes_text and not 100 <= text_max <= TEXT_MAX:
            errors.add("categories", f"{row}：字数上限应在 100 到 {TEXT_MAX:,} 之间。")
            continue
        out.append(
            {
                "name": name,
                "takes_text": takes_text,
                "max_images": max_images,
                "text_max_chars": text_max,
                "position": index,
            }
        )
    if not out and not errors.fields.get("categories"):
        errors.add("categories", "请至少设置一个征集类别。")
    return out


def contest_validate(*, actor, contest=None, categories=None, **fields) -> None:
    if contest is not None:
        fields = {**{f: getattr(contest, f) for f in CONTEST_FIELDS}, **fields}
    errors = ErrorCollector()
    errors.check(_contest_clean, fields)
    if contest is None:
        _categories_clean(categories, errors)
    errors.raise_if_any()


@transaction.atomic
def contest_create(*, actor, org: Org, categories, **fields) -> WorksContest:
    """A call for works (draft) with its categories ({name, takes_text, max_images,
    text_max_chars})."""
    _require(actor, org)
    errors = ErrorCollector()
    cleaned = errors.check(_contest_clean, fields)
    rows = _categories_clean(categories, errors)
    errors.raise_if_any()
    contest = WorksContest.objects.create(org=org, **cleaned)
    ContestCategory.objects.bulk_create(ContestCategory(contest=contest, **row) for row in rows)
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=contest,
        detail={"what": "contest", "categories": len(rows)},
    )
    return contest


def _locked(actor, contest: WorksContest) -> WorksContest:
    locked = (
        WorksContest.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(pk=contest.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    _require(actor, locked.org)
    return locked


@transaction.atomic
def contest_update(*, actor, contest: WorksContest, version: int | None = None, **changes):
    unknown = set(changes) - set(CONTEST_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    contest = _locked(actor, contest)
    if version is not None and version != contest.version:
        raise Conflict("该征集已被他人修改，请刷新后重试。", code="stale_version")
    if contest.status == ContestStatus.PUBLISHED:
        raise Conflict("已公布结果的征集不能修改。", code="contest_published")
    current = {f: getattr(contest, f) for f in CONTEST_FIELDS}
    cleaned = _contest_clean({**current, **changes})
    if (
        contest.status == ContestStatus.JUDGING
        and (
            cleaned["score_min"] != current["score_min"]
            or cleaned["score_max"] != current["score_max"]
        )
        and Score.objects.filter(assignment__entry__contest=contest).exists()
    ):
        message = "已有评分，不能再修改评分范围。"
        raise ValidationFailed(message, fields={"score_max": [message]})
    changed = [f for f in CONTEST_FIELDS if cleaned[f] != current[f]]
    if not changed:
        return contest
    for key in changed:
        setattr(contest, key, cleaned[key])
    contest.version = F("version") + 1
    contest.save()
    contest.refresh_from_db()
    audit_record(action=AuditAction.UPDATED, user=actor, obj=contest, detail={"changed": changed})
    return contest


@transaction.atomic
def contest_advance(*, actor, contest: WorksContest) -> WorksContest:
    """Open the call (draft → open) or close it for judging (open → judging)."""
    contest = _locked(actor, contest)
    target = NEXT_STATUS.get(contest.status)
    if target is None:
        raise Conflict("该征集不能再进入下一阶段。", code="contest_status")
    if target == ContestStatus.JUDGING and not contest.judges.exists():
        raise ValidationFailed("请先添加评委。", fields={"__all__": ["请先添加评委。"]})
    before = contest.status
    contest.status = target
    contest.version = F("version") + 1
    contest.save(update_fields=["status", "version", "updated_at"])
    contest.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=contest,
        detail={"what": "contest_status", "contest_status": [before, target]},
    )
    return contest


# --- the panel -------------------------------------------------------------------------------


def _judge_clean(contest: WorksContest, user) -> None:
    errors = ErrorCollector()
    if user is None or not user.is_active:
        errors.add("user", "请选择评委。")
    elif ContestJudge.objects.filter(contest=contest, user=user).exists():
        errors.add("user", "该评委已在评审组中。")
    errors.raise_if_any()


def judge_validate(*, contest: WorksContest, user=None, **_other) -> None:
    """The checks of judge_add without writing (the panel form's one round of errors)."""
    _judge_clean(contest, user)


@transaction.atomic
def judge_add(*, actor, contest: WorksContest, user) -> ContestJudge:
    contest = _locked(actor, contest)
    if contest.status == ContestStatus.PUBLISHED:
        raise Conflict("已公布结果的征集不能再增加评委。", code="contest_published")
    _judge_clean(contest, user)
    judge, created = ContestJudge.objects.get_or_create(contest=contest, user=user)
    if not created:
        raise ValidationFailed("该评委已在评审组中。", fields={"user": ["该评委已在评审组中。"]})
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=contest,
        detail={"what": "judge_add", "judge": user.pk},
    )
    return judge


def _assign_clean(contest: WorksContest, per_entry) -> tuple[list[int], int]:
    """The panel (judges' user ids in order) and how many of them score each entry."""
    errors = ErrorCollector()
    judges = list(contest.judges.order_by("id").values_list("user_id", flat=True))
    per = len(judges)
    if not judges:
        errors.add("__all__", "请先添加评委。")
    if per_entry not in (None, ""):
        try:
            per = int(per_entry)
        except (TypeError, ValueError):
            errors.add("per_entry", "每件作品由几位评委评分请填写整数。")
        else:
            if judges and not 1 <= per <= len(judges):
                errors.add("per_entry", f"每件作品的评委人数应在 1 到 {len(judges)} 之间。")
    errors.raise_if_any()
    return judges, per


def entries_assign_validate(*, contest: WorksContest, per_entry=None, **_other) -> None:
    """The checks of entries_assign without writing (the assign form's one round)."""
    _assign_clean(contest, per_entry)


@transaction.atomic
def entries_assign(*, actor, contest: WorksContest, per_entry: int | None = None) -> int:
    """Give each accepted entry to `per_entry` judges of the panel in turn (all of them when
    None); existing assignments stay. Returns the number of new assignments."""
    contest = _locked(actor, contest)
    if contest.status != ContestStatus.JUDGING:
        raise Conflict("截止征集、进入评审阶段后才能分配评审。", code="contest_status")
    judges, per = _assign_clean(contest, per_entry)
    entries = list(
        contest.entries.filter(status=EntryStatus.ACCEPTED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    existing = set(
        JudgeAssignment.objects.filter(entry__contest=contest).values_list("entry_id", "judge_id")
    )
    new = []
    for index, entry_id in enumerate(entries):
        for k in range(per):
            judge_id = judges[(index + k) % len(judges)]
            if (entry_id, judge_id) not in existing:
                new.append(JudgeAssignment(entry_id=entry_id, judge_id=judge_id))
    JudgeAssignment.objects.bulk_create(new)
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=contest,
        detail={"what": "entries_assign", "assignments": len(new)},
    )
    return len(new)


# --- entries ----------------------------------------------------------------------------------


def _entry_clean(contest, category, data: dict, images, now) -> tuple[dict, list]:
    errors = ErrorCollector()
    if contest.status != ContestStatus.OPEN or now < contest.opens_at:
        errors.add("__all__", "该征集尚未开始或未开放投稿。")
    elif now >= contest.deadline:
        errors.add(
            "__all__",
            f"征集已于 {timezone.localtime(contest.deadline):%Y-%m-%d %H:%M} 截止，不能再投稿。",
        )
    if not isinstance(category, ContestCategory) or category.contest_id != contest.pk:
        errors.add("category", "请选择征集类别。")
        category = None
    out = {
        "author_name": _text(
            data.get("author_name"), 50, "author_name", "作者姓名", errors, required=True
        ),
        "author_unit": _text(data.get("author_unit"), 100, "author_unit", "作者单位", errors),
        "title": _text(data.get("title"), 100, "title", "作品名称", errors, required=True),
    }
    phone = ""
    try:
        phone = phone_clean(data.get("phone"))
        if not phone:
            errors.add("phone", "请填写手机号码，以便联系作者。")
    except ValueError as exc:
        errors.add("phone", str(exc))
    out["phone"] = phone
    text = (data.get("text") or "").strip()
    checked = []
    if category is not None:
        if text and not category.takes_text:
            errors.add("text", f"“{category.name}”类只收图片，不收文字。")
        elif len(text) > category.text_max_chars:
            errors.add(
                "text", f"正文不能超过 {category.text_max_chars:,} 个字(现有 {len(text):,} 字)。"
            )
        if len(images) > category.max_images:
            message = (
                f"“{category.name}”类不收图片。"
                if not category.max_images
                else f"“{category.name}”类最多上传 {category.max_images} 张图片。"
            )
            errors.add("images", message)
        else:
            for upload in images:
                checked.append(
                    errors.check(
                        image_check, upload, max_bytes=IMAGE_MAX_BYTES, field="images", label="图片"
                    )
                )
        if not text and not images:
            errors.add("text", "请填写作品正文或上传作品图片。")
        if phone and not errors.fields:
            taken = (
                Entry.objects.filter(
                    contest=contest, category=category, phone_hash=keyed_hash(f"phone:{phone}")
                )
                .exclude(status=EntryStatus.WITHDRAWN)
                .count()
            )
            if taken >= contest.entries_per_person:
                errors.add(
                    "__all__",
                    f"每人在“{category.name}”类最多投稿 {contest.entries_per_person} 件，您已投过。",
                )
    out["text"] = text
    errors.raise_if_any()
    return out, checked


def entry_validate(*, contest, category=None, images=(), **fields) -> None:
    _entry_clean(contest, category, fields, list(images or []), timezone.now())


def entry_submit_public(
    *,
    contest: WorksContest,
    category: ContestCategory | None,
    author_name: str,
    phone: str,
    title: str,
    author_unit: str = "",
    text: str = "",
    images=(),
    ip: str | None = None,
) -> Entry:
    """An entry sent from the portal (no login). Rate-limited per address (counted before
    the transaction, refusals included)."""
    if ip and not ip_allowed(ip):
        allowed, window = ENTRY_PER_IP
        if hit_over_limit(f"outreach-entry:{keyed_hash(f'ip:{ip}')}", allowed, window):
            raise RateLimited("提交过于频繁，请稍后再试。")
    return _entry_submit(
        contest=contest,
        category=category,
        data=dict(
            author_name=author_name, author_unit=author_unit, phone=phone, title=title, text=text
        ),
        images=list(images or []),
        ip=ip,
    )


@transaction.atomic
def _entry_submit(*, contest, category, data, images, ip) -> Entry:
    contest = WorksContest.objects.select_for_update().filter(pk=contest.pk).first()
    if contest is None:
        raise NotFound()
    cleaned, checked = _entry_clean(contest, category, data, images, timezone.now())
    entry = Entry.objects.create(
        org_id=contest.org_id,
        contest=contest,
        category=category,
        reference=reference_new(),
        phone_hash=keyed_hash(f"phone:{cleaned['phone']}"),
        ip_hash=keyed_hash(f"ip:{ip}") if ip else "",
        **cleaned,
    )
    for position, (content, ext, dimensions) in enumerate(checked):
        image_store(EntryImage(entry=entry, position=position), content, ext, dimensions)
    audit_record(
        action=AuditAction.CREATED,
        obj=entry,
        org=contest.org,
        detail={"what": "entry", "images": len(checked)},
    )
    return entry


def _screen_clean(accept: bool, note) -> str:
    errors = ErrorCollector()
    note = _text(note, 200, "note", "初审意见", errors)
    if not accept and not note:
        errors.add("note", "未入围须填写初审意见。")
    errors.raise_if_any()
    return note


def entry_screen_validate(*, entry: Entry | None = None, accept: bool, note="", **_o) -> None:
    """The checks of entry_screen without writing (the screening form's one round)."""
    _screen_clean(accept, note)


@transaction.atomic
def entry_screen(*, actor, entry: Entry, accept: bool, note: str = "") -> Entry:
    """初审: an entry goes to judging (accepted) or not (rejected, with a note)."""
    entry = (
        Entry.objects.select_for_update()
        .select_related("contest", "org")
        .filter(pk=entry.pk)
        .first()
    )
    if entry is None:
        raise NotFound()
    _require(actor, entry.org)
    if entry.contest.status not in (ContestStatus.OPEN, ContestStatus.JUDGING):
        raise Conflict("只能在征集和评审阶段初审作品。", code="contest_status")
    note = _screen_clean(accept, note)
    if not accept and entry.assignments.filter(score__isnull=False).exists():
        raise Conflict("已有评分的作品不能改为未入围。", code="entry_scored")
    before = entry.status
    entry.status = EntryStatus.ACCEPTED if accept else EntryStatus.REJECTED
    entry.screen_note = note
    entry.screened_by = actor if getattr(actor, "is_authenticated", False) else None
    entry.save(update_fields=["status", "screen_note", "screened_by", "updated_at"])
    if not accept:
        entry.assignments.all().delete()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=entry,
        detail={"what": "entry_screen", "entry_status": [before, entry.status]},
    )
    return entry


@transaction.atomic
def entry_withdraw(*, actor, entry: Entry, note: str) -> Entry:
    """An entry withdrawn at its author's request (staff record it, with a note): it leaves
    screening and judging and no longer counts toward the per-person limit. Not once a judge
    has scored it, nor after the results are out."""
    entry = (
        Entry.objects.select_for_update()
        .select_related("contest", "org")
        .filter(pk=entry.pk)
        .first()
    )
    if entry is None:
        raise NotFound()
    _require(actor, entry.org)
    if entry.contest.status not in (ContestStatus.OPEN, ContestStatus.JUDGING):
        raise Conflict("只能在征集和评审阶段撤回作品。", code="contest_status")
    if entry.status == EntryStatus.WITHDRAWN:
        raise Conflict("该作品已撤回。", code="entry_withdrawn")
    if entry.assignments.filter(score__isnull=False).exists():
        raise Conflict("已有评分的作品不能撤回。", code="entry_scored")
    note = normalise_text(note)
    if not note or len(note) > 200:
        message = "请填写撤回说明(不超过 200 个字)。"
        raise ValidationFailed(message, fields={"note": [message]})
    before = entry.status
    entry.status = EntryStatus.WITHDRAWN
    entry.screen_note = note
    entry.save(update_fields=["status", "screen_note", "updated_at"])
    entry.assignments.all().delete()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=entry,
        detail={"what": "works_entry_withdraw", "entry_status": [before, entry.status]},
    )
    return entry


# --- scores -----------------------------------------------------------------------------------

NOT_ASSIGNED = "该作品未分配给您评审，不能评分。"


def _score_clean(contest: WorksContest, value, comment) -> tuple[Decimal, str]:
    errors = ErrorCollector()
    number = _decimal(value, "value", "评分", errors)
    if number is not None and not contest.score_min <= number <= contest.score_max:
        errors.add(
            "value", f"评分应在 {_plain(contest.score_min)} 到 {_plain(contest.score_max)} 分之间。"
        )
    comment = normalise_text(comment)
    if len(comment) > 300:
        errors.add("comment", "评语不能超过 300 个字。")
    errors.raise_if_any()
    return number, comment


def _plain(number: Decimal) -> str:
    """85.50 → "85.5", 100.00 → "100"."""
    return format(Decimal(number).normalize(), "f")


def score_validate(*, assignment: JudgeAssignment, value=None, comment="", **_o) -> None:
    _score_clean(assignment.entry.contest, value, comment)


@transaction.atomic
def score_submit(*, actor, entry: Entry, value, comment: str = "") -> Score:
    """A judge scores an entry assigned to them (or corrects their score) while the contest
    is being judged. Anyone else — another judge, staff — is refused, nothing written."""
    assignment = (
        JudgeAssignment.objects.select_for_update(of=("self",))
        .select_related("entry", "entry__contest")
        .filter(entry_id=entry.pk, judge_id=getattr(actor, "pk", None))
        .first()
    )
    if assignment is None:
        raise ValidationFailed(
            NOT_ASSIGNED, fields={"__all__": [NOT_ASSIGNED]}, code="not_assigned"
        )
    contest = assignment.entry.contest
    if contest.status != ContestStatus.JUDGING:
        raise Conflict("该征集不在评审阶段，不能评分。", code="contest_status")
    if assignment.entry.status != EntryStatus.ACCEPTED:
        raise Conflict("该作品未入围评审。", code="entry_not_accepted")
    number, comment = _score_clean(contest, value, comment)
    score, created = Score.objects.update_or_create(
        assignment=assignment, defaults={"value": number, "comment": comment}
    )
    audit_record(
        action=AuditAction.CREATED if created else AuditAction.UPDATED,
        user=actor,
        org=contest.org,
        obj=assignment.entry,
        detail={"what": "score", "value": str(number)},
    )
    return score


# --- results ----------------------------------------------------------------------------------


def results_compute(contest: WorksContest) -> dict[int, list[judging.Standing]]:
    """{category id: standings} of the accepted entries, from the scores given so far."""
    values: dict[int, list[Decimal]] = {}
    for entry_id, value in Score.objects.filter(
        assignment__entry__contest=contest, assignment__entry__status=EntryStatus.ACCEPTED
    ).values_list("assignment__entry_id", "value"):
        values.setdefault(entry_id, []).append(value)
    by_category: dict[int, list] = {}
    for entry_id, category_id in contest.entries.filter(status=EntryStatus.ACCEPTED).values_list(
        "id", "category_id"
    ):
        final = judging.combine(values.get(entry_id, []), contest.scoring_method)
        by_category.setdefault(category_id, []).append((entry_id, final))
    return {
        category_id: judging.standings(rows, contest.prizes)
        for category_id, rows in by_category.items()
    }


@transaction.atomic
def contest_publish(*, actor, contest: WorksContest) -> WorksContest:
    """Store each accepted entry's final score, rank, tie and prize and publish the results
    (the winners' gallery opens on the portal). Every assigned score must be in."""
    contest = _locked(actor, contest)
    if contest.status != ContestStatus.JUDGING:
        raise Conflict("评审阶段结束后才能公布结果。", code="contest_status")
    missing = JudgeAssignment.objects.filter(
        entry__contest=contest, entry__status=EntryStatus.ACCEPTED, score__isnull=True
    ).count()
    if missing:
        message = f"还有 {missing} 份评审未评分，全部评完后才能公布结果。"
        raise ValidationFailed(message, fields={"__all__": [message]})
    counts = dict(
        Score.objects.filter(assignment__entry__contest=contest)
        .values_list("assignment__entry_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for standings in results_compute(contest).values():
        for s in standings:
            Entry.objects.filter(pk=s.key).update(
                final_score=s.score,
                rank=s.rank,
                tied=s.tied,
                prize=s.prize,
                score_count=counts.get(s.key, 0),
            )
    contest.status = ContestStatus.PUBLISHED
    contest.published_at = timezone.now()
    contest.version = F("version") + 1
    contest.save(update_fields=["status", "published_at", "version", "updated_at"])
    contest.refresh_from_db()
    audit_record(
        action=AuditAction.APPROVED,
        user=actor,
        obj=contest,
        detail={"what": "contest_publish", "winners": contest.entries.exclude(prize="").count()},
    )
    return contest
