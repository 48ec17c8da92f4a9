"""Reads of the member registry, always through the user's scope."""

import re

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from gonghui.core.crypto import keyed_hash
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.core.text import normalise_text
from gonghui.members.idnumber import IdNumberError, id_number_clean
from gonghui.members.models import (
    NEW_EMPLOYMENT_FORMS,
    Member,
    MembershipEvent,
    member_incomplete_q,
)
from gonghui.members.services import name_query_grams
from gonghui.orgs.models import Org

MODULE = "members"
_LETTERS = re.compile(r"^[a-z]+$")
_LAST4 = re.compile(r"^\d{3}[\dXx]$")
_CARD = re.compile(r"^\d{5,14}[\dX]?$")


def member_scoped(user, action: str = Action.VIEW) -> QuerySet[Member]:
    return scope_queryset(Member.objects.all(), user, MODULE, action)


def member_get(user, pk, action: str = Action.VIEW) -> Member:
    return get_in_scope_or_404(
        Member.objects.select_related("org", "employer"), user, MODULE, action, pk=pk
    )


def member_events(user, member: Member) -> QuerySet[MembershipEvent]:
    """The history of a member the user may see (the caller fetched it with member_get)."""
    return member.events.select_related("org", "by").order_by("-at", "-id")


def member_search_q(q: str) -> Q | None:
    """What a search box string matches; None for an empty string.

    4 digits (or 3 and an X) → last 4 of the ID number or phone; lowercase ascii letters → pinyin or
    initials prefix; a full ID number or mobile → exact keyed-hash match; other digits
    → member card number prefix; anything else → name contains.
    """
    q = normalise_text(q).replace(" ", "")
    if not q:
        return None
    if _LAST4.match(q):  # an ID number may end in X
        return Q(id_last4=q.upper()) | Q(phone_last4=q)
    lowered = q.lower()
    if _LETTERS.match(lowered):
        return Q(name_pinyin__startswith=lowered) | Q(name_initials__startswith=lowered)
    upper = q.upper()
    if len(upper) in (15, 18) and upper[:-1].isdigit():
        try:
            number = id_number_clean(upper).number
        except IdNumberError:
            pass
        else:
            return Q(id_number_hash=keyed_hash(number)) | Q(card_number=upper)
    if len(q) == 11 and q.isdigit() and q.startswith("1"):
        return Q(phone_hash=keyed_hash(q)) | Q(card_number__startswith=q)
    if _CARD.match(upper):
        return Q(card_number__startswith=upper)
    return _name_contains(q)


def _name_contains(q: str) -> Q:
    """name LIKE '%q%'; on PostgreSQL first narrowed through the GIN index on name_grams
    (exact for one or two characters, a pre-filter re-checked with LIKE for longer queries)."""
    if connection.vendor != "postgresql":
        return Q(name__contains=q)
    grams = RawSQL(
        "string_to_array(members_member.name_grams, ' ') @> %s::text[]",
        (name_query_grams(q),),
        output_field=BooleanField(),
    )
    return Q(grams) if len(q) <= 2 else Q(grams) & Q(name__contains=q)


def member_list(
    user,
    *,
    q: str = "",
    org: Org | None = None,
    employment_form: str = "",
    new_form_only: bool | str = False,
    migrant: str = "",
    joined_year: int | str = "",
    status: str = "",
    incomplete: str = "",
    action: str = Action.VIEW,
) -> QuerySet[Member]:
    """The members the user may see, filtered; newest first. `incomplete` "1": only
    信息待补全 (models.member_incomplete_q), "0": only complete records."""
    members = member_scoped(user, action).select_related("org")
    if org is not None:
        if org.anchor_id == org.pk:
            members = members.filter(org_anchor=org.pk)
        else:
            members = members.filter(
                org__in=Org.objects.filter(path__startswith=org.path).values("id")
            )
    search = member_search_q(q)
    if search is not None:
        members = members.filter(search)
    if employment_form:
        members = members.filter(employment_form=employment_form)
    if new_form_only in (True, "1", "on", "true"):
        members = members.filter(employment_form__in=NEW_EMPLOYMENT_FORMS)
    if migrant in {"1", "0"}:
        members = members.filter(is_migrant_worker=migrant == "1")
    if joined_year and str(joined_year).isdigit():
        year = int(joined_year)
        members = members.filter(joined_on__gte=f"{year}-01-01", joined_on__lt=f"{year + 1}-01-01")
    if status:
        members = members.filter(status=status)
    if incomplete == "1":
        members = members.filter(member_incomplete_q())
    elif incomplete == "0":
        members = members.exclude(member_incomplete_q())
    return members.order_by("-id")
