"""API for the member registry: /api/v1/members.

Reads go through gonghui.members.selectors (scoped), writes through
gonghui.members.services. The ID number and phone are always masked here.
"""

from datetime import date, datetime

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

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
from gonghui.core.errors import ValidationFailed
from gonghui.core.imports.api import import_router
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404
from gonghui.members import selectors, services
from gonghui.members.models import (
    MEMBER_DEFAULTS,
    Education,
    EmploymentForm,
    Ethnicity,
    Gender,
    HukouType,
    MemberStatus,
    PoliticalStatus,
    SkillLevel,
)
from gonghui.orgs.models import Enterprise, Org

router = Router(tags=["会员"])
router.add_router("/imports", import_router("members"))

MODULE = "members"
EMPLOYER_UNKNOWN = "所选工作单位不存在或不在您的管理范围内。"


# --- schemas ----------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    card_number: str = Field(description="会员卡号(15 位，见 DESIGN)")
    name: str = Field(description="姓名")
    gender: str = Field(description="性别：male/female")
    gender_display: str
    birth_date: date = Field(description="出生日期(由身份证号得出)")
    ethnicity: str = Field(description="民族(GB/T 3304 代码)")
    ethnicity_display: str
    id_number: str = Field(description="身份证号(脱敏)")
    phone: str = Field(description="手机号码(脱敏)")
    education: str = Field(description="学历；空串表示未填")
    education_display: str
    skill_level: str = Field(description="技能等级")
    skill_level_display: str
    hukou_type: str = Field(description="户籍类型；空串表示未填写(信息待补全)")
    hukou_type_display: str
    hukou_place: str = Field(description="户籍所在地")
    political_status: str = Field(description="政治面貌")
    political_status_display: str
    employer: OrgRef | None = Field(description="工作单位(用人单位)")
    employer_name: str = Field(
        description="工作单位名称(尚未关联到已登记的用人单位时的原文)；关联后为空串"
    )
    is_migrant_worker: bool = Field(description="农民工")
    employment_form: str = Field(description="就业形态")
    employment_form_display: str
    is_new_employment_form: bool = Field(description="属于新就业形态劳动者(八大群体及网约车司机)")
    org: OrgRef = Field(description="所属工会")
    joined_on: date | None = Field(description="入会日期；null 表示未填写(信息待补全)")
    to_complete: list[str] = Field(
        description="信息待补全的项目(户籍类型、入会日期、工作单位关联)；空列表表示信息完整"
    )
    status: str = Field(description="状态：active 在册 / deactivated 已退会")
    status_display: str
    deactivated_on: date | None = Field(description="退会日期")
    deactivation_reason: str
    version: int = Field(description="版本号，修改时原样带回用于乐观锁")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id_number(obj):
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_employer(obj):
        if obj.employer_id is None:
            return None
        return {"id": obj.employer_id, "name": obj.employer.name}

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_to_complete(obj):
        return obj.to_complete

    @staticmethod
    def resolve_gender_display(obj):
        return obj.get_gender_display()

    @staticmethod
    def resolve_ethnicity_display(obj):
        return obj.get_ethnicity_display()

    @staticmethod
    def resolve_education_display(obj):
        return obj.get_education_display()

    @staticmethod
    def resolve_skill_level_display(obj):
        return obj.get_skill_level_display()

    @staticmethod
    def resolve_hukou_type_display(obj):
        return obj.get_hukou_type_display()

    @staticmethod
    def resolve_political_status_display(obj):
        return obj.get_political_status_display()

    @staticmethod
    def resolve_employment_form_display(obj):
        return obj.get_employment_form_display()

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()


class MemberPage(Schema):
    items: list[MemberOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class MemberFilters(Schema):
    q: str = Field(
        "", description="姓名、拼音(zhangsan/zs)、身份证号或手机号后 4 位、完整证件号、会员卡号"
    )
    org: int | None = Field(None, description="只看该组织及其下级的会员")
    employment_form: EmploymentForm | None = Field(None, description="就业形态")
    new_form_only: bool = Field(False, description="只看新就业形态劳动者")
    migrant: bool | None = Field(None, description="是否农民工")
    joined_year: int | None = Field(None, ge=1900, le=2100, description="入会年份")
    status: MemberStatus | None = Field(None, description="状态")
    incomplete: bool | None = Field(
        None, description="true：只看信息待补全的会员；false：只看信息完整的会员"
    )


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class MemberCreateIn(_Strict):
    """Required and default values as members.models.MEMBER_REQUIRED / MEMBER_DEFAULTS."""

    org_id: int = Field(description="所属工会")
    name: str = Field(max_length=50, description="姓名")
    id_number: str = Field(max_length=30, description="身份证号(18 位，或 15 位旧号自动升位)")
    phone: str = Field("", max_length=30, description="手机号码")
    joined_on: date | None = Field(None, description="入会日期；不填则为空，会员标记为信息待补全")
    gender: Gender | None = Field(None, description="填写时须与身份证号一致")
    birth_date: date | None = Field(None, description="填写时须与身份证号一致")
    ethnicity: Ethnicity = MEMBER_DEFAULTS["ethnicity"]
    education: Education | None = None
    skill_level: SkillLevel = MEMBER_DEFAULTS["skill_level"]
    hukou_type: HukouType | None = Field(
        None, description="户籍类型；不填则为空，会员标记为信息待补全"
    )
    hukou_place: str = Field("", max_length=100)
    political_status: PoliticalStatus = MEMBER_DEFAULTS["political_status"]
    employer_id: int | None = Field(None, description="工作单位(用人单位 id)")
    employer_name: str = Field(
        "",
        max_length=150,
        description="工作单位尚未登记时的名称(不填 employer_id 时)；会员标记为信息待补全",
    )
    is_migrant_worker: bool = MEMBER_DEFAULTS["is_migrant_worker"]
    employment_form: EmploymentForm = MEMBER_DEFAULTS["employment_form"]


class MemberUpdateIn(_Strict):
    version: int = Field(description="读取时的版本号；已被他人修改时返回 409")
    name: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=30)
    phone: str | None = Field(None, max_length=30)
    joined_on: date | None = None
    gender: Gender | None = None
    birth_date: date | None = None
    ethnicity: Ethnicity | None = None
    education: Education | None = None
    skill_level: SkillLevel | None = None
    hukou_type: HukouType | None = None
    hukou_place: str | None = Field(None, max_length=100)
    political_status: PoliticalStatus | None = None
    employer_id: int | None = None
    employer_name: str | None = Field(None, max_length=150)
    is_migrant_worker: bool | None = None
    employment_form: EmploymentForm | None = None


_FIELD_NAMES = {"org": "org_id", "employer": "employer_id"}
# Fields a PATCH may set to null (meaning: clear it, or for gender/birth date: not checked).
_NULLABLE = {
    "phone",
    "education",
    "employer_id",
    "employer_name",
    "hukou_type",
    "hukou_place",
    "joined_on",
    "gender",
    "birth_date",
}


def _employer(data: dict) -> dict:
    """employer_id → Enterprise; the service checks the user may see it."""
    if "employer_id" not in data:
        return data
    pk = data.pop("employer_id")
    employer = None
    if pk is not None:
        employer = Enterprise.objects.filter(pk=pk).select_related("org").first()
        if employer is None:
            raise ValidationFailed("请检查填写的内容。", fields={"employer_id": [EMPLOYER_UNKNOWN]})
    data["employer"] = employer
    return data


def _blanks(data: dict) -> dict:
    """null → "" for text fields the services keep as empty strings."""
    for key in ("phone", "education", "hukou_type", "hukou_place", "employer_name", "gender"):
        if key in data and data[key] is None:
            data[key] = ""
    return data


# --- endpoints --------------------------------------------------------------------------


@router.get(
    "",
    response={200: MemberPage, **errors(403, 422)},
    summary="会员列表",
    description=(
        "数据范围内的会员，新登记的在前，游标分页(不统计总数)。身份证号和手机号脱敏。"
        "筛选条件与会员名册页面相同。"
    ),
)
def member_list(request, filters: Query[MemberFilters], page: Query[PageParams]):
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
    migrant = "" if filters.migrant is None else ("1" if filters.migrant else "0")
    members = selectors.member_list(
        user,
        q=filters.q,
        org=within,
        employment_form=filters.employment_form.value if filters.employment_form else "",
        new_form_only=filters.new_form_only,
        migrant=migrant,
        joined_year=filters.joined_year or "",
        status=filters.status.value if filters.status else "",
        incomplete="" if filters.incomplete is None else ("1" if filters.incomplete else "0"),
    ).select_related("org", "employer")
    return paginate(members, page, descending=True)


@router.get("/{pk:id}", response={200: MemberOut, **errors(403, 404)}, summary="会员详情")
def member_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return selectors.member_get(request.auth, id)


@router.post(
    "",
    response={201: MemberOut, **errors(403, 404, 422)},
    summary="登记会员",
    description=(
        "校验身份证号(GB 11643 校验位)，性别和出生日期由身份证号得出；手机号须为中国大陆手机号。"
        "同一身份证号在全系统只能是一个工会的在册会员。成功后发放会员卡号。"
    ),
)
def member_create(request, payload: MemberCreateIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = _blanks(plain(payload.model_dump()))
    org = get_in_scope_or_404(Org.objects.all(), user, MODULE, Action.EDIT, pk=data.pop("org_id"))
    data = _employer(data)
    with field_names(**_FIELD_NAMES):
        member = services.member_register(actor=user, org=org, **data)
    return Status(201, selectors.member_get(user, member.pk))


@router.patch(
    "/{pk:id}",
    response={200: MemberOut, **errors(403, 404, 409, 422)},
    summary="修改会员信息",
    description=(
        "只修改请求中给出的字段；所属工会通过会籍转移变更，不能在此修改。"
        "必须带回读取时的 version；已被他人修改时返回 409(stale_version)。已退会的会员不能修改。"
    ),
)
def member_update(request, id: int, payload: MemberUpdateIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    member = selectors.member_get(user, id, Action.EDIT)
    changes = plain(payload.model_dump(exclude_unset=True))
    version = changes.pop("version")
    required_not_null(changes, nullable=_NULLABLE)
    changes = _employer(_blanks(changes))
    with field_names(**_FIELD_NAMES):
        services.member_update(actor=user, member=member, version=version, **changes)
    return selectors.member_get(user, id)
