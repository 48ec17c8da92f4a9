"""Import kind "rights_findings" (检查发现的问题): what wage-payment checks and labour-law
inspections found, as townships report it in a spreadsheet, through the shared pipeline
(upload → preview → commit, error sheet).

Each row is one problem at one employer, registered through services.finding_create (the
same rules as a finding typed in by staff: amounts, dates, scope), so it can start the
一函两书 ladder. The employer is found the way the member import finds it (credit code,
exact name, the name's key: employers/importers.py). 问题类别 is an item of the county's
checklist (its name or code). With 检查日期 the finding is linked to the labour-law inspection
or the wage-check record of that employer on that day, which must be registered. A row with
整改日期 is also resolved (services.finding_resolve, with the amount recovered).

Natural key: employer, day found and description. A finding already registered with them is
left as it is (UNCHANGED), except that a resolution in the file resolves one still open
(UPDATED): importing the same file twice changes nothing.
"""

from decimal import Decimal, InvalidOperation

from gonghui.core.errors import ServiceError
from gonghui.core.imports import parsers
from gonghui.core.imports.pipeline import service_error_messages
from gonghui.core.imports.registry import ImportKind, register
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
from gonghui.rights.employers.importers import employer_texts, employers_resolve
from gonghui.rights.shared import MAX_AMOUNT, MODULE
from gonghui.rights.supervision.models import Inspection
from gonghui.rights.wagechecks.models import CheckItem, CheckRecord, FindingStatus, WageFinding


def _money(value: str) -> Decimal:
    """ "12,000", "12000元", "1.2万" → Decimal (0 to the amounts' limit, 2 decimals)."""
    text = value.replace(",", "").replace("，", "").replace("元", "").strip()
    tenthousand = text.endswith("万")
    try:
        amount = Decimal(text.rstrip("万"))
    except InvalidOperation:
        raise ValueError(f"应为金额(当前为“{value}”)。") from None
    if tenthousand:
        amount *= 10000
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise ValueError(f"应为 0 到 {MAX_AMOUNT:,} 元之间的金额。")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("最多保留 2 位小数。")
    return amount.quantize(Decimal("0.01"))


COLUMNS = (
    Column(
        "employer",
        "用人单位",
        ("单位名称", "企业名称", "用人单位名称", "被检查单位"),
        required=True,
        max_length=150,
        help="已登记的用人单位名称(全称、常用写法均可)。",
        example="某某建筑工程有限公司",
    ),
    Column(
        "credit_code",
        "统一社会信用代码",
        ("信用代码", "社会信用代码"),
        parse=parsers.compact(max_length=18, upper=True),
        help="填写时按此代码查找单位(优先于名称)。",
    ),
    Column(
        "found_on",
        "发现日期",
        ("检查发现日期", "发现时间"),
        required=True,
        parse=parsers.date_value(),
        example="2026-03-02",
    ),
    Column(
        "description",
        "问题描述",
        ("存在问题", "发现问题", "问题", "主要问题"),
        required=True,
        parse=parsers.text(max_length=2000),
        example="拖欠 12 名农民工 2 月份工资",
    ),
    Column(
        "item",
        "问题类别",
        ("检查事项", "问题类型", "类别"),
        parse=parsers.text(max_length=100),
        help="本县检查事项的名称，如“按时足额支付工资”；可不填。",
        example="按时足额支付工资",
    ),
    Column(
        "amount_owed",
        "拖欠金额(元)",
        ("拖欠金额", "欠薪金额", "涉及金额", "拖欠工资"),
        parse=_money,
        help="不填为 0。可写“1.2万”。",
        example="36000",
    ),
    Column(
        "workers_affected",
        "涉及人数",
        ("涉及职工人数", "涉及农民工人数", "人数"),
        parse=parsers.integer(minimum=0, maximum=1_000_000),
        example="12",
    ),
    Column(
        "checked_on",
        "检查日期",
        ("监督检查日期",),
        parse=parsers.date_value(),
        help="填写时关联该单位当日已登记的劳动法律监督检查或工资支付检查记录。",
    ),
    Column(
        "resolved_on",
        "整改日期",
        ("整改完成日期", "办结日期"),
        parse=parsers.date_value(),
        help="已整改的填写。",
    ),
    Column(
        "amount_recovered",
        "追回金额(元)",
        ("追回金额", "清欠金额", "已追回金额"),
        parse=_money,
    ),
    Column(
        "resolution_note",
        "整改情况",
        ("整改说明", "处理情况"),
        parse=parsers.text(max_length=500),
    ),
)


def _items(ctx: ImportContext) -> dict[str, str]:
    """The county's checklist: name or code → code (the defaults when it has none yet)."""
    items = ctx.state.get("check_items")
    if items is None:
        from gonghui.rights.wagechecks.services import DEFAULT_ITEMS, county_of

        county = county_of(ctx.org)
        stored = list(
            CheckItem.objects.filter(org=county, is_active=True).values_list("code", "name")
        )
        pairs = stored or [(code, name) for code, name, _ in DEFAULT_ITEMS]
        items = ctx.state["check_items"] = {}
        for code, name in pairs:
            items[name] = items[code] = code
    return items


def _sources(ctx: ImportContext, rows: list[Row], found) -> dict:
    """(employer, day) → ("inspection" | "record", pk) for the rows that give 检查日期: one
    query for inspections and one for check records, per batch."""
    wanted = {
        (found[row.number][0].pk, row.values["checked_on"])
        for row in rows
        if "checked_on" in row.values and found[row.number]
    }
    if not wanted:
        return {}
    employers, days = {k[0] for k in wanted}, {k[1] for k in wanted}
    sources: dict = {}
    for model, day_field, label in (
        (CheckRecord, "checked_on", "record"),
        (Inspection, "inspected_on", "inspection"),  # an inspection wins over a record
    ):
        for pk, enterprise_id, day in (
            model.objects.filter(
                enterprise_id__in=employers,
                **{f"{day_field}__in": days},
                org__path__startswith=ctx.org.path,
            )
            .order_by("id")
            .values_list("pk", "enterprise_id", day_field)
        ):
            sources[(enterprise_id, day)] = (label, pk)
    return sources


def _validate(ctx: ImportContext, rows: list[Row]) -> None:
    from gonghui.rights.wagechecks.services import finding_validate

    found = employers_resolve(ctx, rows, {row.number: employer_texts(row) for row in rows})
    pending = [row for row in rows if not row.errors]
    sources = _sources(ctx, pending, found)
    items = _items(ctx)
    stored = {
        (enterprise_id, day, description): (pk, status)
        for pk, enterprise_id, day, description, status in WageFinding.objects.filter(
            enterprise_id__in={found[row.number][0].pk for row in pending},
            found_on__in={row.values["found_on"] for row in pending},
            org__path__startswith=ctx.org.path,
        ).values_list("pk", "enterprise_id", "found_on", "description", "status")
    }
    for row in pending:
        values, enterprise = row.values, found[row.number][0]
        item_code = ""
        if "item" in values:
            item_code = items.get(values["item"], "")
            if not item_code:
                row.error(
                    f"问题类别“{values['item']}”不是本县的检查事项，可填："
                    + "、".join(name for name, code in items.items() if name != code)
                    + "。"
                )
        source = None
        if "checked_on" in values:
            source = sources.get((enterprise.pk, values["checked_on"]))
            if source is None:
                row.error(
                    f"未找到该单位 {values['checked_on']:%Y-%m-%d} 的监督检查或工资支付检查记录；"
                    "请先登记检查，或不填检查日期。"
                )
            elif values["found_on"] < values["checked_on"]:
                row.error("发现日期不能早于检查日期。")
        args = dict(
            enterprise=enterprise,
            description=values["description"],
            found_on=values["found_on"],
            amount_owed=values.get("amount_owed", Decimal(0)),
            workers_affected=values.get("workers_affected", 0),
        )
        try:
            finding_validate(actor=ctx.actor, **args)
        except ServiceError as exc:
            row.errors.extend(service_error_messages(SPEC, exc))
        resolved_on = values.get("resolved_on")
        if resolved_on is None and ("amount_recovered" in values or "resolution_note" in values):
            row.error("填写追回金额或整改情况时，请填写整改日期。")
        elif resolved_on is not None and resolved_on < values["found_on"]:
            row.error("整改日期不能早于发现日期。")
        if row.errors:
            continue
        if source is not None:
            args[source[0]] = source[1]
        row.data.update(args=args, item_code=item_code)
        existing = stored.get((enterprise.pk, values["found_on"], values["description"]))
        if existing is not None:
            row.existing = True
            row.data["finding"] = existing  # (pk, status)


def _resolve(ctx: ImportContext, row: Row, finding: WageFinding) -> None:
    from gonghui.rights.wagechecks.services import finding_resolve

    finding_resolve(
        actor=ctx.actor,
        finding=finding,
        resolved_on=row.values["resolved_on"],
        amount_recovered=row.values.get("amount_recovered", Decimal(0)),
        note=row.values.get("resolution_note", ""),
    )


def _commit(ctx: ImportContext, row: Row) -> str:
    from gonghui.rights.wagechecks.services import finding_create

    resolved = "resolved_on" in row.values
    if row.existing:
        if ctx.skip_existing:
            return SKIPPED
        pk, status = row.data["finding"]
        if not resolved or status != FindingStatus.OPEN:
            return UNCHANGED
        _resolve(ctx, row, WageFinding.objects.get(pk=pk))
        return UPDATED
    args = dict(row.data["args"])
    source = {}
    if "record" in args:
        source["record"] = CheckRecord.objects.get(pk=args.pop("record"))
    if "inspection" in args:
        source["inspection"] = Inspection.objects.get(pk=args.pop("inspection"))
    finding = finding_create(actor=ctx.actor, item_code=row.data["item_code"], **args, **source)
    if resolved:
        _resolve(ctx, row, finding)
    return CREATED


SPEC = ImportSpec(
    columns=COLUMNS,
    natural_key=("employer", "found_on", "description"),
    validate_batch=_validate,
    row_commit=_commit,
    field_labels={"enterprise": "用人单位", "note": "整改情况"},
    commit_batch_size=200,
)

register(
    ImportKind(
        code="rights_findings",
        title="检查发现的问题",
        module=MODULE,
        spec=SPEC,
        description=(
            "按用人单位、发现日期和问题描述登记工资支付检查、劳动法律监督检查发现的问题(含拖欠金额、"
            "涉及人数)，可据此起草“一函两书”；填写整改日期的同时登记整改。已登记的问题不会重复登记。"
        ),
        next_url_name="rights:finding_list",
        existing_choice=True,
    )
)
