"""Import kind "workforce_entries" (竞赛报名名单): entrants of one or more competitions from a
spreadsheet, through the shared import pipeline (upload → preview → commit, error sheet).

Each row names the competition by its number (竞赛编号, shown on the competition's page),
the trade, and the entrant by ID number (a member in the import's target subtree; the name,
when given, must match the member record). Rows are registered through
services.entry_register with channel "import": the same window, area, quota and waiting-list
rules as a registration typed in by staff, and the same refusals (per row, in Chinese). A
row whose entrant is already registered in that trade is unchanged, so importing the same
file twice changes nothing.
"""

from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import ServiceError
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
from gonghui.members.models import Member, MemberStatus
from gonghui.workforce.choices import MODULE, Channel
from gonghui.workforce.competitions.models import Competition, Entry, EntryStatus

NOT_FOUND = "未找到该身份证号对应的在册会员，或不在导入范围内。"


def _code(value: str) -> str:
    code = value.replace(" ", "").upper()
    if not code.isalnum() or len(code) > 20:
        raise ValueError("应为竞赛页面上的竞赛编号，如 JS2026000012。")
    return code


COLUMNS = (
    Column(
        "competition",
        "竞赛编号",
        ("竞赛代码", "赛事编号"),
        required=True,
        parse=_code,
        help="竞赛页面上显示的竞赛编号。",
        example="JS2026000012",
    ),
    Column(
        "trade",
        "工种",
        ("参赛工种", "比赛工种", "项目"),
        required=True,
        parse=parsers.text(max_length=50),
        help="须是该竞赛设置的工种。",
        example="焊工",
    ),
    Column(
        "id_number",
        "身份证号",
        ("公民身份号码", "身份证号码", "证件号码"),
        required=True,
        parse=id_number_cell,
        mask=mask_id_number,
        help="参赛会员的身份证号(须为导入范围内的在册会员)。",
        example="339901198001010015",
    ),
    Column(
        "name",
        "姓名",
        ("参赛人", "选手姓名"),
        parse=parsers.text(max_length=50),
        help="填写时须与会员名册一致。",
        example="张三",
    ),
)


def _validate(ctx: ImportContext, rows: list[Row]) -> None:
    competitions = {
        c.code: c
        for c in Competition.objects.filter(
            code__in={r.values["competition"] for r in rows}
        ).select_related("org", "county")
    }
    trades = {(c.pk, t.name): t for c in competitions.values() for t in c.trades.all()}
    hashes = {id(r): keyed_hash(str.__str__(r.values["id_number"])) for r in rows}
    members = {
        m.id_number_hash: m
        for m in Member.objects.filter(
            id_number_hash__in=set(hashes.values()), status=MemberStatus.ACTIVE
        ).select_related("org")
    }
    existing = set(
        Entry.objects.filter(
            competition__in=list(competitions.values()),
            member__in=list(members.values()),
        )
        .exclude(status=EntryStatus.WITHDRAWN)
        .values_list("competition_id", "trade_id", "member_id")
    )
    for row in rows:
        competition = competitions.get(row.values["competition"])
        if competition is None:
            row.error(f"竞赛编号“{row.values['competition']}”不存在。")
            continue
        trade = trades.get((competition.pk, row.values["trade"]))
        if trade is None:
            row.error(f"“{row.values['trade']}”不是该竞赛的工种。")
        member = members.get(hashes[id(row)])
        if member is None or not ctx.org_allowed(member.org):
            row.error(NOT_FOUND)
            continue
        name = row.values.get("name")
        if name and name != member.name:
            row.error(f"姓名与会员记录不符(系统中为“{member.name}”)。")
        if row.errors:
            continue
        row.data.update(competition=competition, trade=trade, member=member)
        row.existing = (competition.pk, trade.pk, member.pk) in existing


def _commit(ctx: ImportContext, row: Row) -> str:
    if row.existing:
        return SKIPPED if ctx.skip_existing else UNCHANGED
    from gonghui.workforce.competitions.services import entry_register

    try:
        result = entry_register(
            actor=ctx.actor,
            competition=row.data["competition"],
            trade=row.data["trade"],
            member=row.data["member"],
            channel=Channel.IMPORT,
        )
    except ServiceError as exc:
        messages = [m for ms in exc.fields.values() for m in ms] or [exc.message]
        raise ValueError("；".join(messages)) from None
    if result.waiting:
        row.data["note"] = result.message
    return CREATED


register(
    ImportKind(
        code="workforce_entries",
        title="竞赛报名名单",
        module=MODULE,
        spec=ImportSpec(
            columns=COLUMNS,
            natural_key=("competition", "trade", "id_number"),
            validate_batch=_validate,
            row_commit=_commit,
            field_labels={"member": "身份证号"},
            commit_batch_size=200,
        ),
        description=(
            "按竞赛编号、工种和身份证号登记参赛会员。须在报名时间内导入；超出单位名额的列入候补名单；"
            "已报名的会员不会重复登记。"
        ),
        next_url_name="workforce:competition_list",
    )
)
