"""Writes of collective contracts: register (with the congress vote and the term checked),
file with the labour department, record its review, save text versions, attach files, ask for
renewal, terminate. Keyword-only, validated (every problem at once, nothing written on
refusal), scope-checked, audited."""

import datetime
from dataclasses import dataclass

from django.db import transaction

from gonghui.core.errors import ErrorCollector, ValidationFailed
from gonghui.core.workdays import legal_period_end
from gonghui.orgs.models import Enterprise
from gonghui.rights.attachments import file_check
from gonghui.rights.contracts.models import (
    MULTI_EMPLOYER_KINDS,
    CollectiveContract,
    ContractAttachment,
    ContractCoverage,
    ContractKind,
    ContractStatus,
    ContractVersion,
    ReviewResult,
)
from gonghui.rights.shared import (
    Action,
    AuditAction,
    add_months,
    add_years,
    audit,
    bump,
    not_in_future,
    require_scope,
    required,
    today,
    version_check,
)

FILING_DAYS = 10  # 集体合同规定 Art. 42: filed within 10 days of signing
REVIEW_DAYS = 15  # Art. 44/47: the department's review; silence means in force
RENEWAL_MONTHS = 3  # renewal may be asked within 3 months before expiry (Art. 40)
MIN_TERM_YEARS, MAX_TERM_YEARS = 1, 3  # Art. 38


@dataclass(frozen=True)
class VoteCheck:
    """The congress vote against 集体合同规定 Art. 36, with the figures it was held to."""

    quorum_needed: int  # present ≥ 2/3 of all representatives
    majority_needed: int  # approvals > 1/2 of ALL representatives (not of those present)
    quorum_met: bool
    majority_met: bool

    @property
    def passed(self) -> bool:
        return self.quorum_met and self.majority_met


def vote_check(*, total: int, present: int, approving: int) -> VoteCheck:
    quorum = -(-2 * total // 3)  # ceil(2/3 × total)
    majority = total // 2 + 1  # more than half
    return VoteCheck(quorum, majority, present >= quorum, approving >= majority)


def term_bounds(start_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest expiry for a term of 1–3 years starting on `start_on`."""
    return (
        add_years(start_on, MIN_TERM_YEARS) - datetime.timedelta(days=1),
        add_years(start_on, MAX_TERM_YEARS) - datetime.timedelta(days=1),
    )


def renewal_opens_on(end_on: datetime.date) -> datetime.date:
    """The first day renewal may be asked for (3 months before expiry)."""
    return add_months(end_on, -RENEWAL_MONTHS)


def filing_due(signed_on: datetime.date) -> datetime.date:
    return legal_period_end(signed_on, FILING_DAYS)


def review_due(filed_on: datetime.date) -> datetime.date:
    return legal_period_end(filed_on, REVIEW_DAYS)


def contract_org(enterprise: Enterprise | None, org):
    """The union side's org: the employer's own union, else the given org."""
    if enterprise is not None and enterprise.union_id and enterprise.union.is_active:
        return enterprise.union
    return org if org is not None else (enterprise.org if enterprise is not None else None)


_LABELS = {
    "title": "合同名称",
    "kind": "合同类型",
    "union_party": "工会方",
    "employer_party": "企业方",
    "workers_covered": "覆盖职工人数",
    "start_on": "期限开始日期",
    "end_on": "期限届满日期",
    "signed_on": "签订日期",
    "congress_on": "职代会日期",
    "congress_total": "应到代表人数",
    "congress_present": "实到代表人数",
    "congress_for": "赞成票数",
}


def contract_validate(
    *,
    actor,
    org=None,
    kind: str | None = None,
    title: str | None = None,
    enterprise: Enterprise | None = None,
    covered: list[Enterprise] | None = None,
    union_party: str | None = None,
    employer_party: str | None = None,
    workers_covered: int | None = None,
    start_on: datetime.date | None = None,
    end_on: datetime.date | None = None,
    signed_on: datetime.date | None = None,
    congress_on: datetime.date | None = None,
    congress_total: int | None = None,
    congress_present: int | None = None,
    congress_for: int | None = None,
    **_ignored,
) -> None:
    """Every rule of a contract's registration, without writing; ValidationFailed lists all."""
    errors = ErrorCollector()
    values = dict(
        title=title,
        kind=kind,
        union_party=union_party,
        employer_party=employer_party,
        workers_covered=workers_covered,
        start_on=start_on,
        end_on=end_on,
        signed_on=signed_on,
        congress_on=congress_on,
        congress_total=congress_total,
        congress_present=congress_present,
        congress_for=congress_for,
    )
    required(errors, values, _LABELS)
    if kind and kind not in ContractKind.values:
        errors.add("kind", "请从列表中选择合同类型。")
    multi = kind in MULTI_EMPLOYER_KINDS
    if kind and not multi and enterprise is None:
        errors.add("enterprise", "请选择签订合同的用人单位。")
    if kind and multi and not covered:
        errors.add("covered", "行业性、区域性集体合同请选择覆盖的用人单位。")
    if workers_covered is not None and workers_covered < 1:
        errors.add("workers_covered", "覆盖职工人数至少为 1。")
    if start_on and end_on:
        earliest, latest = term_bounds(start_on)
        if end_on < earliest or end_on > latest:
            errors.add(
                "end_on",
                f"集体合同期限为 1 至 3 年：期限自 {start_on:%Y-%m-%d} 开始的，"
                f"届满日期应在 {earliest:%Y-%m-%d} 至 {latest:%Y-%m-%d} 之间。",
            )
    not_in_future(errors, signed_on, "signed_on", "签订日期")
    if congress_on and signed_on and congress_on > signed_on:
        errors.add("congress_on", "合同草案须先经职工代表大会(或全体职工)审议通过，再签订。")
    if congress_total is not None and congress_present is not None and congress_for is not None:
        if congress_total < 1:
            errors.add("congress_total", "应到代表人数至少为 1。")
        elif congress_present > congress_total:
            errors.add("congress_present", "实到代表人数不能多于应到代表人数。")
        elif congress_for > congress_present:
            errors.add("congress_for", "赞成票数不能多于实到代表人数。")
        else:
            vote = vote_check(
                total=congress_total, present=congress_present, approving=congress_for
            )
            if not vote.quorum_met:
                errors.add(
                    "congress_present",
                    f"实到代表须达到全体代表的三分之二以上(应到 {congress_total} 人，"
                    f"至少 {vote.quorum_needed} 人到会)，本次会议不足法定人数。",
                )
            if not vote.majority_met:
                errors.add(
                    "congress_for",
                    f"草案须经全体代表半数以上同意方获通过(全体 {congress_total} 人，"
                    f"至少 {vote.majority_needed} 票赞成；按全体代表计算，不是按到会代表)。",
                )
    if actor is not None:
        target = contract_org(enterprise, org)
        if target is None:
            errors.add("org", "请选择工会方组织。")
        elif not _in_scope(actor, target):
            errors.add("org", "所选组织不在您的数据范围内。")
        for other in covered or []:
            if not _in_scope(actor, other.org):
                errors.add("covered", f"“{other.name}”不在您的数据范围内。")
    errors.raise_if_any()


def _in_scope(actor, org) -> bool:
    from gonghui.core.scope import org_in_scope

    return org_in_scope(actor, "rights", Action.EDIT, org)


@transaction.atomic
def contract_register(
    *,
    actor,
    kind: str,
    title: str,
    union_party: str,
    employer_party: str,
    workers_covered: int,
    start_on: datetime.date,
    end_on: datetime.date,
    signed_on: datetime.date,
    congress_on: datetime.date,
    congress_total: int,
    congress_present: int,
    congress_for: int,
    enterprise: Enterprise | None = None,
    covered: list[Enterprise] | None = None,
    org=None,
    text: str = "",
    previous: CollectiveContract | None = None,
) -> CollectiveContract:
    """Register a signed collective contract; its 10-day filing clock starts."""
    fields = dict(
        kind=kind,
        title=title,
        union_party=union_party,
        employer_party=employer_party,
        workers_covered=workers_covered,
        start_on=start_on,
        end_on=end_on,
        signed_on=signed_on,
        congress_on=congress_on,
        congress_total=congress_total,
        congress_present=congress_present,
        congress_for=congress_for,
    )
    contract_validate(actor=actor, org=org, enterprise=enterprise, covered=covered, **fields)
    target = contract_org(enterprise, org)
    if target is None:
        raise ValidationFailed("请选择工会方组织。", fields={"org": ["请选择工会方组织。"]})
    require_scope(actor, target)
    if kind in MULTI_EMPLOYER_KINDS:
        enterprise = None
    contract = CollectiveContract.objects.create(
        org=target,
        enterprise=enterprise,
        filing_due=filing_due(signed_on),
        text=text,
        previous=previous,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        **{k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()},
    )
    employers = {e.pk: e for e in (covered or [])}
    if enterprise is not None:
        employers[enterprise.pk] = enterprise
    ContractCoverage.objects.bulk_create(
        [ContractCoverage(contract=contract, enterprise_id=pk) for pk in sorted(employers)]
    )
    if text:
        ContractVersion.objects.create(
            contract=contract, number=1, text=text, note="签订文本", created_by=contract.created_by
        )
    audit(
        actor,
        AuditAction.CREATED,
        contract,
        what="contract",
        kind=kind,
        employers=len(employers),
        vote=[congress_total, congress_present, congress_for],
    )
    return contract


@transaction.atomic
def contract_file(
    *,
    actor,
    contract: CollectiveContract,
    filed_on: datetime.date,
    department: str,
    version: int | None = None,
) -> CollectiveContract:
    """Record the filing with the labour department: its 15-day review starts; silence means
    the contract comes into force the day after the review period ends."""
    contract = CollectiveContract.objects.select_for_update().get(pk=contract.pk)
    require_scope(actor, contract.org)
    version_check(contract, version)
    errors = ErrorCollector()
    if contract.status != ContractStatus.SIGNED:
        errors.add("__all__", "该合同已报送，不能重复报送。")
    if filed_on is None:
        errors.add("filed_on", "请填写报送日期。")
    elif filed_on < contract.signed_on:
        errors.add("filed_on", f"报送日期不能早于签订日期({contract.signed_on:%Y-%m-%d})。")
    not_in_future(errors, filed_on, "filed_on", "报送日期")
    if not (department or "").strip():
        errors.add("department", "请填写报送部门。")
    errors.raise_if_any()
    contract.filed_on = filed_on
    contract.department = department.strip()
    contract.review_due = review_due(filed_on)
    contract.effective_on = contract.review_due + datetime.timedelta(days=1)
    contract.status = ContractStatus.FILED
    bump(contract)
    contract.save()
    audit(
        actor,
        AuditAction.UPDATED,
        contract,
        what="contract_file",
        late=filed_on > contract.filing_due,
    )
    return contract


@transaction.atomic
def contract_review_record(
    *,
    actor,
    contract: CollectiveContract,
    result: str,
    reviewed_on: datetime.date,
    note: str = "",
    version: int | None = None,
) -> CollectiveContract:
    """The department's answer within its review period: no objection (in force from that
    day) or an objection (not in force; the parties renegotiate)."""
    contract = CollectiveContract.objects.select_for_update().get(pk=contract.pk)
    require_scope(actor, contract.org)
    version_check(contract, version)
    errors = ErrorCollector()
    if contract.status != ContractStatus.FILED:
        errors.add("__all__", "只有已报送、审查中的合同可以登记审查意见。")
    if result not in (ReviewResult.APPROVED, ReviewResult.OBJECTED):
        errors.add("result", "请选择审查结果。")
    if reviewed_on is None:
        errors.add("reviewed_on", "请填写审查意见日期。")
    elif contract.filed_on and reviewed_on < contract.filed_on:
        errors.add("reviewed_on", "审查意见日期不能早于报送日期。")
    elif contract.review_due and reviewed_on > contract.review_due:
        errors.add(
            "reviewed_on",
            f"审查期限已于 {contract.review_due:%Y-%m-%d} 届满，期满未提出异议的合同已依法生效。",
        )
    not_in_future(errors, reviewed_on, "reviewed_on", "审查意见日期")
    if result == ReviewResult.OBJECTED and not (note or "").strip():
        errors.add("note", "请填写审查部门提出的异议。")
    errors.raise_if_any()
    contract.review_result = result
    contract.reviewed_on = reviewed_on
    contract.review_note = (note or "").strip()
    if result == ReviewResult.APPROVED:
        contract.status = ContractStatus.EFFECTIVE
        contract.effective_on = reviewed_on
    else:
        contract.status = ContractStatus.OBJECTED
        contract.effective_on = None
    bump(contract)
    contract.save()
    audit(actor, AuditAction.UPDATED, contract, what="contract_review", result=result)
    return contract


@transaction.atomic
def contract_version_add(
    *, actor, contract: CollectiveContract, text: str, note: str = ""
) -> ContractVersion:
    require_scope(actor, contract.org)
    if not (text or "").strip():
        raise ValidationFailed("请填写合同文本。", fields={"text": ["请填写合同文本。"]})
    contract = CollectiveContract.objects.select_for_update().get(pk=contract.pk)
    last = contract.versions.order_by("-number").values_list("number", flat=True).first() or 0
    saved = ContractVersion.objects.create(
        contract=contract,
        number=last + 1,
        text=text,
        note=(note or "").strip()[:200],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    contract.text = text
    bump(contract)
    contract.save(update_fields=["text", "version", "updated_at"])
    audit(actor, AuditAction.UPDATED, contract, what="contract_version", number=saved.number)
    return saved


@transaction.atomic
def contract_attachment_add(*, actor, contract: CollectiveContract, upload) -> ContractAttachment:
    require_scope(actor, contract.org)
    checked = file_check(upload)
    attachment = ContractAttachment(
        contract=contract,
        name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    attachment.file.save(checked.stored_name, upload, save=False)
    attachment.save()
    audit(actor, AuditAction.CREATED, contract, what="contract_attachment", size=checked.size)
    return attachment


@transaction.atomic
def contract_renewal_request(
    *, actor, contract: CollectiveContract, on: datetime.date, subject: str = "", content: str = ""
):
    """Ask the employer to renew (续订要约) within the 3 months before expiry: records the day
    and sends the bargaining offer, whose 20-day reply clock starts."""
    from gonghui.rights.bargaining.services import offer_send

    contract = CollectiveContract.objects.select_for_update().get(pk=contract.pk)
    require_scope(actor, contract.org)
    errors = ErrorCollector()
    opens = renewal_opens_on(contract.end_on)
    if contract.enterprise_id is None:
        errors.add("__all__", "行业性、区域性集体合同请向各覆盖单位分别发出要约。")
    if on is None:
        errors.add("on", "请填写要约日期。")
    elif on < opens:
        errors.add(
            "on",
            f"合同届满前 3 个月内方可提出续订要约：本合同 {contract.end_on:%Y-%m-%d} 届满，"
            f"最早 {opens:%Y-%m-%d} 提出。",
        )
    elif on > contract.end_on:
        errors.add("on", "合同已届满，请发出新的协商要约。")
    not_in_future(errors, on, "on", "要约日期")
    if contract.renewal_requested_on:
        errors.add("__all__", f"已于 {contract.renewal_requested_on:%Y-%m-%d} 提出续订要约。")
    errors.raise_if_any()
    offer = offer_send(
        actor=actor,
        enterprise=contract.enterprise,
        subject=subject or f"续订《{contract.title}》",
        content=content,
        sent_on=on,
    )
    contract.renewal_requested_on = on
    bump(contract)
    contract.save(update_fields=["renewal_requested_on", "version", "updated_at"])
    audit(actor, AuditAction.UPDATED, contract, what="contract_renewal")
    return offer


@transaction.atomic
def contract_terminate(
    *, actor, contract: CollectiveContract, on: datetime.date, reason: str
) -> CollectiveContract:
    contract = CollectiveContract.objects.select_for_update().get(pk=contract.pk)
    require_scope(actor, contract.org)
    errors = ErrorCollector()
    if contract.status == ContractStatus.TERMINATED:
        errors.add("__all__", "该合同已终止。")
    if on is None:
        errors.add("on", "请填写终止日期。")
    elif on < contract.signed_on:
        errors.add("on", "终止日期不能早于签订日期。")
    if not (reason or "").strip():
        errors.add("reason", "请填写终止原因。")
    errors.raise_if_any()
    contract.status = ContractStatus.TERMINATED
    contract.terminated_on = on
    contract.termination_reason = reason.strip()[:300]
    bump(contract)
    contract.save()
    audit(actor, AuditAction.UPDATED, contract, what="contract_terminate", reason=reason.strip())
    return contract


def contract_filing_late(contract: CollectiveContract, on: datetime.date | None = None) -> bool:
    """Not filed by its due day (or filed after it)."""
    day = contract.filed_on or (on or today())
    return day > contract.filing_due
