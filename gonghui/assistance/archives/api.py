"""API for hardship archives: /api/v1/archives.

Reads go through gonghui.assistance.selectors (scoped: out of scope answers 404), writes and
lifecycle steps through gonghui.assistance.services (the same rules as the pages). Personal
data is always masked here: ID numbers, phones, bank accounts, health and disability details.
Unmasking stays on the pages, where it needs a reason and is audited.
"""

from datetime import date
from decimal import Decimal

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.assistance.archives import selectors, services
from gonghui.assistance.choices import (
    ArchiveStatus,
    DisabilityLevel,
    HardshipCategory,
    HardshipCause,
    HealthStatus,
    Housing,
    Relation,
    ReviewKind,
    SchoolStage,
    WorkStatus,
)
from gonghui.assistance.models import HardshipArchive
from gonghui.core.api import (
    OrgRef,
    PageParams,
    errors,
    field_names,
    paginate,
    plain,
    require,
    required_not_null,
)
from gonghui.core.masking import mask_bank_account, mask_id_number, mask_phone, mask_text
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404
from gonghui.members.models import HukouType
from gonghui.orgs.models import Org

router = Router(tags=["困难职工档案"])

MODULE = "assistance"
_FIELD_NAMES = {"org": "org_id", "authorisation": "authorisation_id"}


# --- schemas ----------------------------------------------------------------------------


def _display(obj, name: str) -> str:
    return getattr(obj, f"get_{name}_display")()


class ArchiveSummaryOut(Schema):
    """A row of the list: no personal data beyond the name and the ID's last four."""

    id: int
    archive_number: str = Field(description="档案编号(建档后发放)")
    name: str = Field(description="职工姓名")
    id_last4: str = Field(description="身份证号后 4 位")
    org: OrgRef = Field(description="负责工会")
    category: str = Field(description="困难类别：deep/relative/accidental/none")
    category_display: str
    status: str = Field(description="状态")
    status_display: str
    main_cause: str = Field(description="主要致困原因")
    is_migrant_worker: bool = Field(description="农民工")
    household_size: int
    applied_on: date
    next_review_due: date | None = Field(description="下次复核截止")
    version: int

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_category_display(obj):
        return _display(obj, "category")

    @staticmethod
    def resolve_status_display(obj):
        return _display(obj, "status")


class StepOut(Schema):
    on: date = Field(description="业务日期")
    action: str
    action_display: str
    from_status: str
    to_status: str
    note: str

    @staticmethod
    def resolve_action_display(obj):
        return obj.get_action_display()


class ArchiveOut(ArchiveSummaryOut):
    source: str = Field(description="申请方式：union/portal/import")
    id_number: str = Field(description="身份证号(脱敏)")
    gender: str
    birth_date: date
    phone: str = Field(description="手机号码(脱敏)")
    member_id: int | None = Field(description="关联的会员档案")
    employer_name: str
    address: str
    health_status: str
    health_detail: str = Field(description="健康状况说明(脱敏)")
    disability_level: str
    disability_detail: str = Field(description="残疾情况说明(脱敏)")
    work_status: str
    housing: str
    hukou_type: str
    is_single_parent: bool
    is_zero_employment: bool
    annual_income: Decimal = Field(description="家庭年可支配收入(元)")
    medical_expense: Decimal
    schooling_expense: Decimal
    disability_expense: Decimal
    secondary_causes: list[str] = Field(description="次要致困原因(最多三项)")
    bank_name: str
    bank_account: str = Field(description="银行账号(脱敏)")
    category_explanation: str = Field(description="类别测算说明(含所用低保标准)")
    category_assessed_on: date
    approved_on: date | None
    archived_on: date | None
    last_review_on: date | None
    exited_on: date | None
    exit_reason: str
    watch_until: date | None
    rejected_reason: str
    relapse_count: int = Field(description="返困次数")
    steps: list[StepOut] = Field(description="流转记录")

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_bank_account(obj):
        return mask_bank_account(obj.bank_account)

    @staticmethod
    def resolve_health_detail(obj):
        return mask_text(obj.health_detail)

    @staticmethod
    def resolve_disability_detail(obj):
        return mask_text(obj.disability_detail)

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.order_by("at", "id"))


class ArchivePage(Schema):
    items: list[ArchiveSummaryOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class ArchiveFilters(Schema):
    q: str = Field("", description="姓名、身份证号后 4 位、完整身份证号或档案编号")
    org: int | None = Field(None, description="只看该组织及其下级")
    category: HardshipCategory | None = None
    status: ArchiveStatus | None = None
    cause: HardshipCause | None = Field(None, description="主要或次要致困原因")
    group: str = Field(
        "", pattern="^(|urban|migrant)$", description="urban 城镇职工 / migrant 农民工"
    )
    overdue: bool = Field(False, description="只看年度复核已逾期的在档家庭")


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ArchiveCreateIn(_Strict):
    org_id: int = Field(description="负责工会(县级及以下)")
    applied_on: date | None = Field(None, description="申请日期；不填为今天")
    name: str = Field(max_length=50, description="职工姓名")
    id_number: str = Field(max_length=40, description="身份证号；性别和出生日期由其得出")
    phone: str = Field("", max_length=30)
    employer_name: str = Field("", max_length=150)
    address: str = Field("", max_length=200, description="家庭住址")
    health_status: HealthStatus = HealthStatus.HEALTHY
    health_detail: str = Field("", max_length=500)
    disability_level: DisabilityLevel = DisabilityLevel.NONE
    disability_detail: str = Field("", max_length=500)
    work_status: WorkStatus = WorkStatus.EMPLOYED
    housing: Housing = Housing.OWNED
    hukou_type: HukouType
    is_migrant_worker: bool = False
    is_single_parent: bool = False
    is_zero_employment: bool = False
    household_size: int = Field(description="家庭人口(含职工本人)")
    annual_income: Decimal = Field(description="家庭年可支配收入(元)")
    medical_expense: Decimal = Decimal(0)
    schooling_expense: Decimal = Decimal(0)
    disability_expense: Decimal = Decimal(0)
    main_cause: HardshipCause
    secondary_causes: list[HardshipCause] = Field(default_factory=list, max_length=3)
    bank_name: str = Field("", max_length=100)
    bank_account: str = Field("", max_length=40)


class ArchiveUpdateIn(_Strict):
    version: int = Field(description="读取时的版本号；已被他人修改时返回 409")
    name: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=30)
    employer_name: str | None = Field(None, max_length=150)
    address: str | None = Field(None, max_length=200)
    health_status: HealthStatus | None = None
    health_detail: str | None = Field(None, max_length=500)
    disability_level: DisabilityLevel | None = None
    disability_detail: str | None = Field(None, max_length=500)
    work_status: WorkStatus | None = None
    housing: Housing | None = None
    hukou_type: HukouType | None = None
    is_migrant_worker: bool | None = None
    is_single_parent: bool | None = None
    is_zero_employment: bool | None = None
    household_size: int | None = None
    annual_income: Decimal | None = None
    medical_expense: Decimal | None = None
    schooling_expense: Decimal | None = None
    disability_expense: Decimal | None = None
    main_cause: HardshipCause | None = None
    secondary_causes: list[HardshipCause] | None = Field(None, max_length=3)
    bank_name: str | None = Field(None, max_length=100)
    bank_account: str | None = Field(None, max_length=40)


_BLANKABLE = {
    "phone",
    "employer_name",
    "address",
    "health_detail",
    "disability_detail",
    "bank_name",
    "bank_account",
}


class StepIn(_Strict):
    on: date | None = Field(None, description="业务日期；不填为今天，不能早于上一步骤")
    note: str = Field("", max_length=300)


class VisitIn(_Strict):
    on: date | None = None
    authorisation_id: int = Field(description="已上传的签字授权书附件 id")
    visitors: str = Field(max_length=200, description="入户核查人员")
    findings: str = Field("", max_length=2000)


class FileIn(_Strict):
    on: date | None = None


class ReasonIn(_Strict):
    on: date | None = None
    reason: str = Field(max_length=200)


class FiguresIn(_Strict):
    """This year's figures (optional): a change is re-assessed on the step's date."""

    household_size: int | None = None
    annual_income: Decimal | None = None
    medical_expense: Decimal | None = None
    schooling_expense: Decimal | None = None
    disability_expense: Decimal | None = None
    main_cause: HardshipCause | None = None
    secondary_causes: list[HardshipCause] | None = Field(None, max_length=3)


class ReviewIn(FiguresIn):
    on: date | None = None
    kind: ReviewKind = ReviewKind.YEARLY
    findings: str = Field("", max_length=2000)


class RelapseIn(FiguresIn):
    on: date | None = None
    note: str = Field("", max_length=300)


class HouseholdMemberOut(Schema):
    id: int
    relation: str
    relation_display: str
    name: str
    id_number: str = Field(description="身份证号(脱敏)；未登记为空")
    birth_date: date | None
    health_status: str
    monthly_income: Decimal
    school_stage: str
    school_or_employer: str

    @staticmethod
    def resolve_relation_display(obj):
        return obj.get_relation_display()

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.id_number) if obj.id_number else ""


class HouseholdMemberIn(_Strict):
    relation: Relation
    name: str = Field(max_length=50)
    id_number: str = Field("", max_length=40)
    health_status: HealthStatus = HealthStatus.HEALTHY
    monthly_income: Decimal = Decimal(0)
    school_stage: SchoolStage = SchoolStage.NONE
    school_or_employer: str = Field("", max_length=150)


class HouseholdMemberUpdateIn(_Strict):
    relation: Relation | None = None
    name: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=40)
    health_status: HealthStatus | None = None
    monthly_income: Decimal | None = None
    school_stage: SchoolStage | None = None
    school_or_employer: str | None = Field(None, max_length=150)


# --- helpers ------------------------------------------------------------------------------


def _detail(user, pk) -> HardshipArchive:
    return selectors.archive_get(user, pk)


def _values(payload, *, unset: bool = False) -> dict:
    data = plain(payload.model_dump(exclude_unset=unset))
    if "secondary_causes" in data and data["secondary_causes"] is not None:
        data["secondary_causes"] = [getattr(c, "value", c) for c in data["secondary_causes"]]
    return data


def _figures(payload) -> dict:
    return {k: v for k, v in _values(payload, unset=True).items() if k in services.FIGURE_FIELDS}


def _step_target(user, id: int, action: str) -> HardshipArchive:
    require(user, MODULE, action)
    return selectors.archive_get(user, id, action)


# --- archives -----------------------------------------------------------------------------


@router.get(
    "",
    response={200: ArchivePage, **errors(403, 422)},
    summary="困难职工档案列表",
    description="数据范围内的档案，新登记的在前，游标分页。筛选条件与档案列表页面相同。",
)
def archive_list(request, filters: Query[ArchiveFilters], page: Query[PageParams]):
    user = request.auth
    require(user, MODULE, Action.VIEW)
    within = None
    if filters.org is not None:
        try:
            within = get_in_scope_or_404(
                Org.objects.all(), user, MODULE, Action.VIEW, pk=filters.org
            )
        except Http404:
            return {"items": [], "next_cursor": None}
    archives = selectors.archive_list(
        user,
        q=filters.q,
        org=within,
        category=filters.category.value if filters.category else "",
        status=filters.status.value if filters.status else "",
        cause=filters.cause.value if filters.cause else "",
        group=filters.group,
        overdue=filters.overdue,
    ).defer(*services.SENSITIVE_FIELDS, "category_explanation")
    return paginate(archives, page, descending=True)


@router.get(
    "/{pk:id}",
    response={200: ArchiveOut, **errors(403, 404)},
    summary="困难职工档案详情",
    description="含类别测算说明和流转记录；身份证号、手机号、银行账号、健康和残疾说明均脱敏。",
)
def archive_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return _detail(request.auth, id)


@router.post(
    "",
    response={201: ArchiveOut, **errors(403, 404, 422)},
    summary="登记困难职工档案(代为申请)",
    description=(
        "工会代职工提出申请：新档案为“已申请”状态，困难类别按申请日期适用的低保标准自动测算。"
        "一户只能建一份档案；致困原因为十项规定代码。"
    ),
)
def archive_create(request, payload: ArchiveCreateIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = _values(payload)
    org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=data.pop("org_id"))
    applied_on = data.pop("applied_on")
    with field_names(**_FIELD_NAMES):
        archive = services.archive_create(actor=user, org=org, applied_on=applied_on, **data)
    return Status(201, _detail(user, archive.pk))


@router.patch(
    "/{pk:id}",
    response={200: ArchiveOut, **errors(403, 404, 409, 422)},
    summary="修改困难职工档案",
    description=(
        "只修改请求中给出的字段；收入、支出、人口或致困原因变化时重新测算类别。"
        "必须带回读取时的 version；已被他人修改时返回 409(stale_version)。"
    ),
)
def archive_update(request, id: int, payload: ArchiveUpdateIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    archive = selectors.archive_get(user, id, Action.EDIT)
    changes = _values(payload, unset=True)
    version = changes.pop("version")
    required_not_null(changes, nullable=_BLANKABLE)
    changes = {k: ("" if v is None else v) for k, v in changes.items()}
    services.archive_update(actor=user, archive=archive, version=version, **changes)
    return _detail(user, id)


# --- lifecycle ----------------------------------------------------------------------------

_STEP_RESPONSES = {200: ArchiveOut, **errors(403, 404, 409, 422)}


@router.post(
    "/{pk:id}/check",
    response=_STEP_RESPONSES,
    summary="基层核实",
    description="已申请 → 基层已核实。",
)
def archive_check(request, id: int, payload: StepIn):
    archive = _step_target(request.auth, id, Action.EDIT)
    services.archive_check(actor=request.auth, archive=archive, on=payload.on, note=payload.note)
    return _detail(request.auth, id)


@router.post(
    "/{pk:id}/visit",
    response=_STEP_RESPONSES,
    summary="入户核查",
    description="基层已核实 → 已入户核查。须先上传该家庭的签字授权书(附件类型 authorisation)。",
)
def archive_visit(request, id: int, payload: VisitIn):
    archive = _step_target(request.auth, id, Action.EDIT)
    authorisation = archive.attachments.filter(pk=payload.authorisation_id).first()
    with field_names(**_FIELD_NAMES):
        services.archive_visit(
            actor=request.auth,
            archive=archive,
            authorisation=authorisation,
            on=payload.on,
            visitors=payload.visitors,
            findings=payload.findings,
        )
    return _detail(request.auth, id)


@router.post(
    "/{pk:id}/approve",
    response=_STEP_RESPONSES,
    summary="县总审批",
    description=(
        "已入户核查 → 县总已审批。须由县总工会(或以上)有审批权限的人员办理，否则 403；"
        "按审批日适用的低保标准重新测算，不符合条件的不能审批。"
    ),
)
def archive_approve(request, id: int, payload: StepIn):
    archive = _step_target(request.auth, id, Action.APPROVE)
    services.archive_approve(actor=request.auth, archive=archive, on=payload.on, note=payload.note)
    return _detail(request.auth, id)


@router.post(
    "/{pk:id}/file",
    response=_STEP_RESPONSES,
    summary="建档",
    description="县总已审批 → 在档；发放档案编号，安排年度复核。",
)
def archive_file(request, id: int, payload: FileIn):
    archive = _step_target(request.auth, id, Action.EDIT)
    services.archive_file(actor=request.auth, archive=archive, on=payload.on)
    return _detail(request.auth, id)


@router.post(
    "/{pk:id}/review",
    response=_STEP_RESPONSES,
    summary="年度复核或抽查",
    description="在档家庭的复核：可带本年度的收入、支出等数字，按复核日重新测算类别并记录结论。",
)
def archive_review(request, id: int, payload: ReviewIn):
    archive = _step_target(request.auth, id, Action.EDIT)
    services.archive_review(
        actor=request.auth,
        archive=archive,
        kind=payload.kind.value,
        findings=payload.findings,
        on=payload.on,
        **_figures(payload),
    )
    return _detail(request.auth, id)


@router.post(
    "/{pk:id}/exit",
    response=_STEP_RESPONSES,
    summary="解困脱困",
    description=(
        "在档 → 已解困脱困：按收入记录连续不符合条件满规定月数(默认 6 个月)方可办理；"
        "须由县总工会有审批权限的人员办理，否则 403。"
    ),
)
def archive_exit(request, id: int, payload: ReasonIn):
    archive = _step_target(request.auth, id, Action.APPROVE)
    services.archive_exit(actor=request.auth, archive=archive, reason=payload.reason, on=payload.on)
    return _detail(request.auth, id)


@router.post(
    "/{pk:id}/watch",
    response=_STEP_RESPONSES,
    summary="纳入脱困监测",
    description="已解困脱困 → 脱困监测中。",
)
def archive_watch(request, id: int, payload: StepIn):
    archive = _step_target(request.auth, id, Action.EDIT)
    services.archive_watch(actor=request.auth, archive=archive, on=payload.on, note=payload.note)
    return _detail(request.auth, id)


@router.post(
    "/{pk:id}/relapse",
    response=_STEP_RESPONSES,
    summary="认定返困",
    description="已解困脱困或监测中的家庭再次符合条件：重新打开档案(已申请)，按当前数字测算。",
)
def archive_relapse(request, id: int, payload: RelapseIn):
    archive = _step_target(request.auth, id, Action.EDIT)
    services.archive_relapse(
        actor=request.auth, archive=archive, note=payload.note, on=payload.on, **_figures(payload)
    )
    return _detail(request.auth, id)


@router.post(
    "/{pk:id}/reject",
    response=_STEP_RESPONSES,
    summary="不予建档",
    description="审批前不予建档；入户核查后须由县总工会有审批权限的人员办理。",
)
def archive_reject(request, id: int, payload: ReasonIn):
    archive = _step_target(request.auth, id, Action.EDIT)
    services.archive_reject(
        actor=request.auth, archive=archive, reason=payload.reason, on=payload.on
    )
    return _detail(request.auth, id)


# --- household members ----------------------------------------------------------------------


def _person(user, archive_id: int, member_id: int):
    person = selectors.household_member_get(user, member_id, Action.EDIT)
    if person.archive_id != archive_id:
        raise Http404
    return person


@router.get(
    "/{pk:id}/household",
    response={200: list[HouseholdMemberOut], **errors(403, 404)},
    summary="家庭成员列表",
    description="职工本人以外的家庭成员；身份证号脱敏。",
)
def household_list(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return list(_detail(request.auth, id).household_members.order_by("id"))


@router.post(
    "/{pk:id}/household",
    response={201: HouseholdMemberOut, **errors(403, 404, 422)},
    summary="添加家庭成员",
    description="家庭人口(含职工本人)须已计入该成员；同一人不能登记在两个家庭的档案中。",
)
def household_add(request, id: int, payload: HouseholdMemberIn):
    archive = _step_target(request.auth, id, Action.EDIT)
    person = services.household_member_add(actor=request.auth, archive=archive, **_values(payload))
    return Status(201, person)


@router.patch(
    "/{pk:id}/household/{pk:member_id}",
    response={200: HouseholdMemberOut, **errors(403, 404, 422)},
    summary="修改家庭成员",
)
def household_update(request, id: int, member_id: int, payload: HouseholdMemberUpdateIn):
    require(request.auth, MODULE, Action.EDIT)
    person = _person(request.auth, id, member_id)
    changes = _values(payload, unset=True)
    required_not_null(changes, nullable={"id_number", "school_or_employer"})
    changes = {k: ("" if v is None else v) for k, v in changes.items()}
    return services.household_member_update(actor=request.auth, person=person, **changes)


@router.delete(
    "/{pk:id}/household/{pk:member_id}",
    response={204: None, **errors(403, 404)},
    summary="删除家庭成员",
)
def household_remove(request, id: int, member_id: int):
    require(request.auth, MODULE, Action.EDIT)
    person = _person(request.auth, id, member_id)
    services.household_member_remove(actor=request.auth, person=person)
    return Status(204, None)
