"""Regular visits (常态化帮扶, 四季帮扶): quarters, and recording a visit with its new facts.

Each archived household is due one visit per calendar quarter. A visit's new income or
cost figures go through `archive_update` (so the category is re-assessed with the figures in
force, and the trail and audit are written there); its flags become monitoring facts when
the monitoring app offers a recorder for them, and stay on the visit in any case.
"""

import datetime
from decimal import Decimal

from django.core.files.base import File
from django.db import transaction

from gonghui.assistance.archives import services
from gonghui.assistance.archives.attachments import attachment_check
from gonghui.assistance.choices import ArchiveStatus, AttachmentKind
from gonghui.assistance.models import ArchiveAssessment, HardshipArchive, Visit, VisitPhoto
from gonghui.assistance.standards.selectors import today
from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.core.text import normalise_text

MODULE = "assistance"
MAX_PHOTOS = 6
VISITABLE = (ArchiveStatus.ARCHIVED, ArchiveStatus.WATCHED)
FIGURES = ("annual_income", "medical_expense", "schooling_expense", "disability_expense")
FLAGS = {"job_loss": "家庭成员失业", "disaster": "遭受灾害或意外", "medical": "新发大额医疗支出"}


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    if end_month == 12:
        end = datetime.date(year, 12, 31)
    else:
        end = datetime.date(year, end_month + 1, 1) - datetime.timedelta(days=1)
    return start, end


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def quarter_parse(text: str | None, default: datetime.date | None = None) -> tuple[int, int]:
    """ "2026Q3" → (2026, 3); anything else → the quarter of `default` (today)."""
    text = (text or "").strip().upper()
    if len(text) == 6 and text[4] == "Q" and text[:4].isdigit() and text[5] in "1234":
        year = int(text[:4])
        if 2000 <= year <= 2100:
            return year, int(text[5])
    return quarter_of(default or today())


def _figures(raw: dict) -> dict:
    errors: dict[str, list[str]] = {}
    labels = {
        "annual_income": "家庭年可支配收入",
        "medical_expense": "年医疗支出",
        "schooling_expense": "年教育支出",
        "disability_expense": "年残疾康复支出",
    }
    figures = {}
    for key in FIGURES:
        value = raw.get(key)
        if value in (None, ""):
            continue
        figures[key] = services._money(value, key, labels[key], errors)
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)
    return figures


def _record_facts(actor, visit: Visit) -> list[dict]:
    """Job loss and disaster flags become monitoring facts (source: visit) through the
    monitoring services; the medical flag has no amount, so it stays on the visit (record the
    expense itself under monitoring). Without the monitoring services, flags stay here."""
    try:
        from gonghui.assistance.monitoring import services as monitoring
        from gonghui.assistance.monitoring.definitions import DisasterKind, FactSource
    except ImportError:
        return []
    facts = []
    archive = visit.archive
    note = f"常态化走访发现({visit.visited_on:%Y-%m-%d})"
    if visit.job_loss and hasattr(monitoring, "job_loss_record"):
        fact, _created = monitoring.job_loss_record(
            actor=actor,
            id_number=archive.id_number,
            lost_on=visit.visited_on,
            note=note,
            source=FactSource.VISIT,
        )
        facts.append({"kind": "job_loss", "id": fact.pk})
    if visit.disaster and hasattr(monitoring, "disaster_event_record"):
        fact, _created = monitoring.disaster_event_record(
            actor=actor,
            id_number=archive.id_number,
            occurred_on=visit.visited_on,
            kind=DisasterKind.OTHER_ACCIDENT,
            note=note,
            source=FactSource.VISIT,
        )
        facts.append({"kind": "disaster", "id": fact.pk})
    return facts


def _visit_errors(archive, *, visited_on, findings, visitors, visitor_names, photos, figures):
    """Every message a visit's fields get, and the clean values."""
    errors: dict[str, list[str]] = {}
    day = visited_on or today()
    if day > today():
        errors["visited_on"] = ["走访日期不能晚于今天。"]
    elif day < archive.applied_on:
        errors["visited_on"] = [f"走访日期不能早于申请日期({archive.applied_on:%Y-%m-%d})。"]
    findings = normalise_text(findings)
    if not findings:
        errors["findings"] = ["请填写走访情况。"]
    elif len(findings) > 2000:
        errors["findings"] = ["走访情况不能超过 2000 个字。"]
    visitor_names = normalise_text(visitor_names)[:200]
    visitors = list(visitors or [])
    if not visitors and not visitor_names:
        errors["visitor_names"] = ["请填写走访人员。"]
    photos = [p for p in photos or [] if p]
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [f"每次走访最多上传 {MAX_PHOTOS} 张照片。"]
    checked = []
    for photo in photos[:MAX_PHOTOS]:
        try:
            checked.append((photo, attachment_check(photo, AttachmentKind.PHOTO)))
        except ValidationFailed as exc:
            errors.setdefault("photos", []).extend(exc.fields.get("file", [exc.message]))
    try:
        clean = _figures(figures)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        clean = {}
    return errors, day, findings, visitor_names, visitors, checked, clean


def visit_validate(
    *,
    actor,
    archive: HardshipArchive,
    visited_on: datetime.date | None = None,
    findings: str = "",
    visitors=(),
    visitor_names: str = "",
    photos=(),
    job_loss: bool = False,
    disaster: bool = False,
    medical: bool = False,
    **figures,
) -> None:
    """The field checks of visit_record, without writing (for a form whose own fields
    failed): raises ValidationFailed with every field's message."""
    errors, *_values = _visit_errors(
        archive,
        visited_on=visited_on,
        findings=findings,
        visitors=visitors,
        visitor_names=visitor_names,
        photos=photos,
        figures={k: v for k, v in figures.items() if k in FIGURES},
    )
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)


@transaction.atomic
def visit_record(
    *,
    actor,
    archive: HardshipArchive,
    visited_on: datetime.date | None,
    findings: str,
    visitors=(),
    visitor_names: str = "",
    photos=(),
    job_loss: bool = False,
    disaster: bool = False,
    medical: bool = False,
    **figures,
) -> Visit:
    """Record a visit to an archived (or watched) household. Figures (annual_income,
    medical_expense, schooling_expense, disability_expense) that differ from the archive
    update it through archive_update (category re-assessed); photos are JPEG/PNG/WebP ≤ 10 MB.
    """
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise ValueError(f"not visit figures: {sorted(unknown)}")
    archive = services._locked(archive)
    if actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, archive.org):
        raise NotFound()
    if archive.status not in VISITABLE:
        raise ValidationFailed(
            f"{archive.name}家庭为“{archive.get_status_display()}”，只有在档或脱困监测中的家庭"
            "需要常态化走访。"
        )
    errors, day, findings, visitor_names, visitors, checked, clean = _visit_errors(
        archive,
        visited_on=visited_on,
        findings=findings,
        visitors=visitors,
        visitor_names=visitor_names,
        photos=photos,
        figures=figures,
    )
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)
    year, quarter = quarter_of(day)
    visit = Visit.objects.create(
        org=archive.org,
        archive=archive,
        visited_on=day,
        year=year,
        quarter=quarter,
        visitor_names=visitor_names,
        findings=findings,
        job_loss=bool(job_loss),
        disaster=bool(disaster),
        medical=bool(medical),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **clean,
    )
    if visitors:
        visit.visitors.set(visitors)
    for upload, info in checked:
        photo = VisitPhoto(
            visit=visit,
            stored_name=info.stored_name,
            original_name=info.original_name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
        )
        photo.file.save(info.stored_name, File(upload), save=False)
        photo.save()
    changed = {k: v for k, v in clean.items() if Decimal(getattr(archive, k)) != v}
    if changed:
        last = archive.assessments.order_by("-id").values_list("id", flat=True).first()
        services.archive_update(actor=actor, archive=archive, **changed)
        newest = ArchiveAssessment.objects.filter(archive=archive).order_by("-id").first()
        if newest is not None and newest.pk != last:
            visit.assessment = newest
    visit.facts = _record_facts(actor, visit)
    visit.save(update_fields=["assessment", "facts"])
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        org=archive.org,
        obj=visit,
        detail={
            "what": "visit",
            "archive": archive.pk,
            "figures": sorted(changed),
            "flags": [f for f in FLAGS if getattr(visit, f)],
            "photos": len(checked),
        },
    )
    return visit
