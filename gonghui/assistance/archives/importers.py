"""Import kind "archives" (困难职工档案): the national archive form kept as a spreadsheet.

Each row is one household, created through services.archive_create (scope, one archive per
household, category calculated with the county's standard in force on the application date,
step trail, audit) with source=import, at status `applied`.

Decision: imported rows always start at `applied`, even when the file says 已建档. Filing
requires the home visit with the household's signed authorisation and the county's approval,
recorded in this system (DESIGN §4); an import that set `archived` directly would skip both
and their trail. A county migrating its existing archives imports them and then walks them
through check → visit → approve → file (each dated). A column such as 档案状态 is therefore
not read.

Re-import changes nothing: a worker who already holds a live archive inside the import's
target subtree is reported as unchanged (an archive's figures are edited on the archive, where
the change is re-assessed and trailed); one whose archive lies outside the subtree, or who is
a recorded household member of another archive, is refused on the row without naming the
other household. Messages are Chinese, per row.
"""

import re

from gonghui.assistance.archives import services
from gonghui.assistance.choices import (
    MAX_SECONDARY_CAUSES,
    ApplicationSource,
    DisabilityLevel,
    HardshipCause,
    HealthStatus,
    Housing,
    WorkStatus,
)
from gonghui.assistance.models import HouseholdMember
from gonghui.assistance.standards.selectors import county_of, standard_in_force, today
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import ValidationFailed
from gonghui.core.imports import parsers
from gonghui.core.imports.registry import ImportKind, register
from gonghui.core.imports.spec import CREATED, UNCHANGED, Column, ImportContext, ImportSpec, Row
from gonghui.core.masking import mask_bank_account, mask_id_number, mask_phone, mask_text
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.members.import_cells import HUKOU_ALIASES, id_number_cell, phone_cell
from gonghui.members.models import HukouType
from gonghui.orgs.models import Org

MODULE = "assistance"
ONE_PER_HOUSEHOLD_ELSEWHERE = (
    "该职工已有困难职工档案(不在本次导入范围内)，一户只能建一份档案；如有疑问请联系县总工会。"
)


_CAUSE_ALIASES = {
    "丧失劳动力": HardshipCause.LOST_WORK_ABILITY,
    "无劳动能力": HardshipCause.LOST_WORK_ABILITY,
    "失业": HardshipCause.UNEMPLOYED,
    "有劳动能力失业": HardshipCause.UNEMPLOYED,
    "下岗失业": HardshipCause.LAID_OFF,
    "无社会保险": HardshipCause.NO_SOCIAL_INSURANCE,
    "社保未落实": HardshipCause.INSURANCE_UNPAID,
    "社会保险待遇未落实": HardshipCause.INSURANCE_UNPAID,
    "因病": HardshipCause.SERIOUS_ILLNESS,
    "患大病": HardshipCause.SERIOUS_ILLNESS,
    "重病": HardshipCause.SERIOUS_ILLNESS,
    "灾害": HardshipCause.NATURAL_DISASTER,
    "因灾": HardshipCause.NATURAL_DISASTER,
    "意外": HardshipCause.ACCIDENT,
    "事故": HardshipCause.ACCIDENT,
    "子女上学": HardshipCause.CHILD_SCHOOLING,
    "因学": HardshipCause.CHILD_SCHOOLING,
    "就学": HardshipCause.CHILD_SCHOOLING,
}
_cause = parsers.choice(HardshipCause.choices, aliases=_CAUSE_ALIASES)
_CAUSE_SEPARATORS = re.compile(r"[、,，;；/|\s]+")


def _causes(value: str) -> list[str]:
    """ "大病、子女就学" → codes (up to three, in the order given)."""
    codes = [_cause(part) for part in _CAUSE_SEPARATORS.split(value) if part]
    if len(codes) > MAX_SECONDARY_CAUSES:
        raise ValueError("最多填写三项，用顿号分隔。")
    return codes


_HEALTH_ALIASES = {"良好": HealthStatus.HEALTHY, "慢性病": HealthStatus.CHRONIC, "大病": "serious"}
_DISABILITY_ALIASES = {"无": DisabilityLevel.NONE, "否": DisabilityLevel.NONE}
_DISABILITY_ALIASES.update(
    {label.removesuffix("残疾"): value for value, label in DisabilityLevel.choices}
)
_WORK_ALIASES = {"在职": WorkStatus.EMPLOYED, "就业": WorkStatus.EMPLOYED, "无业": "unemployed"}
_HOUSING_ALIASES = {"自有": Housing.OWNED, "租房": Housing.RENTED, "租住": Housing.RENTED}

_MONEY_HELP = "元/年，如 24000；空白为 0。"

COLUMNS = (
    Column("name", "职工姓名", ("姓名", "困难职工姓名"), required=True,
           parse=parsers.text(max_length=50), example="张三"),
    Column("id_number", "身份证号", ("身份证号码", "公民身份号码", "证件号码"), required=True,
           parse=id_number_cell, mask=mask_id_number, help="18 位(15 位旧号自动升级)；一户一档。",
           example="110105194912310021"),
    Column("phone", "手机号码", ("联系电话", "手机号", "联系方式"), parse=phone_cell,
           mask=mask_phone, example="13800001234"),
    Column("employer_name", "工作单位", ("单位名称", "所在单位"),
           parse=parsers.text(max_length=150)),
    Column("address", "家庭住址", ("住址", "家庭地址", "现住址", "居住地址"),
           parse=parsers.text(max_length=200)),
    Column("hukou_type", "户籍类型", ("户口性质", "户籍性质", "户口类型"),
           parse=parsers.choice(HukouType.choices, aliases=HUKOU_ALIASES),
           help="城镇 / 农业。", example="城镇"),
    Column("is_migrant_worker", "是否农民工", ("农民工",), parse=parsers.boolean(),
           help="是 / 否。", example="否"),
    Column("health_status", "健康状况",
           parse=parsers.choice(HealthStatus.choices, aliases=_HEALTH_ALIASES),
           help="可填：" + "、".join(HealthStatus.labels) + "。", example="患大病"),
    Column("health_detail", "健康状况说明", ("患病情况", "病种"), parse=parsers.text(max_length=500),
           mask=mask_text),
    Column("disability_level", "残疾情况", ("残疾等级",),
           parse=parsers.choice(DisabilityLevel.choices, aliases=_DISABILITY_ALIASES),
           help="可填：" + "、".join(DisabilityLevel.labels) + "。"),
    Column("disability_detail", "残疾情况说明", parse=parsers.text(max_length=500), mask=mask_text),
    Column("work_status", "就业状况", ("就业情况", "工作状况"),
           parse=parsers.choice(WorkStatus.choices, aliases=_WORK_ALIASES),
           help="可填：" + "、".join(WorkStatus.labels) + "。"),
    Column("housing", "住房情况", ("住房状况",),
           parse=parsers.choice(Housing.choices, aliases=_HOUSING_ALIASES),
           help="可填：" + "、".join(Housing.labels) + "。"),
    Column("is_single_parent", "单亲家庭", ("是否单亲家庭",), parse=parsers.boolean()),
    Column("is_zero_employment", "零就业家庭", ("是否零就业家庭",), parse=parsers.boolean()),
    Column("household_size", "家庭人口", ("家庭人口数", "家庭成员人数", "家庭人数"), required=True,
           parse=parsers.integer(minimum=1, maximum=services.MAX_HOUSEHOLD),
           help="含职工本人。", example="3"),
    Column("annual_income", "家庭年收入", ("家庭年可支配收入", "家庭年总收入", "年收入"),
           required=True, parse=parsers.text(max_length=20), help=_MONEY_HELP, example="24000"),
    Column("medical_expense", "医疗支出", ("年医疗支出", "医疗刚性支出", "自付医疗费用"),
           parse=parsers.text(max_length=20), help=_MONEY_HELP, example="8000"),
    Column("schooling_expense", "教育支出", ("年教育支出", "教育刚性支出", "子女教育支出"),
           parse=parsers.text(max_length=20), help=_MONEY_HELP),
    Column("disability_expense", "残疾康复支出", ("年残疾康复支出", "康复支出"),
           parse=parsers.text(max_length=20), help=_MONEY_HELP),
    Column("main_cause", "主要致困原因", ("主要困难原因", "致困原因"), required=True, parse=_cause,
           help="可填：" + "、".join(HardshipCause.labels) + "。", example="大病"),
    Column("secondary_causes", "次要致困原因", ("其他致困原因", "次要困难原因"), parse=_causes,
           help="最多三项，用顿号分隔，如：子女就学、无社保。", example="子女就学"),
    Column("bank_name", "开户银行", ("开户行",), parse=parsers.text(max_length=100)),
    Column("bank_account", "银行账号", ("银行卡号", "帮扶资金账号"),
           parse=parsers.compact(max_length=40), mask=mask_bank_account),
    Column("applied_on", "申请日期", ("申请时间",), parse=parsers.date_value(),
           help="不填为导入当天；类别按该日适用的低保标准测算。", example="2026-01-05"),
    Column("org_name", "负责工会", ("所属工会", "工会名称"),
           help="负责该户的工会(须在导入范围内且不重名)；不填时为导入时选择的组织。"),
    Column("org_code", "工会编码", ("组织编码",), parse=parsers.org_code,
           help="填写时优先于负责工会名称。"),
)  # fmt: skip

_SERVICE_FIELDS = {c.key for c in COLUMNS} - {"applied_on", "org_name", "org_code"}


# --- validation ---------------------------------------------------------------------------


def _state(ctx: ImportContext) -> dict:
    state = ctx.state.get("archives")
    if state is None:
        state = ctx.state["archives"] = {"org_by_code": {}, "org_by_name": {}, "standard": {}}
    return state


def _resolve_org(ctx: ImportContext, state: dict, values: dict) -> Org | str:
    if "org_code" in values:
        code = values["org_code"]
        if code not in state["org_by_code"]:
            org = Org.objects.filter(code=code).first()
            ok = org is not None and ctx.org_allowed(org)
            state["org_by_code"][code] = org if ok else f"工会编码“{code}”不存在或不在导入范围内。"
        return state["org_by_code"][code]
    if "org_name" in values:
        name = values["org_name"]
        if name not in state["org_by_name"]:
            found = list(Org.objects.filter(name=name, path__startswith=ctx.org.path)[:2])
            if len(found) == 1:
                state["org_by_name"][name] = found[0]
            elif found:
                state["org_by_name"][name] = f"负责工会“{name}”对应多个组织，请改填工会编码。"
            else:
                state["org_by_name"][name] = f"负责工会“{name}”不存在或不在导入范围内。"
        return state["org_by_name"][name]
    return ctx.org


def _standard_message(state: dict, org: Org, on) -> str:
    """ "" when the county of org has a 低保 standard in force on the date, else why not."""
    key = (org.path, on)
    if key not in state["standard"]:
        try:
            county = county_of(org)
        except ValidationFailed as exc:
            state["standard"][key] = exc.message
        else:
            missing = standard_in_force(county, on) is None
            state["standard"][key] = (
                f"{county.name}尚未设置 {on:%Y-%m-%d} 适用的低保标准，无法测算困难类别。"
                if missing
                else ""
            )
    return state["standard"][key]


def _validate(ctx: ImportContext, rows: list[Row]) -> None:
    state = _state(ctx)
    for row in rows:
        row.data["hash"] = keyed_hash(str.__str__(row.values["id_number"]))
    hashes = [r.data["hash"] for r in rows]
    live = {
        a.id_number_hash: a
        for a in services._live_archives()
        .filter(id_number_hash__in=hashes)
        .select_related("org")
        .only("id", "id_number_hash", "org", "org__path", "org__name")
    }
    as_member = set(
        HouseholdMember.objects.filter(
            id_number_hash__in=hashes, archive__status__in=services.HOUSEHOLD_HOLDING_STATUSES
        ).values_list("id_number_hash", flat=True)
    )
    for row in rows:
        archive = live.get(row.data["hash"])
        if archive is not None:
            if ctx.org_allowed(archive.org):
                row.existing = True  # already archived here: re-import leaves it alone
                continue
            visible = ctx.actor is None or org_in_scope(ctx.actor, MODULE, Action.VIEW, archive.org)
            row.error(
                f"该职工已有困难职工档案(“{archive.org.name}”)，一户只能建一份档案。"
                if visible
                else ONE_PER_HOUSEHOLD_ELSEWHERE
            )
            continue
        if row.data["hash"] in as_member:
            row.error(services.ONE_PER_HOUSEHOLD_MEMBER)
            continue
        org = _resolve_org(ctx, state, row.values)
        if isinstance(org, str):
            row.error(org)
            continue
        on = row.values.get("applied_on") or today()
        if on > today():
            row.error("申请日期不能晚于今天。")
            continue
        message = _standard_message(state, org, on)
        if message:
            row.error(message)
            continue
        row.data["org"] = org


# --- commit -------------------------------------------------------------------------------


def _commit(ctx: ImportContext, row: Row) -> str:
    if row.existing:
        return UNCHANGED
    fields = {k: v for k, v in row.values.items() if k in _SERVICE_FIELDS}
    fields["id_number"] = str.__str__(fields["id_number"])
    services.archive_create(
        actor=ctx.actor,
        org=row.data["org"],
        applied_on=row.values.get("applied_on"),
        source=ApplicationSource.IMPORT,
        **fields,
    )
    return CREATED


ARCHIVE_SPEC = ImportSpec(
    columns=COLUMNS,
    natural_key="id_number",
    validate_batch=_validate,
    row_commit=_commit,
    field_labels={"org": "负责工会", "on": "申请日期"},
    batch_size=1000,
    commit_batch_size=200,
)

register(
    ImportKind(
        code="archives",
        title="困难职工档案",
        module=MODULE,
        spec=ARCHIVE_SPEC,
        description=(
            "按全国困难职工档案表逐户导入：新建档案为“已申请”状态(困难类别按申请日期适用的"
            "低保标准自动测算)，之后仍须基层核实、入户核查、县总审批后建档；"
            "本范围内已有档案的职工不重复导入，也不修改已有档案。"
        ),
        next_url_name="assistance:list",
    )
)
