"""API for users and role assignments (/api/v1/users) and the current user (/api/v1/me).

Reads go through gonghui.accounts.selectors (scoped), writes through
gonghui.accounts.services.
"""

from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field, field_validator

from gonghui.accounts import selectors, services
from gonghui.accounts.models import Role
from gonghui.core.api import (
    OrgRef,
    PageParams,
    errors,
    field_names,
    in_view_scope,
    paginate,
    require,
)
from gonghui.core.errors import PermissionDenied, ValidationFailed
from gonghui.core.masking import mask_phone
from gonghui.core.modules import ACTIONS, MODULES, Action
from gonghui.core.scope import get_in_scope_or_404, scope_paths
from gonghui.core.text import normalise_text
from gonghui.orgs.models import Org

router = Router(tags=["用户与角色"])
me_router = Router(tags=["当前用户"])

MODULE = "accounts"


# --- schemas ----------------------------------------------------------------------------


class RoleRef(Schema):
    code: str
    name: str


class RoleAssignmentOut(Schema):
    id: int = Field(description="角色分配编号(撤销时使用)")
    role: RoleRef
    org: OrgRef
    granted_at: datetime

    @staticmethod
    def resolve_role(obj):
        return {"code": obj.role.code, "name": obj.role.name}

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}


def _visible_assignments(obj, context) -> list:
    """A user's role assignments at orgs the requesting user may see in this module."""
    request = (context or {}).get("request")
    viewer = getattr(request, "auth", None)
    return [
        assignment
        for assignment in obj.role_assignments.all()
        if viewer is not None and in_view_scope(viewer, MODULE, assignment.org)
    ]


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    org: OrgRef | None = Field(description="所属组织")
    phone: str = Field(description="手机号(脱敏)")
    email: str
    is_active: bool
    last_login: datetime | None
    date_joined: datetime
    roles: list[RoleAssignmentOut] = Field(description="您数据范围内的角色分配")

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name} if obj.org_id else None

    @staticmethod
    def resolve_phone(obj):
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_roles(obj, context):
        return _visible_assignments(obj, context)


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None = Field(description="下一页游标；null 表示没有更多")


class UserFilters(Schema):
    q: str = Field("", description="按用户名或姓名搜索")
    role: str = Field("", description="角色编码")
    is_active: bool | None = Field(None, description="是否启用")


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class UserCreateIn(_Strict):
    username: str = Field(max_length=150)
    password: str = Field(max_length=128, description="至少 10 位，不能是常见密码或与用户名相同")
    full_name: str = Field("", max_length=50)
    org_id: int = Field(description="所属组织")
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        value = value.strip()
        if value and not all(ch.isalnum() or ch in "@.+-_" for ch in value):
            raise ValueError("用户名只能包含字母、数字和 @ . + - _ 字符。")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        phone = normalise_text(value).replace(" ", "").replace("-", "")
        if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
            raise ValueError("手机号格式不正确(7–12 位数字)。")
        return phone

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        value = value.strip()
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError("邮箱格式不正确。") from None
        return value


class RoleGrantIn(_Strict):
    org_id: int = Field(description="在哪个组织授予")
    role: str = Field(max_length=40, description="角色编码，如 township_staff")


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    org: OrgRef | None
    phone: str = Field(description="手机号(脱敏)")
    email: str
    roles: list[RoleAssignmentOut]
    scope: dict[str, dict[str, list[OrgRef]]] = Field(
        description="数据范围：{模块: {操作: [可操作的子树根组织]}}，没有权限的模块不出现"
    )


# --- endpoints: users -------------------------------------------------------------------


@router.get(
    "",
    response={200: UserPage, **errors(403, 422)},
    summary="用户列表",
    description="所属组织在您数据范围内的用户，游标分页。手机号脱敏。",
)
def user_list(request, filters: Query[UserFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    active = "" if filters.is_active is None else ("1" if filters.is_active else "0")
    users = selectors.user_list(request.auth, q=filters.q, role=filters.role, active=active)
    return paginate(users, page)


def _user_detail(viewer, pk: int):
    user = selectors.user_get(viewer, pk)
    prefetch_related_objects(
        [user], Prefetch("role_assignments", queryset=selectors.assignments_of(user))
    )
    return user


@router.get("/{pk:id}", response={200: UserOut, **errors(403, 404)}, summary="用户详情")
def user_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return _user_detail(request.auth, id)


@router.post("", response={201: UserOut, **errors(403, 404, 422)}, summary="新建用户")
def user_create(request, payload: UserCreateIn):
    actor = request.auth
    require(actor, MODULE, Action.EDIT)
    # Missing or outside the actor's scope: 404 alike (the service refuses the same way).
    org = get_in_scope_or_404(Org.objects.all(), actor, MODULE, Action.EDIT, pk=payload.org_id)
    data = payload.model_dump()
    data.pop("org_id")
    with field_names(org="org_id"):
        user = services.user_create(actor=actor, org=org, **data)
    return Status(201, _user_detail(actor, user.pk))


@router.post(
    "/{pk:id}/roles",
    response={201: RoleAssignmentOut, **errors(403, 404, 422)},
    summary="授予角色",
    description=(
        "只能在您管理范围内的组织授予(否则 403 grant_out_of_scope)，且不能强于您自己的权限"
        "(否则 403 grant_too_strong)。重复授予同一角色不会重复记录。"
    ),
)
def role_grant(request, id: int, payload: RoleGrantIn):
    actor = request.auth
    require(actor, MODULE, Action.EDIT)
    user = selectors.user_get(actor, id)
    role = Role.objects.filter(code=payload.role).first()
    if role is None:
        raise ValidationFailed("请检查填写的内容。", fields={"role": ["角色不存在。"]})
    # The service decides (and audits) whether the org is within the actor's scope. An id
    # that names no org gets the very same refusal, so the two cannot be told apart.
    org = Org.objects.filter(pk=payload.org_id).first()
    if org is None:
        raise PermissionDenied("只能在您管理范围内的组织授予角色。", code="grant_out_of_scope")
    with field_names(org="org_id"):
        assignment = services.role_grant(actor=actor, user=user, org=org, role=role)
    return Status(201, assignment)


@router.delete(
    "/{pk:id}/roles/{pk:assignment_id}",
    response={204: None, **errors(403, 404, 422)},
    summary="撤销角色",
)
def role_revoke(request, id: int, assignment_id: int):
    actor = request.auth
    require(actor, MODULE, Action.EDIT)
    user = selectors.user_get(actor, id)
    assignment = selectors.assignment_get(actor, assignment_id)
    if assignment.user_id != user.pk:
        raise Http404
    services.role_revoke(actor=actor, assignment=assignment)
    return Status(204, None)


# --- endpoint: me -----------------------------------------------------------------------


@me_router.get(
    "",
    response={200: MeOut, **errors()},
    summary="当前用户",
    description="当前登录用户、其全部角色分配，以及按模块和操作汇总的数据范围。",
)
def me(request):
    user = request.auth
    assignments = list(selectors.assignments_of(user))
    orgs_by_path = {a.org.path: a.org for a in assignments}
    scope: dict[str, dict[str, list[dict]]] = {}
    for module in MODULES:
        for action in ACTIONS:
            paths = scope_paths(user, module, action)
            roots = [orgs_by_path[p] for p in paths if p in orgs_by_path]
            if roots:
                scope.setdefault(module, {})[action] = [{"id": o.pk, "name": o.name} for o in roots]
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "org": {"id": user.org_id, "name": user.org.name} if user.org_id else None,
        "phone": mask_phone(user.phone),
        "email": user.email,
        "roles": assignments,
        "scope": scope,
    }
