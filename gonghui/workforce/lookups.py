"""Finding the member, employer or team a form names, inside the user's scope.

Staff type a member card number or an ID number (never pick from a list of thousands); an
employer by its credit code or full name. Anything outside the user's view scope of the
workforce module is "not found", like a record that does not exist.
"""

import contextlib

from django.db.models import Q

from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope, scope_queryset
from gonghui.core.text import normalise_text
from gonghui.members.idnumber import IdNumberError, id_number_clean
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Enterprise
from gonghui.workforce.choices import MODULE

MEMBER_NOT_FOUND = "未找到该会员卡号或身份证号对应的在册会员(或不在您的管理范围内)。"
ENTERPRISE_NOT_FOUND = "未找到该统一社会信用代码或名称对应的用人单位(或不在您的管理范围内)。"


def member_find(user, text, *, action: str = Action.VIEW) -> Member:
    """The active member with this card number or ID number in the user's scope."""
    value = normalise_text(text or "").replace(" ", "").upper()
    if not value:
        raise ValidationFailed("请填写会员卡号或身份证号。")
    q = Q(card_number=value)
    if len(value) in (15, 18):
        with contextlib.suppress(IdNumberError):
            q |= Q(id_number_hash=keyed_hash(id_number_clean(value).number))
    found = (
        scope_queryset(Member.objects.filter(q, status=MemberStatus.ACTIVE), user, MODULE, action)
        .select_related("org", "employer")
        .first()
    )
    if found is None:
        raise ValidationFailed(MEMBER_NOT_FOUND)
    return found


def enterprise_find(user, text, *, action: str = Action.VIEW) -> Enterprise:
    value = normalise_text(text or "").strip()
    if not value:
        raise ValidationFailed("请填写用人单位的统一社会信用代码或名称。")
    rows = Enterprise.objects.filter(Q(credit_code=value.upper()) | Q(name=value))
    found = scope_queryset(rows, user, MODULE, action).select_related("org").first()
    if found is None:
        raise ValidationFailed(ENTERPRISE_NOT_FOUND)
    return found


def in_scope(user, org, action: str = Action.VIEW) -> bool:
    return org_in_scope(user, MODULE, action, org)


def org_options(user, action: str = Action.EDIT, *, max_level: int | None = None):
    """(id, indented name) of the orgs in the user's scope for `action` (at most 2,000, in
    tree order), for the org pickers of the workforce forms."""
    from gonghui.core.pages import org_choices
    from gonghui.orgs.models import Org, OrgStatus

    rows = scope_queryset(
        Org.objects.filter(status=OrgStatus.ACTIVE), user, MODULE, action, org_field=""
    )
    if max_level is not None:
        rows = rows.filter(level__lte=max_level)
    return org_choices(rows.order_by("path")[:2000])
