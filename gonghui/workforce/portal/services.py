"""The worker on the portal proves who they are: ID number + mobile phone, both matching
their member record (keyed hashes, the way the hardship and legal-aid status pages check an
applicant), rate-limited per address and per ID number. The same answer for an unknown ID
number and a phone that does not match, so the page does not tell who is a member."""

from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import NotFound, ServiceError, ValidationFailed
from gonghui.core.ratelimit import hit_over_limit
from gonghui.members.idnumber import IdNumberError, id_number_clean, phone_clean
from gonghui.members.models import Member, MemberStatus

IDENTIFY_PER_IP = (20, 3600)  # (attempts allowed, window in seconds)
IDENTIFY_PER_ID = (10, 3600)
TOO_MANY = "查询过于频繁，请一小时后再试。"
NOT_FOUND = "未找到与该身份证号和手机号对应的在册会员，请核对后重试；手机号须与入会时登记的一致。"


class RateLimited(ServiceError):
    code = "rate_limited"
    status = 429


def identify_validate(*, id_number: str, phone: str) -> tuple[str, str]:
    """The cleaned ID number and phone, or every problem with them (writes nothing)."""
    fields: dict[str, list[str]] = {}
    number = ""
    try:
        number = id_number_clean(id_number or "").number
    except IdNumberError as exc:
        fields["id_number"] = [str(exc)]
    try:
        phone = phone_clean(phone or "")
    except ValueError as exc:
        fields["phone"] = [str(exc)]
    else:
        if not phone:
            fields["phone"] = ["请填写手机号码。"]
    if fields:
        raise ValidationFailed("请检查填写的内容。", fields=fields)
    return number, phone


def member_identify(*, id_number: str, phone: str, ip: str | None) -> Member:
    """The active member with this ID number and phone. Raises ValidationFailed, RateLimited
    or NotFound."""
    number, phone = identify_validate(id_number=id_number, phone=phone)
    id_hash = keyed_hash(number)
    over_ip = bool(ip) and hit_over_limit(f"workforce-portal-ip:{ip}", *IDENTIFY_PER_IP)
    over_id = hit_over_limit(f"workforce-portal-id:{id_hash}", *IDENTIFY_PER_ID)
    if over_ip or over_id:
        raise RateLimited(TOO_MANY)
    member = (
        Member.objects.filter(
            id_number_hash=id_hash, phone_hash=keyed_hash(phone), status=MemberStatus.ACTIVE
        )
        .select_related("org")
        .first()
    )
    if member is None:
        raise NotFound(NOT_FOUND)
    return member
