"""The workers' side of hardship assistance on the portal (no login): the self-check (自测),
the application and the status check.

- `self_check` computes the category a household may qualify for with the county's 低保
  standard and thresholds in force today (category.py through standards.assess); nothing is
  stored and nothing is counted.
- `application_check` says everything wrong with an application at once, writing nothing
  (the portal calls it when its own form already found problems, so that one submit shows
  every error); `application_submit` runs the same checks, then wraps
  services.archive_apply_public with the household members listed on the form, in one
  transaction (a bad member row leaves no archive behind). Both rate-limit through
  gonghui.core.ratelimit (counted in the database, before the transaction, so every worker
  process counts the same hits and refusals count too): attempts per IP, successful
  applications per IP, and
  attempts per ID number (a refused attempt says "this ID already has an archive", so the
  per-ID limit stops anyone probing a neighbour's number).
- `application_status` answers ID number + phone with the same message whether the ID is
  unknown or the phone does not match; rate-limited per IP and per ID number.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet

from gonghui.assistance.archives import services
from gonghui.assistance.category import CategoryResult, HouseholdFigures, money
from gonghui.assistance.choices import ArchiveStatus, HardshipCategory, HardshipCause
from gonghui.assistance.models import HardshipArchive
from gonghui.assistance.standards.selectors import assess, today
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import NotFound, ServiceError, ValidationFailed
from gonghui.core.ratelimit import at_limit, hit_over_limit
from gonghui.core.text import normalise_text
from gonghui.members.idnumber import IdNumberError, id_number_clean, phone_clean
from gonghui.orgs.models import Org, OrgStatus, township_q

# Rate limits: (hits allowed, window in seconds).
APPLY_ATTEMPTS_PER_IP = (20, 3600)  # submissions incl. refused ones
APPLY_PER_IP = (5, 86400)  # applications that went through
APPLY_ATTEMPTS_PER_ID = (5, 86400)
STATUS_PER_IP = (20, 3600)
STATUS_PER_ID = (10, 3600)
MAX_HOUSEHOLD_ROWS = services.MAX_HOUSEHOLD - 1

TOO_MANY = "提交过于频繁，请稍后再试。"
TOO_MANY_ID = "该身份证号今日提交次数过多，请明天再试。"
STATUS_TOO_MANY = "查询过于频繁，请一小时后再试。"
STATUS_NOT_FOUND = "未查到与该身份证号和手机号对应的困难职工申请，请核对后重试。"
NO_STANDARD = "所选乡镇(街道)所在县尚未公布低保标准，暂时无法测算，请联系当地工会。"


class RateLimited(ServiceError):
    code = "rate_limited"
    status = 429


def _over(key: str, limit: tuple[int, int], *, count: bool = True) -> bool:
    """Count one hit in the window (unless count=False); True when over the limit."""
    allowed, seconds = limit
    if not count:
        return at_limit(key, allowed)
    return hit_over_limit(key, allowed, seconds)


# --- where a worker can turn --------------------------------------------------------------


def public_townships() -> QuerySet[Org]:
    """Township/street (and park) unions: what a worker picks for the standard in force and
    as the union that receives the application (it then reaches the grassroots union)."""
    return Org.objects.filter(township_q(), status=OrgStatus.ACTIVE).order_by("code")


def _township(township_id) -> Org:
    try:
        return public_townships().get(pk=int(township_id))
    except (TypeError, ValueError, Org.DoesNotExist) as exc:
        message = "请选择您所在的乡镇(街道)。"
        raise ValidationFailed(message, fields={"township": [message]}) from exc


# --- the self-check -----------------------------------------------------------------------


DISASTER_CHOICES = (
    ("", "没有"),
    (HardshipCause.NATURAL_DISASTER, HardshipCause.NATURAL_DISASTER.label),
    (HardshipCause.ACCIDENT, HardshipCause.ACCIDENT.label),
)


@dataclass(frozen=True)
class SelfCheck:
    township: Org
    county: Org
    on: datetime.date
    result: CategoryResult
    standard_amount: Decimal
    figures: HouseholdFigures

    @property
    def qualifies(self) -> bool:
        return self.result.meets_entry_test

    @property
    def category_label(self) -> str:
        return HardshipCategory(self.result.category).label


def _amount(value, key: str, label: str, errors: dict, *, required: bool = False):
    text = normalise_text(value).replace(",", "").replace("，", "")
    if not text:
        if required:
            errors[key] = [f"请填写{label}，没有请填 0。"]
            return None
        return Decimal(0)
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors[key] = [f"{label}请填写数字(元)，如 12000。"]
        return None
    if not number.is_finite() or number < 0:
        errors[key] = [f"{label}不能为负数。"]
        return None
    if number > services.MAX_ANNUAL:
        errors[key] = [f"{label}不能超过 {money(services.MAX_ANNUAL)} 元，请核对是否多填了位数。"]
        return None
    return number.quantize(Decimal("0.01"))


def self_check(
    *,
    township_id,
    household_size,
    annual_income,
    medical_expense="",
    schooling_expense="",
    disability_expense="",
    disaster: str = "",
) -> SelfCheck:
    """Which category the household may qualify for, explained. Stores nothing."""
    errors: dict[str, list[str]] = {}
    township = None
    try:
        township = _township(township_id)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    size = None
    try:
        size = int(normalise_text(household_size))
    except (TypeError, ValueError):
        errors["household_size"] = ["请填写家庭人口数(含本人)。"]
    else:
        if not 1 <= size <= services.MAX_HOUSEHOLD:
            errors["household_size"] = [f"家庭人口应为 1 到 {services.MAX_HOUSEHOLD} 人(含本人)。"]
    income = _amount(annual_income, "annual_income", "家庭年收入", errors, required=True)
    medical = _amount(medical_expense, "medical_expense", "医疗支出", errors)
    schooling = _amount(schooling_expense, "schooling_expense", "教育支出", errors)
    disability = _amount(disability_expense, "disability_expense", "残疾康复支出", errors)
    if disaster not in dict(DISASTER_CHOICES):
        errors["disaster"] = ["请选择是否遭遇自然灾害或意外事故。"]
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)
    figures = HouseholdFigures(
        annual_income=income,
        household_size=size,
        medical_expense=medical,
        schooling_expense=schooling,
        disability_expense=disability,
        causes=(disaster,) if disaster else (),
    )
    on = today()
    try:
        assessed = assess(figures, org=township, on=on)
    except ValidationFailed as exc:
        if exc.code == "no_standard":
            raise ValidationFailed(NO_STANDARD, code="no_standard") from exc
        raise
    return SelfCheck(
        township=township,
        county=assessed.county,
        on=on,
        result=assessed.result,
        standard_amount=assessed.standard.monthly_amount,
        figures=figures,
    )


# --- the application ----------------------------------------------------------------------


def _member_rows_check(members: list[dict], household_size) -> None:
    """Field errors named `household-<i>-<field>` (the form's row prefix)."""
    errors: dict[str, list[str]] = {}
    try:
        size = int(household_size)
    except (TypeError, ValueError):
        size = None
    if size is not None and len(members) + 1 > size:
        errors["household_size"] = [
            f"您填写了 {len(members)} 名家庭成员，家庭人口(含本人)应不少于 {len(members) + 1} 人。"
        ]
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)


PUBLIC_ID_CLASH = "该身份证号已有困难职工档案或正在办理中，请联系所在工会。"


def _attempt(ip: str | None, id_number) -> None:
    """Count one application attempt (a check or a submit) against the rate limits."""
    if ip and _over(f"hardship-apply-ip:{ip}", APPLY_ATTEMPTS_PER_IP):
        raise RateLimited(TOO_MANY)
    if ip and _over(f"hardship-apply-ok-ip:{ip}", APPLY_PER_IP, count=False):
        raise RateLimited(TOO_MANY)
    try:
        number = id_number_clean(id_number).number
    except IdNumberError:
        number = ""
    if number and _over(f"hardship-apply-id:{keyed_hash(number)}", APPLY_ATTEMPTS_PER_ID):
        raise RateLimited(TOO_MANY_ID)


def _application_errors(
    *, township_id, members: list[tuple[int, dict]], fields: dict
) -> tuple[dict[str, list[str]], Org | None]:
    """Every message the application would get, and the township; writes nothing."""
    errors: dict[str, list[str]] = {}
    township = None
    try:
        township = _township(township_id)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    try:
        services.archive_validate(actor=None, org=township, **fields)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if any("一户只能建一份档案" in m for m in errors.get("id_number", [])):
        errors["id_number"] = [PUBLIC_ID_CLASH]  # never name the other household
    if not normalise_text(fields.get("phone")):
        errors["phone"] = ["请填写手机号码，用于查询办理进度和联系您。"]
    try:
        _member_rows_check([m for _i, m in members], fields.get("household_size"))
    except ValidationFailed as exc:
        errors.update(exc.fields)
        return errors, township  # the rows would only repeat the household-size complaint
    try:
        worker_hash = keyed_hash(id_number_clean(fields.get("id_number")).number)
    except IdNumberError:
        worker_hash = ""
    applying = HardshipArchive(id_number_hash=worker_hash)  # never saved
    seen: dict[str, int] = {}
    for index, person in members:
        try:
            services.household_member_validate(actor=None, archive=applying, **person)
        except ValidationFailed as exc:
            errors.update({f"household-{index}-{k}": v for k, v in exc.fields.items()})
            continue
        number = normalise_text(person.get("id_number"))
        if number:
            key = keyed_hash(id_number_clean(number).number)
            if key in seen:
                errors[f"household-{index}-id_number"] = [
                    f"与家庭成员 {seen[key] + 1} 的身份证号相同。"
                ]
            seen.setdefault(key, index)
    return errors, township


def application_check(
    *, township_id, members: list[tuple[int, dict]], ip: str | None, **fields
) -> None:
    """What application_submit would say about these values, without writing anything:
    raises ValidationFailed (every message at once) or RateLimited. The portal calls it when
    its form already found problems, so the worker sees all of them on one submit. It counts
    as an attempt: the duplicate-ID answer must not be probed around the rate limit."""
    _attempt(ip, fields.get("id_number"))
    errors, _township_org = _application_errors(
        township_id=township_id, members=members, fields=fields
    )
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)


def application_submit(
    *, township_id, members: list[tuple[int, dict]], ip: str | None, **fields
) -> HardshipArchive:
    """A worker's application with its household members (list of (row index, fields)).

    Raises ValidationFailed (every field message at once; a member row's fields as
    `household-<index>-<field>`) or RateLimited; writes nothing unless it all succeeds.
    """
    _attempt(ip, fields.get("id_number"))
    errors, township = _application_errors(township_id=township_id, members=members, fields=fields)
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)
    with transaction.atomic():
        archive = services.archive_apply_public(org_id=township.pk, ip=ip, **fields)
        for index, person in members:
            try:
                services.household_member_add(actor=None, archive=archive, **person)
            except ValidationFailed as exc:
                exc.fields = {f"household-{index}-{k}": v for k, v in exc.fields.items()}
                raise
    if ip:
        _over(f"hardship-apply-ok-ip:{ip}", APPLY_PER_IP)
    return archive


# --- the status check ---------------------------------------------------------------------

PUBLIC_STATUS = {
    ArchiveStatus.APPLIED: "已提交，等待工会核实",
    ArchiveStatus.GRASSROOTS_CHECKED: "工会已核实，等待入户核查",
    ArchiveStatus.VISITED: "已入户核查，等待县总工会审批",
    ArchiveStatus.APPROVED: "县总工会已审批，正在建档",
    ArchiveStatus.ARCHIVED: "已建档，纳入帮扶",
    ArchiveStatus.EXITED: "已解困脱困",
    ArchiveStatus.WATCHED: "已解困脱困(跟踪关注中)",
    ArchiveStatus.REJECTED: "未予建档",
}


@dataclass(frozen=True)
class StatusView:
    """What the public status page may show: nothing more."""

    status: str
    status_label: str
    union_name: str
    applied_on: datetime.date
    rejected_reason: str


def application_status(*, id_number: str, phone: str, ip: str | None) -> StatusView:
    """The latest archive for ID number + phone. Raises ValidationFailed, RateLimited or
    NotFound (the same answer for an unknown ID and a phone that does not match)."""
    fields: dict[str, list[str]] = {}
    try:
        number = id_number_clean(id_number).number
    except IdNumberError as exc:
        fields["id_number"] = [str(exc)]
        number = ""
    try:
        phone = phone_clean(phone)
    except ValueError as exc:
        fields["phone"] = [str(exc)]
    else:
        if not phone:
            fields["phone"] = ["请填写手机号码。"]
    if fields:
        raise ValidationFailed("请检查填写的内容。", fields=fields)
    id_hash = keyed_hash(number)
    over_ip = bool(ip) and _over(f"hardship-status-ip:{ip}", STATUS_PER_IP)
    over_id = _over(f"hardship-status-id:{id_hash}", STATUS_PER_ID)
    if over_ip or over_id:
        raise RateLimited(STATUS_TOO_MANY)
    archive = (
        HardshipArchive.objects.filter(id_number_hash=id_hash, phone_hash=keyed_hash(phone))
        .select_related("org")
        .order_by("-id")
        .first()
    )
    if archive is None:
        raise NotFound(STATUS_NOT_FOUND)
    return StatusView(
        status=archive.status,
        status_label=PUBLIC_STATUS[archive.status],
        union_name=archive.org.name,
        applied_on=archive.applied_on,
        rejected_reason=archive.rejected_reason if archive.status == ArchiveStatus.REJECTED else "",
    )
