"""Import kind "disaster_list": a disaster or accident list (受灾/事故名单) as monitoring facts.

Each row names a person by ID number; the event is recorded on the live hardship archive
holding that person (worker or household member), else on the active member with that ID.
The same person, day and kind is one event, so importing the same list twice adds nothing.
Registered from gonghui/assistance/importers.py (the registry discovers `<app>.importers`).
"""

from decimal import Decimal, InvalidOperation

from gonghui.assistance.monitoring.definitions import DisasterKind, FactSource
from gonghui.assistance.monitoring.services import disaster_event_record, target_for_hash
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


def _loss(value: str) -> Decimal:
    try:
        amount = Decimal(value.replace(",", "").replace("元", "").replace("万", ""))
    except InvalidOperation:
        raise ValueError(f"应为金额(当前为“{value}”)。") from None
    if "万" in value:
        amount *= 10000
    if not amount.is_finite() or amount < 0 or amount > Decimal("10000000"):
        raise ValueError("应为 0 到 10,000,000 元之间的金额。")
    return amount.quantize(Decimal("0.01"))


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

COLUMNS = (
    Column(
        "id_number",
        "身份证号",
        ("公民身份号码", "身份证号码", "证件号码"),
        required=True,
        parse=id_number_cell,
        mask=mask_id_number,
        example="339901198001010015",
    ),
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
    Column("loss", "损失金额(元)", ("损失", "直接经济损失", "损失金额"), parse=_loss),
    Column("note", "说明", ("备注", "受灾情况"), parse=parsers.text(max_length=300)),
)


def _validate(ctx: ImportContext, rows: list[Row]) -> None:
    from gonghui.assistance.models import DisasterEvent

    hashes = {id(r): keyed_hash(str.__str__(r.values["id_number"])) for r in rows}
    existing = set(
        DisasterEvent.objects.filter(id_number_hash__in=set(hashes.values())).values_list(
            "id_number_hash", "occurred_on", "kind"
        )
    )
    for row in rows:
        id_hash = hashes[id(row)]
        archive, member = target_for_hash(id_hash)
        target = archive or member
        if target is None or not ctx.org_allowed(target.org):
            row.error("未找到该身份证号对应的困难职工档案或在册会员，或不在导入范围内。")
            continue
        if row.values.get("name") and row.values["name"] != target.name and archive is None:
            row.error(f"姓名与会员记录不符(系统中为“{target.name}”)。")
            continue
        row.existing = (id_hash, row.values["occurred_on"], row.values["kind"]) in existing


def _commit(ctx: ImportContext, row: Row) -> str:
    if row.existing and ctx.skip_existing:
        return SKIPPED
    values = row.values
    _, created = disaster_event_record(
        actor=ctx.actor,
        id_number=str.__str__(values["id_number"]),
        occurred_on=values["occurred_on"],
        kind=values["kind"],
        loss=values.get("loss", 0),
        note=values.get("note", ""),
        source=FactSource.IMPORT,
    )
    return CREATED if created else UNCHANGED


DISASTER_SPEC = ImportSpec(
    columns=COLUMNS,
    natural_key=("id_number", "occurred_on", "kind"),
    validate_batch=_validate,
    row_commit=_commit,
    field_labels={"self_paid": "损失金额(元)"},
    commit_batch_size=200,
)

register(
    ImportKind(
        code="disaster_list",
        title="灾害或意外事故名单",
        module="assistance",
        spec=DISASTER_SPEC,
        description=(
            "按身份证号导入受灾或遭遇意外事故的职工名单，记入其困难职工档案(本人或家庭成员)"
            "或会员记录，作为监测预警的事实；同一人同一天同一类型只记一次。"
        ),
        next_url_name="assistance:alert_list",
    )
)
