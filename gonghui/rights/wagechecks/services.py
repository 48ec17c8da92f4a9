"""Writes of wage-payment checks: the county's checklist and 一函两书 settings, campaigns, the
employers and sites checked, findings (amounts, workers, photos, resolution), and the 一函两书
ladder: a draft pre-filled from the finding, issued in order — 提示函, then 意见书 only after the
prompt's deadline passed unresolved, then 建议书 to the labour bureau after the opinion's
self-correction deadline — each dated, replies recorded."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction

from gonghui.core.errors import ErrorCollector, NotFound, ValidationFailed
from gonghui.core.workdays import legal_period_end
from gonghui.orgs.models import Enterprise, Org
from gonghui.rights.attachments import IMAGES, file_check
from gonghui.rights.shared import (
    MAX_AMOUNT,
    AuditAction,
    audit,
    bump,
    not_in_future,
    require_scope,
    required,
    today,
    version_check,
)
from gonghui.rights.shared import county_of as shared_county_of
from gonghui.rights.wagechecks.models import (
    STEP_ORDER,
    CheckFocus,
    CheckItem,
    CheckItemScope,
    CheckRecord,
    FindingPhoto,
    FindingStatus,
    NoticeSettings,
    NoticeStatus,
    NoticeStep,
    WageCheck,
    WageCheckStatus,
    WageFinding,
    WageNotice,
)

# The checklist a county starts with (issue 17); county admins add, rename or switch off items.
DEFAULT_ITEMS = [
    ("on_time", "按时足额支付工资", CheckItemScope.ALL),
    ("minimum_wage", "不低于当地最低工资标准", CheckItemScope.ALL),
    ("overtime", "依法支付加班工资", CheckItemScope.ALL),
    ("labour_contract", "依法签订劳动合同", CheckItemScope.ALL),
    ("payroll", "工资支付台账完整", CheckItemScope.ALL),
    ("wage_account", "设立农民工工资专用账户", CheckItemScope.CONSTRUCTION),
    ("deposit", "按规定存储工资保证金", CheckItemScope.CONSTRUCTION),
    ("real_name", "农民工实名制管理", CheckItemScope.CONSTRUCTION),
    ("main_contractor", "总包单位代发工资", CheckItemScope.CONSTRUCTION),
    ("notice_board", "设立维权信息告示牌", CheckItemScope.CONSTRUCTION),
]
RESULTS = ("ok", "fail", "na")
NEXT_STEP = {NoticeStep.PROMPT: NoticeStep.OPINION, NoticeStep.OPINION: NoticeStep.RECOMMENDATION}
PREVIOUS_STEP = {v: k for k, v in NEXT_STEP.items()}


def county_of(org: Org | None) -> Org | None:
    """The county federation above (or at) an org, from its path."""
    return shared_county_of(org)


# --- checklist and settings ---------------------------------------------------------------


def items_ensure(county: Org) -> list[CheckItem]:
    """The county's checklist, created from the defaults the first time (idempotent)."""
    items = list(CheckItem.objects.filter(org=county))
    if not items:
        CheckItem.objects.bulk_create(
            [
                CheckItem(
                    org=county,
                    org_anchor_id=county.anchor_id,
                    code=code,
                    name=name,
                    scope=scope,
                    order=i,
                )
                for i, (code, name, scope) in enumerate(DEFAULT_ITEMS, start=1)
            ],
            ignore_conflicts=True,
        )
        items = list(CheckItem.objects.filter(org=county))
    return sorted(items, key=lambda i: (i.order, i.pk))


@transaction.atomic
def check_item_save(
    *,
    actor,
    county: Org,
    name: str,
    scope: str = CheckItemScope.ALL,
    order: int = 0,
    is_active: bool = True,
    item: CheckItem | None = None,
) -> CheckItem:
    require_scope(actor, county)
    if item is not None and item.org_id != county.pk:
        raise NotFound()
    errors = ErrorCollector()
    if not (name or "").strip():
        errors.add("name", "请填写检查事项。")
    elif len(name.strip()) > 100:
        errors.add("name", "检查事项不能超过 100 个字。")
    if scope not in CheckItemScope.values:
        errors.add("scope", "请从列表中选择适用范围。")
    if not isinstance(order, int) or not 0 <= order <= 999:
        errors.add("order", "顺序应为 0 至 999 的整数。")
    errors.raise_if_any()
    if item is None:
        items_ensure(county)  # the defaults first, so a custom item never stands in for them
        existing = CheckItem.objects.filter(org=county).count()
        item = CheckItem(org=county, code=f"custom_{existing + 1}")
    item.name, item.scope, item.order, item.is_active = name.strip(), scope, order, is_active
    item.save()
    audit(actor, AuditAction.UPDATED, item, what="check_item", name=item.name)
    return item


def notice_settings(county: Org | None) -> NoticeSettings:
    """The county's settings, or the defaults (unsaved) when it has none."""
    found = NoticeSettings.objects.filter(org=county).first() if county else None
    if found is not None:
        return found
    name = county.name if county else "县总工会"
    return NoticeSettings(org=county, letterhead=name)


@transaction.atomic
def notice_settings_save(*, actor, county: Org, **values) -> NoticeSettings:
    require_scope(actor, county)
    errors = ErrorCollector()
    for field, label in (("prompt_days", "提示函整改期限"), ("opinion_days", "意见书自行整改期限")):
        value = values.get(field)
        if value is None or not 1 <= int(value) <= 90:
            errors.add(field, f"{label}应为 1 至 90 天。")
    if not (values.get("letterhead") or "").strip():
        errors.add("letterhead", "请填写文书抬头。")
    if values.get("copy_procuratorate") and not (values.get("procuratorate") or "").strip():
        errors.add("procuratorate", "建议书抄送检察院时，请填写检察院名称。")
    errors.raise_if_any()
    settings_row, _ = NoticeSettings.objects.update_or_create(org=county, defaults=values)
    audit(actor, AuditAction.UPDATED, settings_row, what="notice_settings")
    return settings_row


# --- campaigns and records ------------------------------------------------------------------


def wagecheck_validate(
    *,
    actor,
    org: Org | None = None,
    name: str | None = None,
    year: int | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    focus: list[str] | None = None,
    **_ignored,
) -> None:
    errors = ErrorCollector()
    required(
        errors,
        {"name": name, "year": year, "starts_on": starts_on, "ends_on": ends_on},
        {"name": "检查名称", "year": "年度", "starts_on": "开始日期", "ends_on": "结束日期"},
    )
    if starts_on and ends_on and ends_on < starts_on:
        errors.add("ends_on", "结束日期不能早于开始日期。")
    if any(f not in CheckFocus.values for f in focus or []):
        errors.add("focus", "请从列表中选择重点对象。")
    if org is None:
        errors.add("org", "请选择组织。")
    elif actor is not None:
        from gonghui.core.scope import org_in_scope

        if not org_in_scope(actor, "rights", "edit", org):
            errors.add("org", "所选组织不在您的数据范围内。")
    errors.raise_if_any()


@transaction.atomic
def wagecheck_create(
    *,
    actor,
    org: Org,
    name: str,
    year: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    joint_with: str = "",
    focus: list[str] | None = None,
    note: str = "",
) -> WageCheck:
    wagecheck_validate(
        actor=actor,
        org=org,
        name=name,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        focus=focus,
    )
    require_scope(actor, org)
    campaign = WageCheck.objects.create(
        org=org,
        name=name.strip(),
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        joint_with=(joint_with or "").strip(),
        focus=list(focus or []),
        note=(note or "").strip(),
    )
    audit(actor, AuditAction.CREATED, campaign, what="wagecheck")
    return campaign


@transaction.atomic
def wagecheck_close(*, actor, campaign: WageCheck) -> WageCheck:
    require_scope(actor, campaign.org)
    if campaign.status == WageCheckStatus.CLOSED:
        raise ValidationFailed("该检查已结束。")
    campaign.status = WageCheckStatus.CLOSED
    campaign.save(update_fields=["status", "updated_at"])
    audit(actor, AuditAction.UPDATED, campaign, what="wagecheck_close")
    return campaign


def record_validate(
    *,
    actor,
    campaign: WageCheck,
    enterprise: Enterprise | None = None,
    checked_on: datetime.date | None = None,
    inspectors: str | None = None,
    results: dict | None = None,
    items: list[CheckItem] | None = None,
    **_ignored,
) -> None:
    errors = ErrorCollector()
    required(
        errors,
        {"checked_on": checked_on, "inspectors": inspectors},
        {"checked_on": "检查日期", "inspectors": "检查人员"},
    )
    if enterprise is None:
        errors.add("enterprise", "请选择被检查单位。")
    elif actor is not None:
        from gonghui.core.scope import org_in_scope

        if not org_in_scope(actor, "rights", "edit", enterprise.org):
            errors.add("enterprise", "该单位不在您的数据范围内。")
    if campaign.status != WageCheckStatus.OPEN:
        errors.add("__all__", "该检查已结束，不能再登记检查记录。")
    not_in_future(errors, checked_on, "checked_on", "检查日期")
    if checked_on and checked_on < campaign.starts_on:
        errors.add(
            "checked_on", f"检查日期不能早于本次检查开始日期({campaign.starts_on:%Y-%m-%d})。"
        )
    known = {i.code for i in items} if items is not None else None
    for code, value in (results or {}).items():
        if value not in RESULTS or (known is not None and code not in known):
            errors.add("results", "检查结果含有无效的项目或取值。")
            break
    errors.raise_if_any()


@transaction.atomic
def record_add(
    *,
    actor,
    campaign: WageCheck,
    enterprise: Enterprise,
    checked_on: datetime.date,
    inspectors: str,
    results: dict[str, str],
    site_name: str = "",
    note: str = "",
) -> CheckRecord:
    county = county_of(campaign.org)
    items = items_ensure(county) if county else None
    record_validate(
        actor=actor,
        campaign=campaign,
        enterprise=enterprise,
        checked_on=checked_on,
        inspectors=inspectors,
        results=results,
        items=items,
    )
    require_scope(actor, enterprise.org)
    record = CheckRecord.objects.create(
        org=enterprise.org,
        campaign=campaign,
        enterprise=enterprise,
        site_name=(site_name or "").strip(),
        checked_on=checked_on,
        inspectors=inspectors.strip(),
        results=dict(results),
        note=(note or "").strip(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    failed = sum(1 for v in results.values() if v == "fail")
    audit(actor, AuditAction.CREATED, record, what="check_record", failed=failed)
    return record


# --- findings -------------------------------------------------------------------------------


def _amount(value, field: str, label: str, errors: ErrorCollector) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        errors.add(field, f"{label}请填写数字。")
        return Decimal(0)
    if amount < 0:
        errors.add(field, f"{label}不能为负数。")
    elif amount > MAX_AMOUNT:
        errors.add(field, f"{label}超出范围。")
    elif amount != amount.quantize(Decimal("0.01")):
        errors.add(field, f"{label}最多保留 2 位小数。")
    return amount


def finding_validate(
    *,
    actor,
    enterprise: Enterprise | None = None,
    description: str | None = None,
    found_on: datetime.date | None = None,
    amount_owed=None,
    workers_affected: int | None = None,
    record: CheckRecord | None = None,
    inspection=None,
    **_ignored,
) -> None:
    errors = ErrorCollector()
    required(
        errors,
        {"description": description, "found_on": found_on},
        {"description": "问题描述", "found_on": "发现日期"},
    )
    if enterprise is None:
        errors.add("enterprise", "请选择用人单位。")
    elif actor is not None:
        from gonghui.core.scope import org_in_scope

        if not org_in_scope(actor, "rights", "edit", enterprise.org):
            errors.add("enterprise", "该单位不在您的数据范围内。")
    _amount(amount_owed, "amount_owed", "拖欠金额", errors)
    if workers_affected is not None and workers_affected < 0:
        errors.add("workers_affected", "涉及人数不能为负数。")
    not_in_future(errors, found_on, "found_on", "发现日期")
    source_day = record.checked_on if record else (inspection.inspected_on if inspection else None)
    if found_on and source_day and found_on < source_day:
        errors.add("found_on", "发现日期不能早于检查日期。")
    errors.raise_if_any()


@transaction.atomic
def finding_create(
    *,
    actor,
    enterprise: Enterprise,
    description: str,
    found_on: datetime.date,
    amount_owed=0,
    workers_affected: int = 0,
    item_code: str = "",
    record: CheckRecord | None = None,
    inspection=None,
) -> WageFinding:
    finding_validate(
        actor=actor,
        enterprise=enterprise,
        description=description,
        found_on=found_on,
        amount_owed=amount_owed,
        workers_affected=workers_affected,
        record=record,
        inspection=inspection,
    )
    require_scope(actor, enterprise.org)
    finding = WageFinding.objects.create(
        org=enterprise.org,
        enterprise=enterprise,
        record=record,
        inspection=inspection,
        item_code=item_code or "",
        description=description.strip(),
        amount_owed=Decimal(str(amount_owed or 0)),
        workers_affected=workers_affected or 0,
        found_on=found_on,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit(
        actor,
        AuditAction.CREATED,
        finding,
        what="finding",
        amount=str(finding.amount_owed),
        workers=finding.workers_affected,
    )
    return finding


@transaction.atomic
def finding_resolve(
    *,
    actor,
    finding: WageFinding,
    resolved_on: datetime.date,
    amount_recovered=0,
    note: str = "",
) -> WageFinding:
    finding = WageFinding.objects.select_for_update().get(pk=finding.pk)
    require_scope(actor, finding.org)
    errors = ErrorCollector()
    if finding.status == FindingStatus.RESOLVED:
        errors.add("__all__", "该问题已登记整改。")
    if resolved_on is None:
        errors.add("resolved_on", "请填写整改日期。")
    elif resolved_on < finding.found_on:
        errors.add("resolved_on", "整改日期不能早于发现日期。")
    not_in_future(errors, resolved_on, "resolved_on", "整改日期")
    recovered = _amount(amount_recovered, "amount_recovered", "追回金额", errors)
    errors.raise_if_any()
    finding.status = FindingStatus.RESOLVED
    finding.resolved_on = resolved_on
    finding.amount_recovered = recovered
    finding.resolution_note = (note or "").strip()[:500]
    finding.save()
    WageNotice.objects.filter(
        finding=finding, status__in=(NoticeStatus.ISSUED, NoticeStatus.REPLIED)
    ).update(status=NoticeStatus.RESOLVED)
    WageNotice.objects.filter(finding=finding, status=NoticeStatus.DRAFT).delete()
    audit(actor, AuditAction.UPDATED, finding, what="finding_resolve", amount=str(recovered))
    return finding


@transaction.atomic
def finding_photo_add(*, actor, finding: WageFinding, upload) -> FindingPhoto:
    require_scope(actor, finding.org)
    checked = file_check(upload, IMAGES, field="image")
    photo = FindingPhoto(
        finding=finding,
        name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    photo.file.save(checked.stored_name, upload, save=False)
    photo.save()
    audit(actor, AuditAction.CREATED, finding, what="finding_photo", size=checked.size)
    return photo


# --- 一函两书 ---------------------------------------------------------------------------------


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def notice_body(finding: WageFinding, step: str, days: int, settings_row: NoticeSettings) -> str:
    """The letter's text, pre-filled from the finding (staff may edit the draft)."""
    enterprise = finding.enterprise
    day = finding.found_on
    facts = f"{day.year}年{day.month}月{day.day}日，我会在{_source_text(finding)}中发现，贵单位存在以下问题：{finding.description}"
    if finding.amount_owed:
        facts += f"，涉及拖欠工资 {_money(finding.amount_owed)} 元"
        if finding.workers_affected:
            facts += f"、职工 {finding.workers_affected} 人"
    facts += "。"
    if step == NoticeStep.PROMPT:
        return (
            f"{enterprise.name}：\n"
            f"　　{facts}\n"
            "　　上述情况不符合《中华人民共和国劳动法》《保障农民工工资支付条例》等法律法规的规定。"
            f"根据《中华人民共和国工会法》的规定，请贵单位自收到本函之日起 {days} 日内予以纠正，"
            "并将整改情况书面告知我会。\n"
            "　　特此函告。"
        )
    if step == NoticeStep.OPINION:
        return (
            f"{enterprise.name}：\n"
            f"　　{facts}我会已向贵单位发出《工会劳动法律监督提示函》，截至整改期限届满，问题仍未解决。\n"
            "　　根据《中华人民共和国工会法》和《工会劳动法律监督办法》的规定，我会提出如下意见："
            f"请贵单位自收到本意见书之日起 {days} 日内自行整改，依法足额支付拖欠的劳动报酬，"
            "并将整改结果书面报送我会。逾期不整改的，我会将提请劳动保障行政部门依法处理。"
        )
    copy = (
        f"，抄送{settings_row.procuratorate}"
        if settings_row.copy_procuratorate and settings_row.procuratorate
        else ""
    )
    return (
        f"{settings_row.labour_bureau}：\n"
        f"　　{facts}我会已先后向该单位发出《工会劳动法律监督提示函》和《工会劳动法律监督意见书》，"
        "该单位在自行整改期限届满后仍未整改。\n"
        "　　根据《中华人民共和国工会法》和《工会劳动法律监督办法》的规定，"
        f"建议贵局依法对{enterprise.name}进行调查处理，督促其依法支付拖欠的劳动报酬，"
        f"并将处理结果告知我会{copy}。"
    )


def _source_text(finding: WageFinding) -> str:
    if finding.record_id:
        return f"“{finding.record.campaign.name}”"
    if finding.inspection_id:
        return "劳动法律监督检查"
    return "工作"


def notice_can_draft(finding: WageFinding, step: str, notices: dict[str, WageNotice]) -> str | None:
    """Why the step cannot be drafted now (Chinese), or None when it can."""
    if finding.status != FindingStatus.OPEN:
        return "该问题已整改，无需再发文书。"
    if step in notices:
        return f"该问题已有{NoticeStep(step).label}。"
    previous = PREVIOUS_STEP.get(step)
    if previous is not None:
        before = notices.get(previous)
        if before is None or before.issued_on is None:
            return f"须先送达{NoticeStep(previous).label}，才能起草{NoticeStep(step).label}。"
    return None


def notice_ladder_check(
    finding: WageFinding, step: str, issued_on: datetime.date, notices
) -> str | None:
    """Why the step cannot be issued on that day (Chinese), or None: steps in order, each
    only after the previous step's deadline has passed with the finding unresolved."""
    reason = None
    previous = PREVIOUS_STEP.get(step)
    if finding.status != FindingStatus.OPEN:
        reason = "该问题已整改，不能再送达文书。"
    elif previous is not None:
        before = notices.get(previous)
        if before is None or before.issued_on is None:
            reason = f"须先送达{NoticeStep(previous).label}。"
        elif before.deadline is not None and issued_on <= before.deadline:
            reason = (
                f"{NoticeStep(previous).label}的整改期限至 {before.deadline:%Y-%m-%d} 届满，"
                f"期满仍未整改的，方可送达{NoticeStep(step).label}(最早 "
                f"{before.deadline + datetime.timedelta(days=1):%Y-%m-%d})。"
            )
    return reason


@transaction.atomic
def notice_draft(*, actor, finding: WageFinding, step: str) -> WageNotice:
    """A draft of the step, pre-filled from the finding and the county's settings."""
    finding = (
        WageFinding.objects.select_for_update(of=("self",))
        .select_related("enterprise", "record__campaign")
        .get(pk=finding.pk)
    )
    require_scope(actor, finding.org)
    if step not in NoticeStep.values:
        raise ValidationFailed("请选择文书类型。", fields={"step": ["请选择文书类型。"]})
    notices = {n.step: n for n in finding.notices.all()}
    reason = notice_can_draft(finding, step, notices)
    if reason:
        raise ValidationFailed(reason)
    county = county_of(finding.org)
    settings_row = notice_settings(county)
    days = {
        NoticeStep.PROMPT: settings_row.prompt_days,
        NoticeStep.OPINION: settings_row.opinion_days,
    }.get(step, 0)
    recipient = (
        settings_row.labour_bureau if step == NoticeStep.RECOMMENDATION else finding.enterprise.name
    )
    copy_to = ""
    if step == NoticeStep.RECOMMENDATION and settings_row.copy_procuratorate:
        copy_to = settings_row.procuratorate
    notice = WageNotice.objects.create(
        org=finding.org,
        finding=finding,
        step=step,
        recipient=recipient,
        copy_to=copy_to,
        days=days,
        body=notice_body(finding, step, days, settings_row),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit(actor, AuditAction.CREATED, notice, what="notice_draft", step=step)
    return notice


def notice_validate(
    *, notice: WageNotice, recipient=None, body=None, days=None, **_ignored
) -> None:
    errors = ErrorCollector()
    required(errors, {"recipient": recipient, "body": body}, {"recipient": "主送", "body": "正文"})
    if notice.status != NoticeStatus.DRAFT:
        errors.add("__all__", "已送达的文书不能修改。")
    if notice.step != NoticeStep.RECOMMENDATION and (days is None or not 1 <= days <= 90):
        errors.add("days", "整改期限应为 1 至 90 天。")
    errors.raise_if_any()


@transaction.atomic
def notice_update(
    *,
    actor,
    notice: WageNotice,
    recipient: str,
    body: str,
    days: int | None = None,
    number: str = "",
    copy_to: str = "",
    version: int | None = None,
) -> WageNotice:
    notice = WageNotice.objects.select_for_update().get(pk=notice.pk)
    require_scope(actor, notice.org)
    version_check(notice, version)
    notice_validate(notice=notice, recipient=recipient, body=body, days=days)
    notice.recipient = recipient.strip()
    notice.body = body.strip()
    notice.number = (number or "").strip()
    notice.copy_to = (copy_to or "").strip()
    if notice.step != NoticeStep.RECOMMENDATION:
        notice.days = days
    bump(notice)
    notice.save()
    audit(actor, AuditAction.UPDATED, notice, what="notice_edit", step=notice.step)
    return notice


@transaction.atomic
def notice_issue(
    *, actor, notice: WageNotice, issued_on: datetime.date, number: str = ""
) -> WageNotice:
    """Send the letter: dated, its deadline set (a legal period from the day of issue), the
    previous step marked escalated. Refused out of order or before the previous deadline."""
    notice = WageNotice.objects.select_for_update().get(pk=notice.pk)
    finding = WageFinding.objects.select_for_update().get(pk=notice.finding_id)
    require_scope(actor, notice.org)
    errors = ErrorCollector()
    if notice.status != NoticeStatus.DRAFT:
        errors.add("__all__", "该文书已送达。")
    if issued_on is None:
        errors.add("issued_on", "请填写送达日期。")
    else:
        if issued_on < finding.found_on:
            errors.add("issued_on", "送达日期不能早于发现问题的日期。")
        not_in_future(errors, issued_on, "issued_on", "送达日期")
        notices = {n.step: n for n in finding.notices.exclude(pk=notice.pk)}
        reason = notice_ladder_check(finding, notice.step, issued_on, notices)
        if reason:
            errors.add("issued_on", reason)
    number = (number or notice.number or "").strip()
    errors.raise_if_any()
    notice.issued_on = issued_on
    notice.number = number
    notice.status = NoticeStatus.ISSUED
    notice.deadline = (
        legal_period_end(issued_on, notice.days)
        if notice.step != NoticeStep.RECOMMENDATION
        else None
    )
    bump(notice)
    notice.save()
    previous = PREVIOUS_STEP.get(notice.step)
    if previous:
        WageNotice.objects.filter(finding=finding, step=previous).update(
            status=NoticeStatus.ESCALATED
        )
    audit(actor, AuditAction.UPDATED, notice, what="notice_issue", step=notice.step)
    return notice


@transaction.atomic
def notice_reply_record(
    *, actor, notice: WageNotice, replied_on: datetime.date, text: str
) -> WageNotice:
    notice = WageNotice.objects.select_for_update().get(pk=notice.pk)
    require_scope(actor, notice.org)
    errors = ErrorCollector()
    if notice.status not in (NoticeStatus.ISSUED, NoticeStatus.ESCALATED):
        errors.add("__all__", "只有已送达的文书可以登记回复。")
    if notice.replied_on is not None:
        errors.add("__all__", "已登记回复。")
    if replied_on is None:
        errors.add("replied_on", "请填写回复日期。")
    elif notice.issued_on and replied_on < notice.issued_on:
        errors.add("replied_on", "回复日期不能早于送达日期。")
    not_in_future(errors, replied_on, "replied_on", "回复日期")
    if not (text or "").strip():
        errors.add("text", "请填写回复内容。")
    errors.raise_if_any()
    notice.replied_on = replied_on
    notice.reply_text = text.strip()[:500]
    if notice.status == NoticeStatus.ISSUED:
        notice.status = NoticeStatus.REPLIED
    bump(notice)
    notice.save()
    audit(actor, AuditAction.UPDATED, notice, what="notice_reply", step=notice.step)
    return notice


def notice_next_due(notices: list[WageNotice], on: datetime.date | None = None):
    """(next step, the first day it may be issued) for a finding's notices, or None."""
    on = on or today()
    issued = [n for n in notices if n.issued_on is not None]
    if not issued:
        return (NoticeStep.PROMPT, on) if not notices else None
    last = max(issued, key=lambda n: STEP_ORDER[n.step])
    following = NEXT_STEP.get(last.step)
    if following is None or any(n.step == following for n in notices) or last.deadline is None:
        return None
    return following, last.deadline + datetime.timedelta(days=1)
