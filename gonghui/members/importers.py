"""Import kind "members" (会员): the real-name member list as unions keep it in spreadsheets.

Upserts by ID number (the canonical 18-digit form, so a 15-digit legacy number, a lowercase x
or full-width digits find the same person):

- a person who is not an active member anywhere is created, with a member card number
  reserved in blocks from CardNumberSequence and a JOINED MembershipEvent;
- an active member of a union inside the import's target subtree is updated, field by field,
  only where the file differs (blank cells keep what is stored), with an UPDATED event; a
  file imported twice therefore changes nothing. When the user chooses "skip existing
  records" at commit, such rows are left as stored (SKIPPED);
- an active member of a union outside the target subtree is reported on the row and left
  where they are (imports never move members: that is a transfer); the other union is named
  only to a user whose scope covers it;
- a person whose latest membership in the target subtree was ended (退会) is reported, not
  re-enrolled: an old list imported again must not undo a deactivation. (A former member of
  a union outside the subtree joins anew.)

What a member must have follows members.models (MEMBER_REQUIRED: name and ID number; the
union defaults to the import's): a roster without 户籍类型 or 入会时间 imports, and those
members are 信息待补全 (Member.to_complete). 工作单位 is matched to registered employers by
credit code, exact name, then the name's key (orgs.selectors.EnterpriseMatcher); a name
that matches none is, as the user chooses at commit (option "new_employers"), kept as text
on the member to be linked later (信息待补全), or created as an unverified employer (待核实)
under the import's org. No row is refused because of its employer.

Writes are bulk (new members and their events with the pipeline's bulk_insert: COPY on
PostgreSQL, bulk_create elsewhere; bulk_update for changes; per commit batch, inside the
pipeline's batch transaction; the rows are built, keyed and encrypted by _prepare, on the
reading thread when writes overlap, and only written by _commit); validation does one query
per batch for the ID hashes and caches orgs, employers and pinyin across batches. The
pipeline records one IMPORTED audit event per job.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from gonghui.core.crypto import keyed_hash, keyed_hashes
from gonghui.core.imports import parsers
from gonghui.core.imports.pipeline import PreparedInsert, bulk_insert, bulk_insert_prepare
from gonghui.core.imports.registry import ImportKind, ImportOption, register
from gonghui.core.imports.spec import (
    CREATED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    Column,
    ImportContext,
    ImportSpec,
    Row,
)
from gonghui.core.lookups import text_array_literal
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope, scope_queryset
from gonghui.members.import_cells import HUKOU_ALIASES, id_number_cell, phone_cell
from gonghui.members.models import (
    MEMBER_DEFAULTS,
    MEMBER_REQUIRED,
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
from gonghui.members.services import (
    DUPLICATE_ELSEWHERE,
    card_numbers_issue,
    card_prefix_for,
    name_search_fields,
)
from gonghui.orgs.models import Enterprise, Org
from gonghui.orgs.selectors import EnterpriseMatcher
from gonghui.orgs.services import enterprises_create_unverified
from gonghui.orgs.validators import enterprise_name_key

MODULE = "members"

# --- cell parsers -------------------------------------------------------------------------


def _labels_without_suffix(choices, suffix: str) -> dict[str, str]:
    return {label[: -len(suffix)]: value for value, label in choices if label.endswith(suffix)}


_GENDER_ALIASES = {"男性": Gender.MALE, "女性": Gender.FEMALE, "m": "male", "f": "female"}
_ETHNICITY_ALIASES = {
    **_labels_without_suffix(Ethnicity.choices, "族"),
    "汉": Ethnicity.HAN,
    "朝鲜": Ethnicity.KOREAN,
}
_EDUCATION_ALIASES = {
    "博士": Education.DOCTOR,
    "研究生": Education.MASTER,
    "硕士": Education.MASTER,
    "本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "大专": Education.COLLEGE,
    "专科": Education.COLLEGE,
    "高职": Education.COLLEGE,
    "中专": Education.SECONDARY,
    "中技": Education.SECONDARY,
    "技校": Education.SECONDARY,
    "职高": Education.SECONDARY,
    "中职": Education.SECONDARY,
    "高中": Education.HIGH,
    "初中": Education.JUNIOR,
    "初中及以下": Education.JUNIOR,
    "小学": Education.PRIMARY,
    "小学以下": Education.PRIMARY,
    "文盲": Education.PRIMARY,
}
_SKILL_ALIASES = {
    "初级工": SkillLevel.LEVEL5,
    "五级": SkillLevel.LEVEL5,
    "初级": SkillLevel.LEVEL5,
    "中级工": SkillLevel.LEVEL4,
    "四级": SkillLevel.LEVEL4,
    "中级": SkillLevel.LEVEL4,
    "高级工": SkillLevel.LEVEL3,
    "三级": SkillLevel.LEVEL3,
    "高级": SkillLevel.LEVEL3,
    "技师": SkillLevel.LEVEL2,
    "二级": SkillLevel.LEVEL2,
    "高级技师": SkillLevel.LEVEL1,
    "一级": SkillLevel.LEVEL1,
    "特级技师": SkillLevel.PRINCIPAL,
    "首席技师": SkillLevel.PRINCIPAL,
    "无等级": SkillLevel.NONE,
    "没有": SkillLevel.NONE,
}
_POLITICAL_ALIASES = {
    "党员": PoliticalStatus.CPC,
    "中国共产党党员": PoliticalStatus.CPC,
    "共产党员": PoliticalStatus.CPC,
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "团员": PoliticalStatus.CYL,
    "中国共产主义青年团团员": PoliticalStatus.CYL,
    "无党派": PoliticalStatus.INDEPENDENT,
    **{
        name: PoliticalStatus.DEMOCRATIC
        for name in ("民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟")
    },
}
_EMPLOYMENT_ALIASES = {
    "单位职工": EmploymentForm.STANDARD,
    "标准劳动关系": EmploymentForm.STANDARD,
    "职工": EmploymentForm.STANDARD,
    "在职职工": EmploymentForm.STANDARD,
    "正式职工": EmploymentForm.STANDARD,
    "合同制职工": EmploymentForm.STANDARD,
    "灵活就业人员": EmploymentForm.FLEXIBLE,
    "货车司机(卡车司机)": EmploymentForm.TRUCK_DRIVER,
    "卡车司机": EmploymentForm.TRUCK_DRIVER,
    "快递小哥": EmploymentForm.COURIER,
    "快递": EmploymentForm.COURIER,
    "快递员(快递小哥)": EmploymentForm.COURIER,
    "护工": EmploymentForm.CAREGIVER,
    "护理员": EmploymentForm.CAREGIVER,
    "家政": EmploymentForm.DOMESTIC,
    "家政服务人员": EmploymentForm.DOMESTIC,
    "网约配送员": EmploymentForm.FOOD_DELIVERY,
    "外卖员": EmploymentForm.FOOD_DELIVERY,
    "外卖骑手": EmploymentForm.FOOD_DELIVERY,
    "外卖送餐员": EmploymentForm.FOOD_DELIVERY,
    "房产中介": EmploymentForm.REALTY_AGENT,
    "房地产经纪人": EmploymentForm.REALTY_AGENT,
    "保安": EmploymentForm.SECURITY_GUARD,
    "网约车驾驶员": EmploymentForm.RIDE_HAILING,
    "网约车": EmploymentForm.RIDE_HAILING,
}


COLUMNS = (
    Column(
        "name",
        "姓名",
        ("会员姓名", "职工姓名", "名字"),
        required="name" in MEMBER_REQUIRED,
        parse=parsers.text(max_length=50),
        example="张三",
    ),
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "证件号码", "身份证", "公民身份证号码", "身份证件号码"),
        required="id_number" in MEMBER_REQUIRED,
        parse=id_number_cell,
        mask=mask_id_number,
        help="18 位(15 位旧号自动升级)；重复导入时按身份证号更新。",
        example="110105194912310021",
    ),
    Column(
        "phone",
        "手机号",
        ("手机号码", "联系电话", "手机", "联系方式", "电话"),
        parse=phone_cell,
        mask=mask_phone,
        example="13800001234",
    ),
    Column(
        "gender",
        "性别",
        parse=parsers.choice(Gender.choices, aliases=_GENDER_ALIASES),
        help="可不填：按身份证号确定；填写时须与身份证号一致。",
        example="男",
    ),
    Column(
        "ethnicity",
        "民族",
        parse=parsers.choice(Ethnicity.choices, aliases=_ETHNICITY_ALIASES),
        help="不填时为汉族。",
        example="汉族",
    ),
    Column(
        "education",
        "学历",
        ("文化程度", "最高学历"),
        parse=parsers.choice(Education.choices, aliases=_EDUCATION_ALIASES),
        help="可填：" + "、".join(Education.labels) + "。",
        example="大学本科",
    ),
    Column(
        "skill_level",
        "技能等级",
        ("职业技能等级", "技术等级"),
        parse=parsers.choice(SkillLevel.choices, aliases=_SKILL_ALIASES),
        help="可填：" + "、".join(SkillLevel.labels) + "。不填时为无。",
        example="中级工(四级)",
    ),
    Column(
        "hukou_type",
        "户籍类型",
        ("户口性质", "户口类型", "户籍性质"),
        parse=parsers.choice(HukouType.choices, aliases=HUKOU_ALIASES),
        help="城镇 / 农业。不填时会员标记为“信息待补全”。",
        example="农业",
    ),
    Column(
        "hukou_place",
        "户籍所在地",
        ("户籍地", "户口所在地", "籍贯"),
        parse=parsers.text(max_length=100),
        example="河南省周口市",
    ),
    Column(
        "political_status",
        "政治面貌",
        parse=parsers.choice(PoliticalStatus.choices, aliases=_POLITICAL_ALIASES),
        help="不填时为群众。",
        example="群众",
    ),
    Column(
        "employer",
        "工作单位",
        ("单位名称", "工作单位名称", "用人单位", "所在单位"),
        help=(
            "用人单位名称(全称、常用写法均可)或统一社会信用代码。未登记的单位，确认导入时可选择"
            "新建为待核实的用人单位，或保留名称以后关联。"
        ),
        example="某某科技有限公司",
        max_length=150,
    ),
    Column(
        "is_migrant_worker",
        "是否农民工",
        ("农民工",),
        parse=parsers.boolean(),
        help="是 / 否。",
        example="否",
    ),
    Column(
        "employment_form",
        "就业形态",
        ("就业类型", "用工形式", "职业类别"),
        parse=parsers.choice(EmploymentForm.choices, aliases=_EMPLOYMENT_ALIASES),
        help="可填：" + "、".join(EmploymentForm.labels) + "。不填时为单位职工。",
        example="快递员",
    ),
    Column(
        "joined_on",
        "入会时间",
        ("入会日期", "加入工会时间"),
        parse=parsers.date_value(),
        help="如 2021-03-05、2021.3.5、2021/03/05、2021年3月5日。不填时会员标记为“信息待补全”。",
        example="2021-03-05",
    ),
    Column(
        "org_name",
        "所属工会",
        ("所属工会名称", "工会名称", "基层工会"),
        help="会员所在的工会组织(须在导入范围内且不重名)；不填时为导入时选择的组织。",
        max_length=100,
    ),
    Column(
        "org_code",
        "工会编码",
        ("所属工会编码", "组织编码"),
        parse=parsers.org_code,
        help="填写时优先于所属工会名称。",
    ),
)

# Fields compared and written for an existing member (org changes are transfers).
UPDATE_FIELDS = (
    "name",
    "ethnicity",
    "education",
    "skill_level",
    "hukou_type",
    "hukou_place",
    "political_status",
    "is_migrant_worker",
    "employment_form",
    "joined_on",
)
_LOADED = (
    "id",
    "org_id",
    "id_number_hash",
    "phone_hash",
    "employer_id",
    "employer_name",
    "version",
    *UPDATE_FIELDS,
)

# --- validation ----------------------------------------------------------------------------


def _state(ctx: ImportContext) -> dict:
    state = ctx.state.get("members")
    if state is None:
        state = ctx.state["members"] = {
            "today": timezone.localdate(),
            "orgs": {},  # pk → Org (targets and the orgs of existing members)
            "org_by_code": {},  # code → Org | error message
            "org_by_name": {},  # name → Org | error message
            "employers": EnterpriseMatcher(_employers_in_view(ctx)),
            "visible": {},  # org pk → the actor may view members there
            # What the pass saw, for the preview (findings): employer texts by outcome and
            # the new members' missing fields, counted per row.
            "unmatched": Counter(),  # text → rows (no registered employer)
            "ambiguous": Counter(),  # text → rows (several)
            "normalised": Counter(),  # text → rows (found through the name's key)
            "created": Counter(),  # text → rows (employer created, unverified)
            "missing": Counter(),  # label → new members lacking it
            "incomplete": 0,  # new members with anything missing
        }
    return state


def _employers_in_view(ctx: ImportContext):
    queryset = Enterprise.objects.all()
    if ctx.actor is not None:
        queryset = scope_queryset(queryset, ctx.actor, "orgs", Action.VIEW)
    return queryset


def _load_orgs(state: dict, pks) -> None:
    missing = {pk for pk in pks if pk not in state["orgs"]}
    if missing:
        for org in Org.objects.filter(pk__in=missing):
            state["orgs"][org.pk] = org


def _resolve_orgs(ctx: ImportContext, state: dict, rows: list[Row]) -> None:
    by_code, by_name = state["org_by_code"], state["org_by_name"]
    codes = {r.values["org_code"] for r in rows if "org_code" in r.values} - by_code.keys()
    names = {
        r.values["org_name"] for r in rows if "org_name" in r.values and "org_code" not in r.values
    } - by_name.keys()
    if codes:
        found = {o.code: o for o in Org.objects.filter(code__in=codes)}
        for code in codes:
            org = found.get(code)
            if org is None or not ctx.org_allowed(org):
                by_code[code] = f"工会编码“{code}”不存在或不在导入范围内。"
            else:
                by_code[code] = org
    if names:
        found_by_name: dict[str, list[Org]] = {}
        for org in Org.objects.filter(name__in=names, path__startswith=ctx.org.path):
            found_by_name.setdefault(org.name, []).append(org)
        for name in names:
            matches = found_by_name.get(name, [])
            if len(matches) == 1:
                by_name[name] = matches[0]
            elif matches:
                by_name[name] = f"所属工会“{name}”对应多个组织，请改填工会编码。"
            else:
                by_name[name] = f"所属工会“{name}”不存在或不在导入范围内。"


NEW_EMPLOYERS = "new_employers"  # the kind's option: "text" or "create"


def _may_create_employers(actor, org) -> set[str]:
    """Unverified employers are registered under the import's org: only by those who may
    edit employers there."""
    if actor is None or org_in_scope(actor, "orgs", Action.EDIT, org):
        return {"text", "create"}
    return {"text"}


def _create_employers(ctx: ImportContext, state: dict, rows: list[Row]) -> None:
    """The commit pass, option "create": one unverified employer per name key among the
    rows' unmatched employer texts, under the import's org; the rows then name it."""
    texts = [row.data["employer_text"] for row in rows if row.data.get("employer_new")]
    if not texts:
        return
    by_key: dict[str, list[str]] = {}
    for text in dict.fromkeys(texts):
        by_key.setdefault(enterprise_name_key(text), []).append(text)
    created = enterprises_create_unverified(
        actor=ctx.actor,
        org=ctx.org,
        names=[group[0] for group in by_key.values()],
        source={"source": "member_import", "import_job": getattr(ctx.job, "pk", None)},
    )
    matcher: EnterpriseMatcher = state["employers"]
    for enterprise, group in zip(created, by_key.values(), strict=True):
        matcher.add(enterprise.pk, enterprise.name, group)
    for row in rows:
        if not row.data.pop("employer_new", False):
            continue
        text = row.data.pop("employer_text")
        employer_id = matcher.known[text][0]
        state["created"][text] += 1
        member = row.data.get("member")
        if member is None:
            row.data["employer_id"] = employer_id
            row.data["employer_name"] = ""
            continue
        changes = row.data["changes"]
        changes.pop("employer_name", None)
        changes["employer_id"] = employer_id
        if member.employer_name:
            changes["employer_name"] = ""


def _elsewhere_message(ctx: ImportContext, state: dict, org: Org | None) -> str:
    """Name the other union only to a user who may see members there."""
    if org is None:
        return DUPLICATE_ELSEWHERE
    visible = state["visible"].get(org.pk)
    if visible is None:
        visible = ctx.actor is None or org_in_scope(ctx.actor, MODULE, Action.VIEW, org)
        state["visible"][org.pk] = visible
    if visible:
        return f"此人已是“{org.name}”的在册会员，本次未导入；如需转入，请办理会籍转移。"
    return DUPLICATE_ELSEWHERE


def _validate(ctx: ImportContext, rows: list[Row]) -> None:
    state = _state(ctx)
    today = state["today"]
    numbers = [str.__str__(row.values["id_number"]) for row in rows]
    for row, number, digest in zip(rows, numbers, keyed_hashes(numbers), strict=True):
        row.data["id"] = number
        row.data["hash"] = digest
    existing: dict[str, Member] = {}
    former: dict[str, Member] = {}  # the latest deactivated record, when none is active
    for m in Member.objects.filter(id_number_hash__any_of=[r.data["hash"] for r in rows]).only(
        *_LOADED, "status", "deactivated_on"
    ):
        if m.status == MemberStatus.ACTIVE:
            existing[m.id_number_hash] = m
        elif m.pk > getattr(former.get(m.id_number_hash), "pk", 0):
            former[m.id_number_hash] = m
    _load_orgs(state, {m.org_id for m in [*existing.values(), *former.values()]} | {ctx.org.pk})
    _resolve_orgs(ctx, state, rows)
    matcher: EnterpriseMatcher = state["employers"]
    employers = matcher.match({row.values["employer"] for row in rows if "employer" in row.values})
    create = ctx.committing and ctx.options.get(NEW_EMPLOYERS) == "create"
    if create and "create" not in _may_create_employers(ctx.actor, ctx.org):
        create = False  # the right to register employers has gone since the choice
    orgs = state["orgs"]
    by_key = matcher.by_key
    for row in rows:
        values, number = row.values, row.data["id"]
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        gender = "male" if int(number[16]) % 2 == 1 else "female"
        if "gender" in values and values["gender"] != gender:
            row.error(f"性别与身份证号不符：身份证号显示为{Gender(gender).label}性。")
        joined_on = values.get("joined_on")
        if joined_on is not None:
            if joined_on > today:
                row.error("入会时间不能晚于今天。")
            elif joined_on < birth:
                row.error("入会时间不能早于出生日期。")
        org = None
        if "org_code" in values:
            org = state["org_by_code"][values["org_code"]]
        elif "org_name" in values:
            org = state["org_by_name"][values["org_name"]]
        if isinstance(org, str):
            row.error(org)
            org = None
        # The employer: found (one), or its text kept (none, or several that could be it).
        employer_id, employer_text = None, ""
        if "employer" in values:
            employer_text = values["employer"]
            found = employers[employer_text]
            if len(found) == 1:
                employer_id, employer_text = found[0], ""
        member = existing.get(row.data["hash"])
        if member is not None:
            current = orgs.get(member.org_id)
            if current is None or not ctx.org_allowed(current):
                row.errors[:] = [_elsewhere_message(ctx, state, current)]
                continue
            if org is not None and org.pk != member.org_id:
                row.error(
                    f"此人已是“{current.name}”的在册会员，导入不会转移会籍；"
                    "如需转到其他工会，请办理会籍转移。"
                )
            if row.errors:
                continue
            row.existing = True
            row.data["member"] = member
            row.data["changes"] = _changes(state, member, values, employer_id, employer_text)
            # A member linked to an employer keeps it when the file's name matches none.
            if member.employer_id is None and "employer" in values:
                create_here = create and not ctx.skip_existing
                _note_employer(state, row, matcher, employers, employer_text, create_here)
            continue
        left = former.get(row.data["hash"])
        if left is not None and ctx.org_allowed(orgs.get(left.org_id)):
            # Re-importing an old list must not quietly re-enrol someone who left.
            row.error(
                f"此人已于 {left.deactivated_on or '此前'} 从“{orgs[left.org_id].name}”退会，"
                "导入不会恢复会籍；如需重新入会，请在会员管理中办理。"
            )
            continue
        org = org or orgs[ctx.org.pk]
        if not org.is_active:
            row.error(f"工会组织“{org.name}”已撤销，不能导入会员。")
        if row.errors:
            continue
        row.data.update(
            org=org,
            employer_id=employer_id,
            employer_name=employer_text,
            birth=birth,
            gender=gender,
        )
        # (The usual row, complete and naming a registered employer exactly, only pays for
        # these tests: a full roster is imported at ~20,000 rows a second.)
        if employer_text or (employer_id is not None and values["employer"] in by_key):
            _note_employer(state, row, matcher, employers, employer_text, create)
        if employer_text or joined_on is None or "hukou_type" not in values:
            _note_incomplete(state, row, joined_on)
    if create:
        _create_employers(ctx, state, [row for row in rows if not row.errors])


def _note_incomplete(state, row: Row, joined_on) -> None:
    """Count a new member that will be 信息待补全 (MEMBER_TO_COMPLETE) for the findings."""
    missing = []
    if "hukou_type" not in row.values:
        missing.append("户籍类型")
    if joined_on is None:
        missing.append("入会日期")
    if missing or (row.data["employer_name"] and not row.data.get("employer_new")):
        state["incomplete"] += 1
        state["missing"].update(missing)


def _note_employer(state, row: Row, matcher, employers, text: str, create: bool) -> None:
    """Count the row's employer outcome for the findings; mark a text to create."""
    if not text:
        if row.values["employer"] in matcher.by_key:
            state["normalised"][row.values["employer"]] += 1
    elif employers[text]:
        state["ambiguous"][text] += 1
    elif create:
        row.data["employer_new"], row.data["employer_text"] = True, text
    else:
        state["unmatched"][text] += 1


FINDINGS_LISTED = 200  # employer names listed on the preview per outcome


def _findings(ctx: ImportContext) -> dict:
    """What the pass saw: employer names by outcome (most rows first) and what the new
    members lack; see templates/members/import_findings.html."""
    state = _state(ctx)
    matcher: EnterpriseMatcher = state["employers"]

    def listed(counter: Counter, with_name: bool = False) -> dict:
        items = counter.most_common(FINDINGS_LISTED)
        if with_name:
            names = [matcher.names.get((matcher.known.get(t) or [0])[0], "") for t, _ in items]
            items = [[t, n, name] for (t, n), name in zip(items, names, strict=True)]
        return {
            "names": [list(item) for item in items],
            "total": len(counter),
            "rows": sum(counter.values()),
        }

    return {
        "employers": {
            "unmatched": listed(state["unmatched"]),
            "ambiguous": listed(state["ambiguous"]),
            "normalised": listed(state["normalised"], with_name=True),
            "created": listed(state["created"]),
        },
        "incomplete": {"rows": state["incomplete"], "fields": dict(state["missing"])},
        "committing": ctx.committing,
    }


def _changes(
    state: dict, member: Member, values: dict, employer_id: int | None, employer_text: str
) -> dict:
    changes = {
        field: values[field]
        for field in UPDATE_FIELDS
        if field in values and getattr(member, field) != values[field]
    }
    if "name" in changes:  # keep the pinyin, initials and grams searches in step
        changes.update(_search_fields(state, changes["name"]))
    if "phone" in values:
        phone_hash = keyed_hash(values["phone"])
        if phone_hash != member.phone_hash:
            changes.update(phone=values["phone"], phone_hash=phone_hash)
            changes["phone_last4"] = values["phone"][-4:]
    if employer_id is not None:
        if employer_id != member.employer_id:
            changes["employer_id"] = employer_id
        if member.employer_name:  # linked now
            changes["employer_name"] = ""
    elif employer_text and member.employer_id is None and employer_text != member.employer_name:
        changes["employer_name"] = employer_text
    return changes


# --- commit -------------------------------------------------------------------------------


def _search_fields(state: dict, name: str) -> dict[str, str]:
    """name_search_fields, cached per name (pypinyin costs ~50 µs; names repeat a lot)."""
    cache = state.setdefault("search_fields", {})
    hit = cache.get(name)
    if hit is None:
        if len(cache) > 200_000:
            cache.clear()
        hit = cache[name] = name_search_fields(name)
    return hit


def _prefix(state: dict, org: Org) -> str:
    prefixes = state.setdefault("prefixes", {})
    if org.pk not in prefixes:
        prefixes[org.pk] = card_prefix_for(org)
    return prefixes[org.pk]


@dataclass
class _Prepared:
    """A batch's writes, built by _prepare (reading thread) for _commit (writer thread)."""

    created: list[Row]
    members: list[dict]  # the new members' values, as bulk_insert_prepare got them
    insert: PreparedInsert | None
    updated: list[Row]
    changed: list[Member]
    fields: list[str]
    events: list[MembershipEvent]
    at: datetime.datetime
    actor_id: int | None


def _prepare(ctx: ImportContext, rows: list[Row]) -> _Prepared:
    state = _state(ctx)
    actor_id = ctx.actor.pk if getattr(ctx.actor, "is_authenticated", False) else None
    now = timezone.now()
    new_rows = [r for r in rows if "member" not in r.data]
    members: list[dict] = []
    insert = None
    if new_rows:
        by_prefix: dict[str, list[Row]] = {}
        for row in new_rows:
            by_prefix.setdefault(_prefix(state, row.data["org"]), []).append(row)
        new_rows = []
        for prefix, group in by_prefix.items():
            with transaction.atomic():  # the counter's row lock, also outside a batch
                cards = card_numbers_issue(prefix, len(group))
            phones = [row.values.get("phone", "") for row in group]
            digests = iter(keyed_hashes([phone for phone in phones if phone]))
            for row, card, phone in zip(group, cards, phones, strict=True):
                members.append(_new_member(state, row, card, next(digests) if phone else ""))
            new_rows.extend(group)
        insert = bulk_insert_prepare(Member, members)
    updated, changed, events, fields = [], [], [], set()
    for row in rows:
        if "member" not in row.data:
            continue
        if ctx.skip_existing:
            row.outcome = SKIPPED
            continue
        member, changes = row.data["member"], row.data["changes"]
        if not changes:
            row.outcome = UNCHANGED
            continue
        for field, value in changes.items():
            setattr(member, field, value)
        member.version += 1
        member.updated_at = now
        fields.update(changes)
        changed.append(member)
        labels = sorted({_LABELS.get(f, "") for f in changes} - {""})
        events.append(
            MembershipEvent(
                member_id=member.pk,
                kind=EventKind.UPDATED,
                org_id=member.org_id,
                at=now,
                by_id=actor_id,
                note=("批量导入更新：" + "、".join(labels))[:300],
            )
        )
        updated.append(row)
    return _Prepared(
        created=new_rows,
        members=members,
        insert=insert,
        updated=updated,
        changed=changed,
        fields=[*sorted(fields), "version", "updated_at"],
        events=events,
        at=now,
        actor_id=actor_id,
    )


def _commit(ctx: ImportContext, rows: list[Row], prepared: _Prepared) -> None:
    if prepared.insert is not None:
        pks = prepared.insert.write()
        _joined_events(pks, prepared.members, actor_id=prepared.actor_id, at=prepared.at)
        for row in prepared.created:
            row.outcome = CREATED
    if prepared.changed:
        Member.objects.bulk_update(prepared.changed, prepared.fields)
        MembershipEvent.objects.bulk_create(prepared.events)
        for row in prepared.updated:
            row.outcome = UPDATED


_JOINED_NOTE = "批量导入入会，发放会员卡号 "


def _joined_events(pks: list[int], members: list[dict], *, actor_id, at) -> None:
    """A JOINED event for each new member. On PostgreSQL one INSERT … SELECT over three
    arrays (member, org, card number): the server builds the rows, instead of Python
    formatting 200,000 of them, and reads nothing back from the member table."""
    if connection.vendor != "postgresql":
        bulk_insert(
            MembershipEvent,
            [
                {
                    "member_id": pk,
                    "kind": EventKind.JOINED,
                    "org_id": m["org_id"],
                    "at": at,
                    "by_id": actor_id,
                    "note": _JOINED_NOTE + m["card_number"],
                }
                for pk, m in zip(pks, members, strict=True)
            ],
        )
        return
    quote = connection.ops.quote_name
    event = MembershipEvent._meta
    targets = ", ".join(
        quote(event.get_field(f).column) for f in ("member", "kind", "org", "at", "by", "note")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(event.db_table)} ({targets}) "
            "SELECT member_id, %s, org_id, %s, %s, %s || card_number "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) "
            "AS joined(member_id, org_id, card_number)",  # pks ascend: events in member order
            [
                EventKind.JOINED.value,
                at,
                actor_id,
                _JOINED_NOTE,
                "{" + ",".join(map(str, pks)) + "}",
                "{" + ",".join(str(m["org_id"]) for m in members) + "}",
                text_array_literal(m["card_number"] for m in members),
            ],
        )


_LABELS = {
    "name": "姓名",
    "phone": "手机号",
    "ethnicity": "民族",
    "education": "学历",
    "skill_level": "技能等级",
    "hukou_type": "户籍类型",
    "hukou_place": "户籍所在地",
    "political_status": "政治面貌",
    "employer_id": "工作单位",
    "employer_name": "工作单位",
    "is_migrant_worker": "是否农民工",
    "employment_form": "就业形态",
    "joined_on": "入会时间",
}


def _new_member(state: dict, row: Row, card: str, phone_hash: str) -> dict:
    """The new member's field values (attnames) for bulk_insert; defaults as on the model."""
    values, data = row.values, row.data
    number, phone = data["id"], values.get("phone", "")
    return {
        "org_id": data["org"].pk,
        # As OrgOwned.save() would set it (bulk writers skip save()): the org is a whole row.
        "org_anchor_id": data["org"].anchor_id,
        "card_number": card,
        "name": values["name"],
        **_search_fields(state, values["name"]),
        "gender": data["gender"],
        "birth_date": data["birth"],
        "ethnicity": values.get("ethnicity", _DEFAULT_ETHNICITY),
        "id_number": number,
        "id_number_hash": data["hash"],
        "id_last4": number[-4:],
        "phone": phone,
        "phone_hash": phone_hash,
        "phone_last4": phone[-4:],
        "education": values.get("education", ""),
        "skill_level": values.get("skill_level", _DEFAULT_SKILL),
        # Missing: 信息待补全 (members.models.MEMBER_TO_COMPLETE), as the form and API leave it.
        "hukou_type": values.get("hukou_type", ""),
        "hukou_place": values.get("hukou_place", ""),
        "political_status": values.get("political_status", _DEFAULT_POLITICAL),
        "employer_id": data["employer_id"],
        "employer_name": data["employer_name"],
        "is_migrant_worker": values.get("is_migrant_worker", _DEFAULT_MIGRANT),
        "employment_form": values.get("employment_form", _DEFAULT_FORM),
        "joined_on": values.get("joined_on"),
    }


# members.models.MEMBER_DEFAULTS as plain values (parsers return plain strings too).
_DEFAULT_ETHNICITY = str(MEMBER_DEFAULTS["ethnicity"].value)
_DEFAULT_SKILL = str(MEMBER_DEFAULTS["skill_level"].value)
_DEFAULT_POLITICAL = str(MEMBER_DEFAULTS["political_status"].value)
_DEFAULT_FORM = str(MEMBER_DEFAULTS["employment_form"].value)
_DEFAULT_MIGRANT = MEMBER_DEFAULTS["is_migrant_worker"]


MEMBER_SPEC = ImportSpec(
    columns=COLUMNS,
    natural_key="id_number",
    validate_batch=_validate,
    batch_prepare=_prepare,
    batch_commit=_commit,
    findings=_findings,
    batch_size=5000,
    commit_batch_size=10000,
    overlap_writes=True,  # checks read only what other jobs wrote (IDs in-file: natural key)
)

register(
    ImportKind(
        code="members",
        title="会员",
        module=MODULE,
        spec=MEMBER_SPEC,
        description=(
            "按身份证号新增或更新会员：新会员发放会员卡号；本范围内已在册的会员按文件更新"
            "(空白单元格不修改)；已是其他工会在册会员的行不导入，请办理会籍转移。"
        ),
        next_url_name="members:list",
        existing_choice=True,
        options=(
            ImportOption(
                key=NEW_EMPLOYERS,
                label="未登记的工作单位",
                choices=(
                    ("text", "保留名称，以后关联(这些会员标记为“信息待补全”)"),
                    ("create", "全部新建为“待核实”的用人单位，并关联到会员"),
                ),
                default="text",
                help="按统一社会信用代码、单位名称及其常见写法(全角半角、括号、有限公司/有限责任公司等)"
                "都找不到已登记单位的名称。",
                allowed=_may_create_employers,
                relevant=lambda findings: bool(
                    findings.get("employers", {}).get("unmatched", {}).get("total")
                ),
            ),
        ),
        findings_template="members/import_findings.html",
    )
)
