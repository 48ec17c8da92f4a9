"""Import kinds for the facts monitoring watches, one per department's list (data push):

- medical_list (医保): medical costs a person paid themselves, per bill;
- job_loss_list (人社): unemployment registrations;
- disaster_list (民政): people struck by a natural disaster or an accident;
- schooling_list (教育): non-compulsory schooling costs a household bears.

Each row names a person by ID number; the fact is recorded (through the monitoring services,
source "import") on the live hardship archive holding that person (worker or household
member), else on the active member with that ID, so any member can be reached, not only the
households the union already helps. A fact is identified by the person and its own figures
(see each service), so importing the same list twice adds nothing: the rows are reported as
unchanged. Validation resolves a whole batch in a few queries; the commit writes row by row
through the services (scope, audit). Registered from gonghui/assistance/importers.py (the
registry discovers `<app>.importers`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from gonghui.assistance.monitoring.definitions import (
    COMPULSORY_STAGES,
    SCHOOLING_STAGE_CHOICES,
    CareKind,
    DisasterKind,
    FactSource,
)
from gonghui.assistance.monitoring.services import (
    COMPULSORY_REFUSED,
    disaster_event_record,
    job_loss_record,
    medical_expense_record,
    schooling_expense_record,
    targets_for_hashes,
)
from gonghui.core.crypto import keyed_hash
from gonghui.core.imports import parsers
from gonghui.core.imports.registry import ImportKind, register
from gonghui.core.imports.spec import (
    CREATED,
    SKIPPED,
    UNCHANGED,
    Column,
    ImportContext,
    ImportSpec,
    Row,
)
from gonghui.core.masking import mask_id_number
from gonghui.members.import_cells import id_number_cell

MODULE = "assistance"
NOT_FOUND = "未找到该身份证号对应的困难职工档案或在册会员，或不在导入范围内。"


def _money(*, positive: bool) -> Callable[[str], Decimal]:
    """ "1.2万", "12,000元" → Decimal; 0 to 10,000,000 (strictly positive when asked)."""

    def parse(value: str) -> Decimal:
        try:
            amount = Decimal(value.replace(",", "").replace("元", "").replace("万", ""))
        except InvalidOperation:
            raise ValueError(f"应为金额(当前为“{value}”)。") from None
        if "万" in value:
            amount *= 10000
        low_ok = amount > 0 if positive else amount >= 0
        if not amount.is_finite() or not low_ok or amount > Decimal("10000000"):
            if positive:
                raise ValueError("应为大于 0 且不超过 10,000,000 元的金额。")
            raise ValueError("应为 0 到 10,000,000 元之间的金额。")
        return amount.quantize(Decimal("0.01"))

    return parse


def _id_column(*synonyms: str, help: str = "") -> Column:
    return Column(
        "id_number",
        "身份证号",
        ("公民身份号码", "身份证号码", "证件号码", *synonyms),
        required=True,
        parse=id_number_cell,
        mask=mask_id_number,
        help=help,
        example="339901198001010015",
    )


def _note(*synonyms: str) -> Column:
    return Column("note", "说明", ("备注", *synonyms), parse=parsers.text(max_length=300))


# --- the shared pipeline hooks ------------------------------------------------------------------


@dataclass(frozen=True)
class FactKind:
    model_name: str  # in gonghui.assistance.models
    key_fields: tuple[str, ...]  # the fact's natural key after the ID hash (model fields)
    record: Callable  # the monitoring service: (fact, created)
    values: Callable[[dict], dict]  # row values → the service's keyword arguments


def _key(kind: FactKind, id_hash: str, values: dict) -> tuple:
    args = kind.values(values)
    return (id_hash, *(args.get(name, "") for name in kind.key_fields))


def _validator(kind: FactKind):
    def validate(ctx: ImportContext, rows: list[Row]) -> None:
        from gonghui.assistance import models

        model = getattr(models, kind.model_name)
        hashes = {id(r): keyed_hash(str.__str__(r.values["id_number"])) for r in rows}
        targets = targets_for_hashes(set(hashes.values()))
        existing = set(
            model.objects.filter(id_number_hash__in=set(hashes.values())).values_list(
                "id_number_hash", *kind.key_fields
            )
        )
        for row in rows:
            id_hash = hashes[id(row)]
            archive, member = targets.get(id_hash, (None, None))
            target = archive or member
            if target is None or not ctx.org_allowed(target.org):
                row.error(NOT_FOUND)
                continue
            name = row.values.get("name")
            if name and archive is None and name != target.name:
                row.error(f"姓名与会员记录不符(系统中为“{target.name}”)。")
                continue
            row.existing = _key(kind, id_hash, row.values) in existing

    return validate


def _committer(kind: FactKind):
    def commit(ctx: ImportContext, row: Row) -> str:
        if row.existing and ctx.skip_existing:
            return SKIPPED
        _fact, created = kind.record(
            actor=ctx.actor,
            id_number=str.__str__(row.values["id_number"]),
            source=FactSource.IMPORT,
            **kind.values(row.values),
        )
        return CREATED if created else UNCHANGED

    return commit


def _spec(kind: FactKind, columns: tuple[Column, ...], natural_key: tuple[str, ...], **labels):
    return ImportSpec(
        columns=columns,
        natural_key=natural_key,
        validate_batch=_validator(kind),
        row_commit=_committer(kind),
        field_labels=labels,
        commit_batch_size=200,
    )


def _pick(values: dict, *names: str, **defaults) -> dict:
    return {**defaults, **{n: values[n] for n in names if n in values}}


# --- 医保: medical costs --------------------------------------------------------------------------

_CARE_ALIASES = {
    "住院费用": CareKind.INPATIENT,
    "住院结算": CareKind.INPATIENT,
    "普通门诊": CareKind.OUTPATIENT,
    "门急诊": CareKind.OUTPATIENT,
    "急诊": CareKind.OUTPATIENT,
    "门诊慢特病": CareKind.OUTPATIENT,
    "门诊特殊病": CareKind.OUTPATIENT,
    "门特": CareKind.OUTPATIENT,
}
MEDICAL = FactKind(
    "MedicalExpense",
    ("occurred_on", "care", "self_paid"),
    medical_expense_record,
    lambda v: _pick(v, "occurred_on", "care", "self_paid", "note"),
)
MEDICAL_SPEC = _spec(
    MEDICAL,
    (
        _id_column("参保人身份证号", "患者身份证号"),
        Column("name", "姓名", ("参保人姓名", "患者姓名"), parse=parsers.text(max_length=50)),
        Column(
            "occurred_on",
            "结算日期",
            ("就诊日期", "就诊(结算)日期", "出院日期", "费用发生日期", "日期"),
            required=True,
            parse=parsers.date_value(),
            example="2026-06-20",
        ),
        Column(
            "care",
            "就诊类别",
            ("类别", "医疗类别", "就医类别"),
            required=True,
            parse=parsers.choice(CareKind.choices, aliases=_CARE_ALIASES),
            help="可填：住院、门诊(含门诊慢特病、急诊)。",
            example="住院",
        ),
        Column(
            "self_paid",
            "个人自付金额(元)",
            ("个人自付", "自付金额", "个人负担", "个人现金支付", "个人自负"),
            required=True,
            parse=_money(positive=True),
            example="8600",
        ),
        _note("病种"),
    ),
    ("id_number", "occurred_on", "care", "self_paid"),
)

# --- 人社: job losses ------------------------------------------------------------------------------

JOB_LOSS = FactKind(
    "JobLossReport",
    ("lost_on",),
    job_loss_record,
    lambda v: _pick(v, "lost_on", "employer_name", "reason", "note"),
)
JOB_LOSS_SPEC = _spec(
    JOB_LOSS,
    (
        _id_column(),
        Column("name", "姓名", (), parse=parsers.text(max_length=50)),
        Column(
            "lost_on",
            "失业日期",
            ("失业登记日期", "登记日期", "解除劳动合同日期", "终止劳动合同日期"),
            required=True,
            parse=parsers.date_value(),
            example="2026-06-01",
        ),
        Column(
            "employer_name",
            "原工作单位",
            ("原单位", "原用人单位", "原就业单位"),
            parse=parsers.text(max_length=150),
        ),
        Column("reason", "失业原因", ("原因",), parse=parsers.text(max_length=200)),
        _note(),
    ),
    ("id_number", "lost_on"),
)

# --- 民政: disasters and accidents -------------------------------------------------------------------

_KIND_ALIASES = {
    "水灾": DisasterKind.FLOOD,
    "洪水": DisasterKind.FLOOD,
    "内涝": DisasterKind.FLOOD,
    "台风灾害": DisasterKind.TYPHOON,
    "失火": DisasterKind.FIRE,
    "火情": DisasterKind.FIRE,
    "旱灾": DisasterKind.DROUGHT,
    "车祸": DisasterKind.TRAFFIC,
    "工伤": DisasterKind.WORK_INJURY,
    "意外事故": DisasterKind.OTHER_ACCIDENT,
    "意外": DisasterKind.OTHER_ACCIDENT,
    "其他": DisasterKind.OTHER,
}
DISASTER = FactKind(
    "DisasterEvent",
    ("occurred_on", "kind"),
    disaster_event_record,
    lambda v: _pick(v, "occurred_on", "kind", "loss", "note"),
)
DISASTER_SPEC = _spec(
    DISASTER,
    (
        _id_column(),
        Column("name", "姓名", ("受灾人", "户主姓名"), parse=parsers.text(max_length=50)),
        Column(
            "occurred_on",
            "发生日期",
            ("受灾日期", "事故日期", "日期"),
            required=True,
            parse=parsers.date_value(),
            example="2026-06-20",
        ),
        Column(
            "kind",
            "类型",
            ("灾害类型", "事故类型", "受灾类型"),
            required=True,
            parse=parsers.choice(DisasterKind.choices, aliases=_KIND_ALIASES),
            help="可填：" + "、".join(DisasterKind.labels) + "。",
            example="洪涝",
        ),
        Column(
            "loss",
            "损失金额(元)",
            ("损失", "直接经济损失", "损失金额"),
            parse=_money(positive=False),
        ),
        _note("受灾情况"),
    ),
    ("id_number", "occurred_on", "kind"),
)

# --- 教育: schooling costs -------------------------------------------------------------------------

_STAGE_ALIASES = {
    "幼儿园": "preschool",
    "学前": "preschool",
    "高中": "senior",
    "普高": "senior",
    "中专": "vocational",
    "职高": "vocational",
    "技校": "vocational",
    "中等职业教育": "vocational",
    "高职": "college",
    "专科": "college",
    "大专": "college",
    "高等职业教育": "college",
    "大学": "undergraduate",
    "大学本科": "undergraduate",
    "硕士": "postgraduate",
    "博士": "postgraduate",
    "硕士研究生": "postgraduate",
    "博士研究生": "postgraduate",
}
_COMPULSORY_NAMES = {"小学", "初中", "义务教育", "九年义务教育"} | {
    str(stage.label) for stage in COMPULSORY_STAGES
}
_stage_choice = parsers.choice(SCHOOLING_STAGE_CHOICES, aliases=_STAGE_ALIASES)


def _stage(value: str) -> str:
    if value in _COMPULSORY_NAMES:
        raise ValueError(COMPULSORY_REFUSED)
    return _stage_choice(value)


SCHOOLING = FactKind(
    "SchoolingExpense",
    ("paid_on", "stage", "student_name", "amount"),
    schooling_expense_record,
    lambda v: _pick(
        v, "paid_on", "stage", "amount", "student_name", "school", "note", student_name=""
    ),
)
SCHOOLING_SPEC = _spec(
    SCHOOLING,
    (
        _id_column(
            "家长身份证号",
            "监护人身份证号",
            "职工身份证号",
            help="学生家长(职工)的身份证号；学生已登记为困难职工家庭成员的，也可填学生本人的。",
        ),
        Column(
            "name",
            "姓名",
            ("家长姓名", "监护人姓名", "职工姓名"),
            parse=parsers.text(max_length=50),
        ),
        Column("student_name", "学生姓名", ("子女姓名",), parse=parsers.text(max_length=50)),
        Column(
            "stage",
            "学段",
            ("就读阶段", "教育阶段", "学历层次", "就读学段"),
            required=True,
            parse=_stage,
            help="非义务教育阶段："
            + "、".join(label for _v, label in SCHOOLING_STAGE_CHOICES)
            + "(小学、初中不计入)。",
            example="本科",
        ),
        Column("school", "学校", ("就读学校", "学校名称"), parse=parsers.text(max_length=100)),
        Column(
            "paid_on",
            "缴费日期",
            ("缴费时间", "日期", "发生日期"),
            required=True,
            parse=parsers.date_value(),
            example="2026-03-01",
        ),
        Column(
            "amount",
            "个人负担费用(元)",
            ("费用", "金额", "教育费用", "学费", "个人负担", "缴费金额"),
            required=True,
            parse=_money(positive=True),
            example="6500",
        ),
        _note(),
    ),
    ("id_number", "paid_on", "stage", "student_name", "amount"),
)

_NOTE = "按身份证号记入其困难职工档案(本人或家庭成员)或会员记录，作为监测预警的事实；"

for code, title, spec, description in (
    (
        "medical_list",
        "医疗费用名单(医保部门)",
        MEDICAL_SPEC,
        "导入医保部门推送的住院、门诊个人自付费用名单。"
        + _NOTE
        + "同一人同一天同类别同金额只记一次。",
    ),
    (
        "job_loss_list",
        "失业人员名单(人社部门)",
        JOB_LOSS_SPEC,
        "导入人社部门推送的失业登记名单。" + _NOTE + "同一人同一失业日期只记一次。",
    ),
    (
        "disaster_list",
        "灾害或意外事故名单(民政部门)",
        DISASTER_SPEC,
        "导入民政等部门的受灾或遭遇意外事故人员名单。" + _NOTE + "同一人同一天同一类型只记一次。",
    ),
    (
        "schooling_list",
        "教育支出名单(教育部门)",
        SCHOOLING_SPEC,
        "导入教育部门推送的非义务教育阶段(学前、高中、中职、高职、本科、研究生)学生缴费名单，"
        "按家长(职工)身份证号记入其困难职工档案或会员记录，作为监测预警的事实；"
        "同一人同一天同学段同一学生同金额只记一次。",
    ),
):
    register(
        ImportKind(
            code=code,
            title=title,
            module=MODULE,
            spec=spec,
            description=description,
            next_url_name="assistance:alert_list",
        )
    )
