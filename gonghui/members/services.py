"""Writes to the member registry. Each is scope-checked, validated and audited."""

import datetime
import re

from django.db import IntegrityError, transaction
from django.db.models import F
from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope, scope_queryset
from gonghui.core.text import normalise_text
from gonghui.members.idnumber import IdNumberError, id_number_clean, mod_11_2_check, phone_clean
from gonghui.members.models import (
    MEMBER_DEFAULTS,
    CardNumberSequence,
    Education,
    EmploymentForm,
    Ethnicity,
    EventKind,
    Gender,
    HukouType,
    Member,
    MembershipEvent,
    MemberStatus,
    PoliticalStatus,
    SkillLevel,
)
from gonghui.orgs.models import Enterprise, Org

MODULE = "members"
DUPLICATE_ELSEWHERE = "此人已是其他工会的会员，不能重复入会；如需转入，请办理会籍转移。"

# Fields member_update accepts (org moves go through a transfer, never an edit).
MEMBER_EDITABLE_FIELDS = (
    "name",
    "id_number",
    "phone",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "skill_level",
    "hukou_type",
    "hukou_place",
    "political_status",
    "employer",
    "employer_name",
    "is_migrant_worker",
    "employment_form",
    "joined_on",
)
_NON_LETTERS = re.compile(r"[^a-z0-9]")


_PHRASE_MAX = max(len(phrase) for phrase in PHRASES_DICT)
_CHAR_SYLLABLE: dict[str, str] = {}


def name_syllables(name: str) -> list[str]:
    """lazy_pinyin(name), read character by character whenever pypinyin itself would.

    pypinyin reads a name character by character unless a phrase of its dictionary occurs
    in it (then the phrase's reading wins, e.g. 长江 → chang jiang). For a name with no such
    phrase, made only of characters it knows, the per-character memo gives the same
    syllables ~10× cheaper, which bulk imports pay per distinct name; anything else goes to
    lazy_pinyin (tests/test_pinyin checks both agree).
    """
    length = len(name)
    for start in range(length - 1):
        for end in range(start + 2, min(length, start + _PHRASE_MAX) + 1):
            if name[start:end] in PHRASES_DICT:
                return lazy_pinyin(name)
    syllables = []
    for char in name:
        syllable = _CHAR_SYLLABLE.get(char)
        if syllable is None:
            if ord(char) not in PINYIN_DICT:
                return lazy_pinyin(name)
            syllable = _CHAR_SYLLABLE[char] = lazy_pinyin(char)[0]
        syllables.append(syllable)
    return syllables


def name_pinyin(name: str) -> tuple[str, str]:
    """("zhangsan", "zs") for 张三: lowercase ascii for prefix search; other characters dropped.

    One pypinyin call (it costs ~50 µs, which bulk imports pay per distinct name): the
    initials are the first letters of the syllables of Chinese characters, while runs of
    other characters (which pypinyin passes through verbatim) are kept whole, as
    Style.FIRST_LETTER would give them.
    """
    items = name_syllables(name)
    initials, position = [], 0
    for item in items:
        if name.startswith(item, position):  # passed through verbatim: not a Chinese character
            initials.append(item)
            position += len(item)
        else:
            initials.append(item[:1])
            position += 1
    full = _NON_LETTERS.sub("", "".join(items).lower())
    return full[:120], _NON_LETTERS.sub("", "".join(initials).lower())[:30]


def name_grams(name: str) -> str:
    """The name's distinct characters and adjacent pairs, space-separated ("张 三 丰 张三 三丰").

    PostgreSQL indexes them (GIN over string_to_array) so that "name contains" search by a
    Chinese name or part of one finds members without scanning the table: a B-tree cannot
    serve LIKE '%…%', and trigrams need three characters where most Chinese queries have two.
    Whitespace never enters a gram (queries have their spaces removed).
    """
    if len(parts := name.split()) == 1 and parts[0] == name:  # no whitespace: the usual name
        return " ".join(dict.fromkeys([*name, *(name[i : i + 2] for i in range(len(name) - 1))]))
    singles = [c for c in name if not c.isspace()]
    pairs = [
        name[i : i + 2]
        for i in range(len(name) - 1)
        if not (name[i].isspace() or name[i + 1].isspace())
    ]
    return " ".join(dict.fromkeys(singles + pairs))


def name_query_grams(query: str) -> list[str]:
    """The grams a name containing `query` (no spaces) must have: itself up to two characters,
    else its pairs (necessary, not sufficient: the caller re-checks with LIKE)."""
    if len(query) <= 2:
        return [query]
    return list(dict.fromkeys(query[i : i + 2] for i in range(len(query) - 1)))


def name_search_fields(name: str) -> dict[str, str]:
    """The derived columns the member searches use, for every write of a name."""
    pinyin, initials = name_pinyin(name)
    return {"name_pinyin": pinyin, "name_initials": initials, "name_grams": name_grams(name)}


def card_prefix_for(org: Org) -> str:
    """The division code of the nearest org up the tree that has one (6 digits), or 000000."""
    ids = [*org.ancestor_ids(), org.pk]
    codes = dict(Org.objects.filter(pk__in=ids).values_list("pk", "division_code"))
    for pk in reversed(ids):
        code = codes.get(pk) or ""
        if len(code) >= 6 and code[:6].isdigit():
            return code[:6]
    return "000000"


def card_number_format(prefix: str, sequence: int) -> str:
    body = f"{prefix}{sequence:08d}"
    return body + mod_11_2_check(body)


def card_numbers_issue(prefix: str, count: int = 1) -> list[str]:
    """Reserve `count` consecutive card numbers under prefix (row-locked counter)."""
    CardNumberSequence.objects.get_or_create(prefix=prefix)
    sequence = CardNumberSequence.objects.select_for_update().get(prefix=prefix)
    first = sequence.last + 1
    CardNumberSequence.objects.filter(prefix=prefix).update(last=F("last") + count)
    if first + count - 1 > 99_999_999:
        raise Conflict("该县的会员卡号已用尽，请联系系统管理员。")
    return [card_number_format(prefix, n) for n in range(first, first + count)]


def _require(actor, org, action: str = Action.EDIT) -> None:
    """Out of scope answers as if the record did not exist (404), never 403."""
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def _duplicate_message(actor, existing: Member) -> str:
    """Name the existing membership only to someone who may see it."""
    if actor is None or org_in_scope(actor, MODULE, Action.VIEW, existing.org):
        return (
            f"该身份证号已是在册会员：{existing.name}，{existing.org.name}，"
            f"会员卡号 {existing.card_number}。"
        )
    return DUPLICATE_ELSEWHERE


def _clean(actor, data: dict, instance: Member | None) -> dict:
    """Validate and normalise a full set of member fields; raise ValidationFailed on errors."""
    fields: dict[str, list[str]] = {}
    data = dict(data)
    data["name"] = normalise_text(data.get("name"))
    if not data["name"]:
        fields["name"] = ["请填写姓名。"]
    elif len(data["name"]) > 50:
        fields["name"] = ["姓名不能超过 50 个字。"]
    try:
        info = id_number_clean(data.get("id_number"))
    except IdNumberError as exc:
        fields["id_number"] = [str(exc)]
        info = None
    else:
        data["id_number"] = info.number
        data["id_number_hash"] = keyed_hash(info.number)
        data["id_last4"] = info.number[-4:]
        entered_gender, entered_birth = data.get("gender") or "", data.get("birth_date")
        if entered_gender and entered_gender != info.gender:
            fields["gender"] = [
                f"性别与身份证号不符：身份证号显示为{Gender(info.gender).label}性。"
            ]
        if entered_birth and entered_birth != info.birth_date:
            fields["birth_date"] = [
                f"出生日期与身份证号不符：身份证号显示为 {info.birth_date:%Y-%m-%d}。"
            ]
        data["gender"], data["birth_date"] = info.gender, info.birth_date
        clash = Member.objects.filter(
            id_number_hash=data["id_number_hash"], status=MemberStatus.ACTIVE
        ).select_related("org")
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        existing = clash.first()
        if existing is not None:
            fields["id_number"] = [_duplicate_message(actor, existing)]
    try:
        data["phone"] = phone_clean(data.get("phone"))
    except ValueError as exc:
        fields["phone"] = [str(exc)]
    else:
        data["phone_hash"] = keyed_hash(data["phone"]) if data["phone"] else ""
        data["phone_last4"] = data["phone"][-4:]
    # MEMBER_REQUIRED: org (the caller's), name and ID number, checked above. A missing
    # choice takes MEMBER_DEFAULTS' value or stays empty (hukou type: 信息待补全).
    for key, choices, label in (
        ("ethnicity", Ethnicity, "民族"),
        ("education", Education, "学历"),
        ("skill_level", SkillLevel, "技能等级"),
        ("hukou_type", HukouType, "户籍类型"),
        ("political_status", PoliticalStatus, "政治面貌"),
        ("employment_form", EmploymentForm, "就业形态"),
    ):
        value = data.get(key) or MEMBER_DEFAULTS.get(key, "")
        if value and value not in choices.values:
            fields[key] = [f"请选择{label}。"]
        data[key] = value
    data["hukou_place"] = normalise_text(data.get("hukou_place"))[:100]
    data["is_migrant_worker"] = bool(data.get("is_migrant_worker"))
    joined_on = data.get("joined_on")
    if joined_on is None:
        pass  # 信息待补全 (MEMBER_TO_COMPLETE)
    elif not isinstance(joined_on, datetime.date):
        fields["joined_on"] = ["请填写正确的入会日期。"]
    elif joined_on > datetime.date.today():
        fields["joined_on"] = ["入会日期不能晚于今天。"]
    elif info is not None and joined_on < info.birth_date:
        fields["joined_on"] = ["入会日期不能早于出生日期。"]
    employer = data.get("employer")
    unchanged = instance is not None and employer == instance.employer
    if employer is not None and not unchanged:
        visible = actor is None or (
            scope_queryset(Enterprise.objects.all(), actor, "orgs", Action.VIEW)
            .filter(pk=employer.pk)
            .exists()
        )
        if not visible:
            fields["employer"] = ["所选工作单位不存在或不在您的管理范围内。"]
    # A 工作单位 kept as text until linked to a registered employer (MEMBER_TO_COMPLETE).
    data["employer_name"] = (
        "" if employer is not None else normalise_text(data.get("employer_name"))
    )
    if len(data["employer_name"]) > 150:
        fields["employer_name"] = ["工作单位名称不能超过 150 个字。"]
    if fields:
        raise ValidationFailed("请检查填写的内容。", fields=fields)
    data.update(name_search_fields(data["name"]))
    return data


def member_validate(*, actor, member: Member | None = None, **fields) -> None:
    """The field checks of member_register / member_update, without writing: raises
    ValidationFailed with every field's message. A form whose own fields failed calls it
    with the values that parsed, so that one submit shows every problem."""
    if member is not None:
        current = {f: getattr(member, f) for f in MEMBER_EDITABLE_FIELDS}
        fields = {**current, "gender": "", "birth_date": None, **fields}
    _clean(actor, fields, member)


def _event(member: Member, kind: str, actor, note: str = "") -> MembershipEvent:
    by = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return MembershipEvent.objects.create(
        member=member, kind=kind, org_id=member.org_id, by=by, note=note[:300]
    )


@transaction.atomic
def member_register(
    *,
    actor,
    org: Org,
    name: str,
    id_number: str,
    phone: str = "",
    joined_on: datetime.date | None = None,
    gender: str = "",
    birth_date: datetime.date | None = None,
    ethnicity: str = MEMBER_DEFAULTS["ethnicity"],
    education: str = "",
    skill_level: str = MEMBER_DEFAULTS["skill_level"],
    hukou_type: str = "",
    hukou_place: str = "",
    political_status: str = MEMBER_DEFAULTS["political_status"],
    employer: Enterprise | None = None,
    employer_name: str = "",
    is_migrant_worker: bool = MEMBER_DEFAULTS["is_migrant_worker"],
    employment_form: str = MEMBER_DEFAULTS["employment_form"],
) -> Member:
    """Register a member in org and issue the card. Refuses an ID already active anywhere.

    Only org, name and ID number are required (members.models.MEMBER_REQUIRED); a missing
    hukou type or joined date, or an employer known only by name (`employer_name`), leave
    the member 信息待补全 (Member.to_complete)."""
    _require(actor, org)
    if not org.is_active:
        raise ValidationFailed("所选工会组织已撤销。", fields={"org": ["所选工会组织已撤销。"]})
    data = _clean(
        actor,
        dict(
            name=name,
            id_number=id_number,
            phone=phone,
            joined_on=joined_on,
            gender=gender,
            birth_date=birth_date,
            ethnicity=ethnicity,
            education=education,
            skill_level=skill_level,
            hukou_type=hukou_type,
            hukou_place=hukou_place,
            political_status=political_status,
            employer=employer,
            employer_name=employer_name,
            is_migrant_worker=is_migrant_worker,
            employment_form=employment_form,
        ),
        None,
    )
    (card_number,) = card_numbers_issue(card_prefix_for(org))
    try:
        with transaction.atomic():
            member = Member.objects.create(org=org, card_number=card_number, **data)
    except IntegrityError as exc:  # a concurrent registration of the same person won
        raise ValidationFailed(
            DUPLICATE_ELSEWHERE, fields={"id_number": [DUPLICATE_ELSEWHERE]}
        ) from exc
    _event(member, EventKind.JOINED, actor, f"入会，发放会员卡号 {card_number}")
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        org=org,
        obj=member,
        detail={"card_number": card_number},
    )
    return member


def _locked(member: Member) -> Member:
    return (
        Member.objects.select_for_update(of=("self",))
        .select_related("org", "employer")
        .get(pk=member.pk)
    )


@transaction.atomic
def member_update(*, actor, member: Member, version: int | None = None, **changes) -> Member:
    """Edit a member's record. Birth date and gender are re-derived from the ID number."""
    member = _locked(member)
    _require(actor, member.org)
    if not member.is_active:
        raise ValidationFailed("已退会的会员不能修改信息。")
    if version is not None and version != member.version:
        raise Conflict("该会员信息已被他人修改，请刷新后重试。", code="stale_version")
    unknown = set(changes) - set(MEMBER_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    current = {f: getattr(member, f) for f in MEMBER_EDITABLE_FIELDS}
    # Gender and birth date follow the ID number; only values entered now are checked.
    merged = {**current, "gender": "", "birth_date": None, **changes}
    cleaned = _clean(actor, merged, member)
    changed = [f for f in MEMBER_EDITABLE_FIELDS if cleaned[f] != current[f]]
    if not changed:
        return member
    for key, value in cleaned.items():
        setattr(member, key, value)
    member.version = F("version") + 1
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise ValidationFailed(
            DUPLICATE_ELSEWHERE, fields={"id_number": [DUPLICATE_ELSEWHERE]}
        ) from exc
    member.refresh_from_db()
    labels = "、".join(str(Member._meta.get_field(f).verbose_name) for f in changed)
    _event(member, EventKind.UPDATED, actor, f"修改：{labels}")
    # Field names only: the audit log must not hold the personal data itself.
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=member.org,
        obj=member,
        detail={"changed": changed},
    )
    return member


@transaction.atomic
def member_deactivate(
    *, actor, member: Member, reason: str, on: datetime.date | None = None
) -> Member:
    """退会: the record and its history stay; the ID number may join again later."""
    member = _locked(member)
    _require(actor, member.org)
    reason = normalise_text(reason)
    if not reason:
        raise ValidationFailed("请填写退会原因。", fields={"reason": ["请填写退会原因。"]})
    if not member.is_active:
        raise ValidationFailed("该会员已退会。")
    member.status = MemberStatus.DEACTIVATED
    member.deactivated_on = on or datetime.date.today()
    member.deactivation_reason = reason[:200]
    member.version = F("version") + 1
    member.save()
    member.refresh_from_db()
    _event(member, EventKind.DEACTIVATED, actor, f"退会：{reason}")
    audit_record(
        action=AuditAction.DEACTIVATED,
        user=actor,
        org=member.org,
        obj=member,
        detail={"reason": reason},
    )
    return member
