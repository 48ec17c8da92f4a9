"""Import kind "staffing_workers" (社工名册): the social workers of a county or township from
a spreadsheet, through the shared import pipeline (upload → preview → commit, error sheet).

A township sends its sheet as it keeps it: Chinese headers (with the usual variants), only
the columns it has. Required: 姓名, 学历, 用人单位, 入职日期, 合同开始日期, 合同到期日期. The
union a worker serves is 服务的工会 (by name within the import's org, or 工会编码); when both
are blank it is the import's org. Optional columns take the record form's defaults when
absent: 经费来源 县乡共担, 县级承担比例 by the source (共担 50%, 县 100%, 乡镇 0%), 1 岗 1 档,
现档次起始日期 = 入职日期.

A worker is the same worker when the serving union and the name match one already recorded
(the sheet has no ID numbers): that row updates the record through services.worker_update
(unchanged when nothing differs, so importing the same file twice changes nothing); other
rows create one through services.worker_create. Both run the record form's checks (the same
Chinese messages, per row); 岗位 names a post at the serving union or above it that nobody
else holds.
"""

from gonghui.core.errors import ServiceError
from gonghui.core.imports import parsers
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
from gonghui.core.masking import mask_phone
from gonghui.orgs.models import Org
from gonghui.staffing.people.models import (
    Certificate,
    Education,
    FundingSource,
    Post,
    SocialWorker,
    WorkerStatus,
)

MODULE = "staffing"
KIND = "staffing_workers"

_education = parsers.choice(
    Education.choices,
    aliases={
        "高中": Education.HIGH_SCHOOL,
        "中专": Education.HIGH_SCHOOL,
        "职高": Education.HIGH_SCHOOL,
        "专科": Education.COLLEGE,
        "大学专科": Education.COLLEGE,
        "本科": Education.BACHELOR,
        "大学本科": Education.BACHELOR,
        "大学": Education.BACHELOR,
        "硕士": Education.MASTER,
        "研究生": Education.MASTER,
        "硕士研究生": Education.MASTER,
        "博士": Education.MASTER,
        "博士研究生": Education.MASTER,
    },
)
_certificate = parsers.choice(
    Certificate.choices,
    aliases={
        "助理社工师": Certificate.ASSISTANT,
        "初级社会工作者": Certificate.ASSISTANT,
        "初级": Certificate.ASSISTANT,
        "社工师": Certificate.SOCIAL_WORKER,
        "中级社会工作者": Certificate.SOCIAL_WORKER,
        "中级": Certificate.SOCIAL_WORKER,
        "高级社工师": Certificate.SENIOR,
        "高级": Certificate.SENIOR,
    },
)
_funding = parsers.choice(
    FundingSource.choices,
    aliases={
        "共担": FundingSource.SHARED,
        "县乡分担": FundingSource.SHARED,
        "县总工会": FundingSource.COUNTY,
        "县级": FundingSource.COUNTY,
        "乡镇": FundingSource.TOWNSHIP,
        "街道": FundingSource.TOWNSHIP,
        "乡镇财政": FundingSource.TOWNSHIP,
    },
)
_NONE = {"无", "没有", "暂无", "-", "—", "/"}
DEFAULT_SHARE = {FundingSource.SHARED: 50, FundingSource.COUNTY: 100, FundingSource.TOWNSHIP: 0}


def _certificates(value: str) -> list[str]:
    if value in _NONE:
        return []
    parts = [p.strip() for p in value.replace("，", "、").replace(",", "、").split("、")]
    return sorted({_certificate(p) for p in parts if p})


def _percent(value: str) -> int:
    return parsers.integer(minimum=0, maximum=100)(value.rstrip("%％"))


_date = parsers.date_value()

COLUMNS = (
    Column(
        "name",
        "姓名",
        ("社工姓名", "名字"),
        required=True,
        parse=parsers.text(max_length=40),
        example="李晓红",
    ),
    Column(
        "org_name",
        "服务的工会",
        ("服务工会", "所在工会", "所属工会", "服务单位", "乡镇(街道)工会"),
        max_length=100,
        help="社工服务的工会(须在导入范围内且不重名)；不填时为导入时选择的组织。",
        example="青禾街道总工会",
    ),
    Column(
        "org_code",
        "工会编码",
        ("组织编码", "服务的工会编码"),
        parse=parsers.org_code,
        help="填写时优先于服务的工会名称。",
    ),
    Column(
        "phone",
        "手机号",
        ("手机", "联系电话", "手机号码", "电话"),
        parse=parsers.phone(),
        mask=mask_phone,
        help="11 位手机号；加密保存，页面上脱敏显示。",
        example="13900001234",
    ),
    Column(
        "education",
        "学历",
        ("文化程度", "最高学历"),
        required=True,
        parse=_education,
        help="高中(中专)、大专、本科、硕士研究生及以上。",
        example="本科",
    ),
    Column(
        "certificates",
        "职业资格证书",
        ("职业资格", "资格证书", "证书", "社工证"),
        parse=_certificates,
        help="助理社会工作师、社会工作师、高级社会工作师，多个用顿号分隔；没有填“无”或留空。",
        example="助理社会工作师",
    ),
    Column(
        "agency",
        "用人单位",
        ("用人(派遣)单位", "派遣单位", "劳务派遣单位", "聘用单位"),
        required=True,
        parse=parsers.text(max_length=100),
        example="青禾县人力资源服务有限公司",
    ),
    Column("hired_on", "入职日期", ("入职时间", "参加工作时间"), required=True, parse=_date),
    Column(
        "contract_start",
        "合同开始日期",
        ("合同起始日期", "合同开始时间", "合同起始时间", "合同起"),
        required=True,
        parse=_date,
    ),
    Column(
        "contract_end",
        "合同到期日期",
        ("合同结束日期", "合同到期时间", "合同终止日期", "合同止"),
        required=True,
        parse=_date,
    ),
    Column(
        "funding_source",
        "经费来源",
        ("经费渠道",),
        parse=_funding,
        help="县乡共担、县总工会经费或乡镇(街道)财政；不填为县乡共担。",
    ),
    Column(
        "county_share",
        "县级承担比例",
        ("县级承担比例(%)", "县级比例", "县承担比例"),
        parse=_percent,
        help="0–100；不填时按经费来源：共担 50%，县总工会经费 100%，乡镇(街道)财政 0%。",
    ),
    Column("grade", "岗级", ("等级",), parse=parsers.integer(minimum=1, maximum=20)),
    Column("band", "档次", ("薪档",), parse=parsers.integer(minimum=1, maximum=20)),
    Column(
        "band_since",
        "现档次起始日期",
        ("定档日期", "档次起始日期"),
        parse=_date,
        help="不填时为入职日期。",
    ),
    Column(
        "post",
        "岗位",
        ("岗位名称", "社工岗位"),
        parse=parsers.text(max_length=60),
        help="服务的工会或其上级工会设立的岗位名称；不填时不占岗位(已有社工保持原岗位)。",
    ),
)

RECORD_KEYS = (
    "name",
    "phone",
    "education",
    "certificates",
    "agency",
    "hired_on",
    "contract_start",
    "contract_end",
    "funding_source",
    "county_share",
    "grade",
    "band",
    "band_since",
)
FIELD_LABELS = {c.key: c.label for c in COLUMNS} | {"org": "服务的工会", "username": "平台账号"}


def _state(ctx: ImportContext) -> dict:
    return ctx.state.setdefault(KIND, {"by_code": {}, "by_name": {}, "counties": {}, "tables": {}})


def _resolve_orgs(ctx: ImportContext, state: dict, rows: list[Row]) -> None:
    """Org codes and names of the batch to orgs in the import's subtree (or a message)."""
    by_code, by_name = state["by_code"], state["by_name"]
    codes = {r.values["org_code"] for r in rows if "org_code" in r.values} - by_code.keys()
    names = {
        r.values["org_name"] for r in rows if "org_name" in r.values and "org_code" not in r.values
    } - by_name.keys()
    if codes:
        found = {o.code: o for o in Org.objects.filter(code__in=codes)}
        for code in codes:
            org = found.get(code)
            by_code[code] = (
                org
                if org is not None and ctx.org_allowed(org)
                else f"工会编码“{code}”不存在或不在导入范围内。"
            )
    if names:
        found_by_name: dict[str, list[Org]] = {}
        for org in Org.objects.filter(name__in=names, path__startswith=ctx.org.path):
            found_by_name.setdefault(org.name, []).append(org)
        for name in names:
            matches = found_by_name.get(name, [])
            if len(matches) == 1:
                by_name[name] = matches[0]
            elif matches:
                by_name[name] = f"服务的工会“{name}”对应多个组织，请改填工会编码。"
            else:
                by_name[name] = f"服务的工会“{name}”不存在或不在导入范围内。"


def _row_org(ctx: ImportContext, state: dict, row: Row):
    if "org_code" in row.values:
        return state["by_code"][row.values["org_code"]]
    if "org_name" in row.values:
        return state["by_name"][row.values["org_name"]]
    return ctx.org


def _pay_table(state: dict, org: Org) -> set[tuple[int, int]]:
    """The (grade, band) cells of the county's pay table above `org` (cached per county)."""
    from gonghui.staffing.pay import selectors

    county = state["counties"].get(org.pk, False)
    if county is False:
        county = state["counties"][org.pk] = selectors.county_of(org)
    if county is None:
        return set()
    if county.pk not in state["tables"]:
        state["tables"][county.pk] = set(selectors.pay_table(county))
    return state["tables"][county.pk]


def _service_messages(exc: ServiceError) -> list[str]:
    """A service's refusal as the row's messages, each prefixed with its column's label."""
    if not exc.fields:
        return [exc.message]
    return [
        f"{FIELD_LABELS[field]}：{message}"
        if field in FIELD_LABELS and not message.startswith(FIELD_LABELS[field])
        else message
        for field, messages in exc.fields.items()
        for message in messages
    ]


def _record(values: dict, existing: SocialWorker | None) -> dict:
    """The record's values: the row's cells over what is stored (or the defaults)."""
    if existing is not None:
        base = {k: getattr(existing, k) for k in RECORD_KEYS}
    else:
        source = values.get("funding_source", FundingSource.SHARED)
        base = {
            "phone": "",
            "certificates": [],
            "funding_source": source,
            "county_share": DEFAULT_SHARE.get(source, 50),
            "grade": 1,
            "band": 1,
            "band_since": values.get("hired_on"),
        }
    return base | {k: values[k] for k in RECORD_KEYS if k in values}


def _validate(ctx: ImportContext, rows: list[Row]) -> None:
    from gonghui.staffing.people.services import worker_validate

    state = _state(ctx)
    _resolve_orgs(ctx, state, rows)
    targets: dict[int, Org] = {}
    for row in rows:
        org = _row_org(ctx, state, row)
        if isinstance(org, str):
            row.error(org)
        else:
            targets[id(row)] = org
    orgs = {org.pk: org for org in targets.values()}
    names = {row.values["name"] for row in rows if id(row) in targets}
    stored: dict[tuple[int, str], list[SocialWorker]] = {}
    for worker in SocialWorker.objects.filter(org_id__in=orgs, name__in=names).exclude(
        status=WorkerStatus.LEFT
    ):
        stored.setdefault((worker.org_id, worker.name), []).append(worker)
    post_names = {row.values["post"] for row in rows if "post" in row.values}
    posts: dict[str, list[Post]] = {}
    for post in Post.objects.filter(name__in=post_names, is_active=True).select_related("org"):
        posts.setdefault(post.name, []).append(post)
    for row in rows:
        org = targets.get(id(row))
        if org is None:
            continue
        matches = stored.get((org.pk, row.values["name"]), [])
        if len(matches) > 1:
            row.error(f"{org.name}有多名在岗社工叫“{row.values['name']}”，请在页面上逐个修改。")
            continue
        existing = matches[0] if matches else None
        record = _record(row.values, existing)
        try:
            worker_validate(data=record)
        except ServiceError as exc:
            for message in _service_messages(exc):
                row.error(message)
        table = _pay_table(state, org)
        if table and (record["grade"], record["band"]) not in table:
            row.error(f"档次：本县薪酬表中没有{record['grade']}岗{record['band']}档。")
        post = None
        if "post" in row.values:
            candidates = [
                p for p in posts.get(row.values["post"], []) if org.path.startswith(p.org.path)
            ]
            if len(candidates) != 1:
                row.error(
                    f"岗位：服务的工会及其上级工会没有名为“{row.values['post']}”的启用岗位。"
                    if not candidates
                    else f"岗位：“{row.values['post']}”对应多个岗位，请在页面上选择。"
                )
            else:
                post = candidates[0]
        if row.errors:
            continue
        row.data.update(org=org, worker=existing, post=post)
        row.existing = existing is not None


def _commit(ctx: ImportContext, row: Row) -> str:
    from gonghui.staffing.people.services import worker_create, worker_update

    existing: SocialWorker | None = row.data["worker"]
    if existing is not None and ctx.skip_existing:
        return SKIPPED
    record = _record(row.values, existing)
    try:
        if existing is None:
            worker_create(actor=ctx.actor, org=row.data["org"], post=row.data["post"], **record)
            return CREATED
        fresh = SocialWorker.objects.select_for_update().get(pk=existing.pk)
        before = {k: getattr(fresh, k) for k in RECORD_KEYS} | {"post_id": fresh.post_id}
        post = row.data["post"] if "post" in row.values else fresh.post
        worker = worker_update(actor=ctx.actor, worker=fresh, post=post, **record)
    except ServiceError as exc:
        raise ValueError("；".join(_service_messages(exc))) from None
    after = {k: getattr(worker, k) for k in RECORD_KEYS} | {"post_id": worker.post_id}
    return UPDATED if after != before else UNCHANGED


register(
    ImportKind(
        code=KIND,
        title="社工名册",
        module=MODULE,
        spec=ImportSpec(
            columns=COLUMNS,
            natural_key=("org_code", "org_name", "name"),
            validate_batch=_validate,
            row_commit=_commit,
            field_labels=FIELD_LABELS,
            commit_batch_size=200,
        ),
        description=(
            "按姓名和服务的工会登记或更新社会化工会工作者；缺少的可选列按登记表的默认值填写，"
            "已登记的社工按表中填写的内容更新。"
        ),
        next_url_name="staffing:worker_list",
        existing_choice=True,
    )
)

__all__ = ["COLUMNS", "KIND"]
