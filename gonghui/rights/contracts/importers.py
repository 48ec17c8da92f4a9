"""Import kind "rights_contracts" (集体合同): the contract ledger a township keeps in a
spreadsheet, through the shared pipeline (upload → preview → commit, error sheet).

Each row is one signed contract, registered through services.contract_register — the same
rules as a contract typed in by staff (term of 1–3 years, the congress vote's quorum and
majority, the congress before the signing, scope), each refusal in Chinese on its row. The
employer is found the way the member import finds it (credit code, exact name, the name's
key: employers/importers.py); 行业性、区域性 contracts list their employers separated by
semicolons or line breaks, and their union side is the import's org. A row with 报送日期 is
also filed (services.contract_file; its 15-day review starts).

Natural key: employer, kind and signing date. A contract already registered with them is
left as it is (UNCHANGED), except that a filing date in the file files one still waiting
(UPDATED): importing the same file twice changes nothing.
"""

import datetime

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
from gonghui.rights.contracts.models import (
    MULTI_EMPLOYER_KINDS,
    CollectiveContract,
    ContractKind,
    ContractStatus,
)
from gonghui.rights.employers.importers import employer_texts, employers_resolve
from gonghui.rights.shared import MODULE, add_years, today

_KIND_ALIASES = {
    "综合": ContractKind.COMPREHENSIVE,
    "综合合同": ContractKind.COMPREHENSIVE,
    "集体合同": ContractKind.COMPREHENSIVE,
    "工资专项": ContractKind.WAGE,
    "工资专项合同": ContractKind.WAGE,
    "工资集体协议": ContractKind.WAGE,
    "工资专项集体协议": ContractKind.WAGE,
    "女职工专项": ContractKind.FEMALE,
    "女职工权益保护专项": ContractKind.FEMALE,
    "女职工专项集体合同": ContractKind.FEMALE,
    "安全生产": ContractKind.SAFETY,
    "安全生产专项": ContractKind.SAFETY,
    "劳动安全卫生专项集体合同": ContractKind.SAFETY,
    "行业性": ContractKind.INDUSTRY,
    "行业": ContractKind.INDUSTRY,
    "行业性工资集体协议": ContractKind.INDUSTRY,
    "区域性": ContractKind.REGIONAL,
    "区域": ContractKind.REGIONAL,
    "区域性工资集体协议": ContractKind.REGIONAL,
}

COLUMNS = (
    Column(
        "employer",
        "用人单位",
        ("单位名称", "企业名称", "用人单位名称", "签约单位", "覆盖单位"),
        required=True,
        max_length=2000,
        help=(
            "已登记的用人单位名称(全称、常用写法均可)。行业性、区域性合同填写所覆盖的各单位，"
            "用分号或换行分隔。"
        ),
        example="某某科技有限公司",
    ),
    Column(
        "credit_code",
        "统一社会信用代码",
        ("信用代码", "社会信用代码"),
        parse=parsers.compact(max_length=18, upper=True),
        help="填写时按此代码查找单位(优先于名称)。",
    ),
    Column(
        "kind",
        "合同类型",
        ("合同种类", "类型"),
        required=True,
        parse=parsers.choice(ContractKind.choices, aliases=_KIND_ALIASES),
        help="可填：" + "、".join(ContractKind.labels) + "。",
        example="综合集体合同",
    ),
    Column(
        "title",
        "合同名称",
        ("名称",),
        parse=parsers.text(max_length=150),
        help="不填时为“单位名称 + 合同类型”。",
    ),
    Column(
        "workers_covered",
        "覆盖职工人数",
        ("职工人数", "覆盖人数", "涉及职工人数"),
        required=True,
        parse=parsers.integer(minimum=0, maximum=10_000_000),
        example="120",
    ),
    Column(
        "signed_on",
        "签订日期",
        ("签约日期", "签订时间"),
        required=True,
        parse=parsers.date_value(),
        example="2026-03-02",
    ),
    Column(
        "start_on",
        "期限开始",
        ("合同期限起", "起始日期", "生效起始日期", "开始日期"),
        parse=parsers.date_value(),
        help="不填时为签订日期。",
    ),
    Column(
        "end_on",
        "期限届满",
        ("合同期限止", "届满日期", "到期日期", "终止日期", "截止日期"),
        parse=parsers.date_value(),
        help="与“期限(年)”填写其一；期限为 1 至 3 年。",
        example="2029-03-01",
    ),
    Column(
        "term_years",
        "期限(年)",
        ("合同期限", "期限年数", "期限"),
        parse=parsers.integer(minimum=1, maximum=3),
        help="1、2 或 3；未填期限届满日期时按此计算。",
    ),
    Column(
        "congress_on",
        "职代会日期",
        ("职工代表大会日期", "审议日期"),
        parse=parsers.date_value(),
        help="不填时为签订日期。",
    ),
    Column(
        "congress_total",
        "应到代表人数",
        ("代表总数", "应到人数", "职工代表人数"),
        required=True,
        parse=parsers.integer(minimum=0, maximum=100_000),
        example="60",
    ),
    Column(
        "congress_present",
        "实到代表人数",
        ("实到人数", "到会人数"),
        required=True,
        parse=parsers.integer(minimum=0, maximum=100_000),
        help="须达到应到代表人数的三分之二以上。",
        example="50",
    ),
    Column(
        "congress_for",
        "赞成票数",
        ("同意票数", "赞成人数", "同意人数"),
        required=True,
        parse=parsers.integer(minimum=0, maximum=100_000),
        help="须超过应到代表人数的一半。",
        example="45",
    ),
    Column(
        "union_party",
        "工会方",
        ("工会方代表", "甲方"),
        parse=parsers.text(max_length=150),
        help="不填时为单位工会(或导入时选择的组织)的名称。",
    ),
    Column(
        "employer_party",
        "企业方",
        ("企业方代表", "乙方", "单位方"),
        parse=parsers.text(max_length=150),
        help="不填时为单位名称。",
    ),
    Column(
        "filed_on",
        "报送日期",
        ("备案日期", "报送审查日期"),
        parse=parsers.date_value(),
        help="已报送劳动保障行政部门审查的填写；不早于签订日期。",
    ),
    Column(
        "department",
        "报送部门",
        ("备案部门", "审查部门"),
        parse=parsers.text(max_length=100),
        help="不填时为县人力资源和社会保障局。",
    ),
)

DEFAULT_DEPARTMENT = "县人力资源和社会保障局"


def _register_args(ctx: ImportContext, row: Row, employers: list) -> dict:
    """The arguments of contract_register for a row (defaults for the columns left out)."""
    values = row.values
    kind = values["kind"]
    multi = kind in MULTI_EMPLOYER_KINDS
    first = employers[0]
    signed_on = values["signed_on"]
    start_on = values.get("start_on", signed_on)
    end_on = values.get("end_on")
    if end_on is None and "term_years" in values:
        end_on = add_years(start_on, values["term_years"]) - datetime.timedelta(days=1)
    union = first.union if not multi and first.union_id and first.union.is_active else None
    label = ContractKind(kind).label
    return dict(
        kind=kind,
        title=values.get("title")
        or (f"{ctx.org.name}{label}" if multi else f"{first.name}{label}"),
        union_party=values.get("union_party")
        or (union.name if union else (ctx.org.name if multi else f"{first.name}工会")),
        employer_party=values.get("employer_party")
        or ("、".join(e.name for e in employers)[:150] if multi else first.name),
        workers_covered=values["workers_covered"],
        start_on=start_on,
        end_on=end_on,
        signed_on=signed_on,
        congress_on=values.get("congress_on", signed_on),
        congress_total=values["congress_total"],
        congress_present=values["congress_present"],
        congress_for=values["congress_for"],
        enterprise=None if multi else first,
        covered=employers if multi else None,
        org=ctx.org if multi else None,
    )


def _validate(ctx: ImportContext, rows: list[Row]) -> None:
    from gonghui.rights.contracts.services import contract_validate

    texts = {
        row.number: employer_texts(row, several=row.values["kind"] in MULTI_EMPLOYER_KINDS)
        for row in rows
    }
    found = employers_resolve(ctx, rows, texts)
    pending = [row for row in rows if not row.errors]
    existing = _existing(ctx, pending, found)
    for row in pending:
        values, employers = row.values, found[row.number]
        if values["kind"] not in MULTI_EMPLOYER_KINDS and len(employers) != 1:
            row.error("单一单位的集体合同只能填写一个用人单位。")
            continue
        if "end_on" not in values and "term_years" not in values:
            row.error("请填写期限届满日期或期限(年)。")
            continue
        args = _register_args(ctx, row, employers)
        try:
            contract_validate(actor=ctx.actor, **args)
        except ServiceError as exc:
            row.errors.extend(service_error_messages(SPEC, exc))
        filed_on = values.get("filed_on")
        if filed_on is not None:
            if filed_on < values["signed_on"]:
                row.error(f"报送日期不能早于签订日期({values['signed_on']:%Y-%m-%d})。")
            elif filed_on > today():
                row.error("报送日期不能晚于今天。")
        if row.errors:
            continue
        row.data["args"] = args
        stored = existing.get((employers[0].pk, values["kind"], values["signed_on"]))
        if stored is not None:
            row.existing = True
            row.data["contract"] = stored  # (pk, status)


def _existing(ctx: ImportContext, rows: list[Row], found) -> dict:
    """Contracts already registered: (first employer, kind, signing day) → contract. One
    query per batch (through the coverage rows, which every contract has)."""
    keys = {
        (found[row.number][0].pk, row.values["kind"], row.values["signed_on"])
        for row in rows
        if found[row.number]
    }
    if not keys:
        return {}
    matches = CollectiveContract.objects.filter(
        coverage__enterprise_id__in={k[0] for k in keys},
        kind__in={k[1] for k in keys},
        signed_on__in={k[2] for k in keys},
    ).values_list("coverage__enterprise_id", "kind", "signed_on", "pk", "status", "org__path")
    result = {}
    for enterprise_id, kind, signed_on, pk, status, path in matches:
        key = (enterprise_id, kind, signed_on)
        if key in keys and path.startswith(ctx.org.path):
            result[key] = (pk, status)
    return result


def _commit(ctx: ImportContext, row: Row) -> str:
    from gonghui.rights.contracts.services import contract_file, contract_register

    filed_on = row.values.get("filed_on")
    department = row.values.get("department") or DEFAULT_DEPARTMENT
    if row.existing:
        if ctx.skip_existing:
            return SKIPPED
        pk, status = row.data["contract"]
        if filed_on is None or status != ContractStatus.SIGNED:
            return UNCHANGED
        contract = CollectiveContract.objects.get(pk=pk)
        contract_file(actor=ctx.actor, contract=contract, filed_on=filed_on, department=department)
        return UPDATED
    contract = contract_register(actor=ctx.actor, **row.data["args"])
    if filed_on is not None:
        contract_file(actor=ctx.actor, contract=contract, filed_on=filed_on, department=department)
    return CREATED


SPEC = ImportSpec(
    columns=COLUMNS,
    natural_key=("employer", "kind", "signed_on"),
    validate_batch=_validate,
    row_commit=_commit,
    field_labels={
        "enterprise": "用人单位",
        "covered": "用人单位",
        "org": "用人单位",
        "end_on": "期限届满",
        "start_on": "期限开始",
        "congress_on": "职代会日期",
    },
    commit_batch_size=200,
)

register(
    ImportKind(
        code="rights_contracts",
        title="集体合同",
        module=MODULE,
        spec=SPEC,
        description=(
            "按用人单位、合同类型和签订日期登记已签订的集体合同：期限、职代会表决等按规定校验；"
            "填写报送日期的同时登记报送。已登记的合同不会重复登记。"
        ),
        next_url_name="rights:contract_list",
        existing_choice=True,
    )
)
