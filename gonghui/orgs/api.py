"""API for the union organisation tree and employers: /api/v1/orgs, /api/v1/enterprises.

Reads go through gonghui.orgs.selectors (scoped), writes through gonghui.orgs.services.
"""

from datetime import date, datetime

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field, field_validator

from gonghui.core.api import (
    OrgRef,
    PageParams,
    errors,
    field_names,
    paginate,
    plain,
    require,
    required_not_null,
    scoped_ref,
)
from gonghui.core.masking import mask_phone
from gonghui.core.modules import Action
from gonghui.core.text import normalise_text
from gonghui.orgs import selectors, services
from gonghui.orgs.models import (
    EconomicType,
    EnterpriseSize,
    EnterpriseStatus,
    Industry,
    OrgLevel,
    OrgStatus,
    OrgType,
)

router = Router(tags=["工会组织"])
enterprise_router = Router(tags=["用人单位"])

MODULE = "orgs"


def _org_for_write(user, org_id: int | None):
    """An org named in a request body that the user may edit; 404 when it is missing or
    outside their scope (the two alike), as for the org in the URL."""
    if org_id is None:
        return None
    return selectors.org_get(user, org_id, action=Action.EDIT)


# --- schemas: orgs ----------------------------------------------------------------------


class OrgOut(Schema):
    id: int
    code: str = Field(description="组织编码")
    name: str = Field(description="组织名称")
    short_name: str = Field(description="简称")
    parent: OrgRef | None = Field(description="上级组织；不在您数据范围内时为 null")
    depth: int
    type: str = Field(description="组织类型")
    type_display: str
    level: int = Field(description="层级")
    level_display: str
    division_code: str = Field(description="行政区划代码(GB/T 2260)")
    status: str
    status_display: str
    chair_name: str = Field(description="工会主席")
    contact_phone: str = Field(description="联系电话(脱敏)")
    address: str
    founded_on: date | None
    deactivated_at: datetime | None
    deactivation_reason: str
    version: int = Field(description="版本号，修改时原样带回用于乐观锁")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_parent(obj, context):
        return scoped_ref(context, obj.parent)

    @staticmethod
    def resolve_type_display(obj):
        return obj.get_type_display()

    @staticmethod
    def resolve_level_display(obj):
        return obj.get_level_display()

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_contact_phone(obj):
        return mask_phone(obj.contact_phone)


class OrgCounts(Schema):
    orgs: int = Field(description="本组织及下级组织数")
    active_orgs: int
    enterprises: int = Field(description="覆盖的用人单位数")
    enterprises_with_union: int


class OrgDetailOut(OrgOut):
    counts: OrgCounts


class OrgChildOut(OrgOut):
    child_count: int = Field(description="下级组织数")


class OrgPage(Schema):
    items: list[OrgOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class OrgChildPage(Schema):
    items: list[OrgChildOut]
    next_cursor: str | None


class OrgFilters(Schema):
    q: str = Field("", description="按名称、简称或编码前缀搜索")
    type: OrgType | None = Field(None, description="组织类型")
    level: OrgLevel | None = Field(None, description="层级")
    status: OrgStatus | None = Field(None, description="状态")


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class OrgCreateIn(_Strict):
    parent_id: int = Field(description="上级组织")
    name: str = Field(max_length=100)
    type: OrgType
    level: OrgLevel
    code: str = Field("", max_length=32, description="组织编码；不填则按上级编码自动生成")
    short_name: str = Field("", max_length=50)
    division_code: str = Field("", max_length=12)
    chair_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)
    address: str = Field("", max_length=200)
    founded_on: date | None = None


class OrgUpdateIn(_Strict):
    version: int = Field(description="读取时的版本号；已被他人修改时返回 409")
    name: str | None = Field(None, max_length=100)
    type: OrgType | None = None
    level: OrgLevel | None = None
    short_name: str | None = Field(None, max_length=50)
    division_code: str | None = Field(None, max_length=12)
    chair_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)
    address: str | None = Field(None, max_length=200)
    founded_on: date | None = None


class OrgMoveIn(_Strict):
    new_parent_id: int = Field(description="新的上级组织")


class OrgDeactivateIn(_Strict):
    reason: str = Field(max_length=200, description="撤销原因")


# --- endpoints: orgs --------------------------------------------------------------------


@router.get(
    "",
    response={200: OrgPage, **errors(403, 422)},
    summary="工会组织列表",
    description="数据范围内的工会组织，按编号排序，游标分页。",
)
def org_list(request, filters: Query[OrgFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    orgs = selectors.org_list(
        request.auth,
        q=filters.q,
        type=filters.type.value if filters.type else "",
        level=filters.level.value if filters.level else "",
        status=filters.status.value if filters.status else "",
    )
    return paginate(orgs, page)


@router.get("/{pk:id}", response={200: OrgDetailOut, **errors(403, 404)}, summary="工会组织详情")
def org_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    org = selectors.org_get(request.auth, id)
    org.counts = selectors.org_subtree_counts(request.auth, org)
    return org


@router.get(
    "/{pk:id}/children",
    response={200: OrgChildPage, **errors(403, 404, 422)},
    summary="下级组织",
    description="直接下级组织(含已撤销)，附各自的下级数量。",
)
def org_children(request, id: int, page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    parent = selectors.org_get(request.auth, id)
    children = selectors.org_children(request.auth, parent).select_related("parent")
    return paginate(children, page)


@router.post("", response={201: OrgOut, **errors(403, 404, 422)}, summary="新建工会组织")
def org_create(request, payload: OrgCreateIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = plain(payload.model_dump())
    parent = _org_for_write(user, data.pop("parent_id"))
    with field_names(parent="parent_id"):
        org = services.org_create(actor=user, parent=parent, **data)
    return Status(201, selectors.org_get(user, org.pk))


@router.patch(
    "/{pk:id}",
    response={200: OrgOut, **errors(403, 404, 409, 422)},
    summary="修改工会组织",
    description="只修改请求中给出的字段。必须带回读取时的 version；已被他人修改时返回 409。",
)
def org_update(request, id: int, payload: OrgUpdateIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    org = selectors.org_get(user, id, action=Action.EDIT)
    changes = plain(payload.model_dump(exclude_unset=True))
    version = changes.pop("version")
    required_not_null(changes, nullable={"founded_on"})
    services.org_update(actor=user, org=org, version=version, **changes)
    return selectors.org_get(user, id)


@router.post(
    "/{pk:id}/move",
    response={200: OrgOut, **errors(403, 404, 422)},
    summary="移动工会组织",
    description="把组织连同其全部下级移动到新的上级组织之下(两者都须在您的数据范围内)。",
)
def org_move(request, id: int, payload: OrgMoveIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    org = selectors.org_get(user, id, action=Action.EDIT)
    new_parent = _org_for_write(user, payload.new_parent_id)
    with field_names(new_parent="new_parent_id"):
        services.org_move(actor=user, org=org, new_parent=new_parent)
    return selectors.org_get(user, id)


@router.post(
    "/{pk:id}/deactivate",
    response={200: OrgOut, **errors(403, 404, 422)},
    summary="撤销工会组织",
    description="撤销后记录保留，不能再新增下级或业务记录。",
)
def org_deactivate(request, id: int, payload: OrgDeactivateIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    org = selectors.org_get(user, id, action=Action.EDIT)
    services.org_deactivate(actor=user, org=org, reason=payload.reason)
    return selectors.org_get(user, id)


# --- schemas: enterprises ---------------------------------------------------------------


class EnterpriseOut(Schema):
    id: int
    name: str = Field(description="单位名称")
    credit_code: str = Field(description="统一社会信用代码；待核实的单位为空串")
    industry: str = Field(description="行业(GB/T 4754 门类)")
    industry_display: str
    size: str
    size_display: str
    economic_type: str
    economic_type_display: str
    employee_count: int
    has_union: bool = Field(description="已建会")
    union: OrgRef | None = Field(description="本单位工会；不在您数据范围内时为 null")
    org: OrgRef = Field(description="覆盖该单位的工会组织")
    division_code: str
    address: str
    legal_representative: str
    contact_name: str
    contact_phone: str = Field(description="联系电话(脱敏)")
    status: str
    status_display: str
    verified: bool = Field(
        description="已核实；false 为导入会员时按工作单位名称新建、尚待补全信息的单位"
    )
    version: int = Field(description="版本号，修改时原样带回用于乐观锁")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_credit_code(obj):
        return obj.credit_code or ""

    @staticmethod
    def resolve_union(obj, context):
        return scoped_ref(context, obj.union)

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_industry_display(obj):
        return obj.get_industry_display()

    @staticmethod
    def resolve_size_display(obj):
        return obj.get_size_display()

    @staticmethod
    def resolve_economic_type_display(obj):
        return obj.get_economic_type_display()

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_contact_phone(obj):
        return mask_phone(obj.contact_phone)


class EnterprisePage(Schema):
    items: list[EnterpriseOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class EnterpriseFilters(Schema):
    q: str = Field("", description="按单位名称或信用代码前缀搜索")
    industry: Industry | None = None
    size: EnterpriseSize | None = None
    has_union: bool | None = Field(None, description="是否已建会")
    status: EnterpriseStatus | None = None
    verified: bool | None = Field(None, description="是否已核实(false：待核实)")
    org: int | None = Field(None, description="只看该组织及其下级覆盖的单位")


def _phone_clean(value: str | None) -> str | None:
    if value is None:
        return None
    phone = normalise_text(value).replace(" ", "").replace("-", "")
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        raise ValueError("联系电话格式不正确(7–12 位数字)。")
    return phone


class EnterpriseCreateIn(_Strict):
    name: str = Field(max_length=150)
    credit_code: str = Field(max_length=40, description="统一社会信用代码(18 位)")
    industry: Industry
    size: EnterpriseSize
    economic_type: EconomicType = EconomicType.PRIVATE
    employee_count: int = Field(0, ge=0, le=10_000_000)
    has_union: bool = False
    union_id: int | None = Field(None, description="本单位工会")
    org_id: int = Field(description="覆盖该单位的工会组织")
    division_code: str = Field("", max_length=12)
    address: str = Field("", max_length=200)
    legal_representative: str = Field("", max_length=50)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)
    status: EnterpriseStatus = EnterpriseStatus.ACTIVE

    _phone = field_validator("contact_phone")(_phone_clean)


class EnterpriseUpdateIn(_Strict):
    version: int = Field(description="读取时的版本号；已被他人修改时返回 409")
    name: str | None = Field(None, max_length=150)
    credit_code: str | None = Field(None, max_length=40)
    industry: Industry | None = None
    size: EnterpriseSize | None = None
    economic_type: EconomicType | None = None
    employee_count: int | None = Field(None, ge=0, le=10_000_000)
    has_union: bool | None = None
    union_id: int | None = None
    org_id: int | None = None
    division_code: str | None = Field(None, max_length=12)
    address: str | None = Field(None, max_length=200)
    legal_representative: str | None = Field(None, max_length=50)
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)
    status: EnterpriseStatus | None = None

    _phone = field_validator("contact_phone")(_phone_clean)


_ENTERPRISE_FIELD_NAMES = {"org": "org_id", "union": "union_id"}


def _enterprise_refs(user, data: dict) -> dict:
    """Body ids to Org objects the user may edit (404 for missing and out of scope alike)."""
    if "org_id" in data:
        data["org"] = _org_for_write(user, data.pop("org_id"))
    if "union_id" in data:
        data["union"] = _org_for_write(user, data.pop("union_id"))
    return data


# --- endpoints: enterprises -------------------------------------------------------------


@enterprise_router.get(
    "",
    response={200: EnterprisePage, **errors(403, 422)},
    summary="用人单位列表",
    description="数据范围内的用人单位，新登记的在前，游标分页。联系电话脱敏。",
)
def enterprise_list(request, filters: Query[EnterpriseFilters], page: Query[PageParams]):
    user = request.auth
    require(user, MODULE, Action.VIEW)
    within = None
    if filters.org is not None:
        try:
            within = selectors.org_get(user, filters.org)
        except Http404:
            return {"items": [], "next_cursor": None}
    has_union = "" if filters.has_union is None else ("1" if filters.has_union else "0")
    enterprises = selectors.enterprise_list(
        user,
        q=filters.q,
        industry=filters.industry.value if filters.industry else "",
        size=filters.size.value if filters.size else "",
        has_union=has_union,
        status=filters.status.value if filters.status else "",
        verified="" if filters.verified is None else ("1" if filters.verified else "0"),
        within=within,
    ).select_related("union")
    return paginate(enterprises, page, descending=True)


@enterprise_router.get(
    "/{pk:id}", response={200: EnterpriseOut, **errors(403, 404)}, summary="用人单位详情"
)
def enterprise_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.enterprise_get(request.auth, id)


@enterprise_router.post(
    "",
    response={201: EnterpriseOut, **errors(403, 404, 422)},
    summary="登记用人单位",
    description="统一社会信用代码按 GB 32100 校验，不能重复登记。",
)
def enterprise_create(request, payload: EnterpriseCreateIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = _enterprise_refs(user, plain(payload.model_dump()))
    with field_names(**_ENTERPRISE_FIELD_NAMES):
        enterprise = services.enterprise_create(actor=user, **data)
    return Status(201, selectors.enterprise_get(user, enterprise.pk))


@enterprise_router.patch(
    "/{pk:id}",
    response={200: EnterpriseOut, **errors(403, 404, 409, 422)},
    summary="修改用人单位",
    description="只修改请求中给出的字段。必须带回读取时的 version；已被他人修改时返回 409。",
)
def enterprise_update(request, id: int, payload: EnterpriseUpdateIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    enterprise = selectors.enterprise_get(user, id, action=Action.EDIT)
    changes = plain(payload.model_dump(exclude_unset=True))
    version = changes.pop("version")
    required_not_null(changes, nullable={"union_id"})
    changes = _enterprise_refs(user, changes)
    with field_names(**_ENTERPRISE_FIELD_NAMES):
        services.enterprise_update(actor=user, enterprise=enterprise, version=version, **changes)
    return selectors.enterprise_get(user, id)
