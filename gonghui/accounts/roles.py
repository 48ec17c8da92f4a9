"""Built-in roles and what each grants (DESIGN §2, issue 2).

Modules are of two kinds: administration (orgs, accounts, audit) and business
(members, assistance, ... as they land). Business modules share a profile per
role, so a new module gets sensible grants by registering itself in MODULES.
"""

from gonghui.accounts.models import RoleCode
from gonghui.core.modules import ACTIONS, MODULES, Action

ALL = list(ACTIONS)
V, E, AP, X, S = (
    Action.VIEW,
    Action.EDIT,
    Action.APPROVE,
    Action.EXPORT,
    Action.VIEW_SENSITIVE,
)
ADMIN_MODULES = ("orgs", "accounts", "audit")

_ADMIN_GRANTS: dict[str, dict[str, list[str]]] = {
    RoleCode.COUNTY_ADMIN: {"orgs": ALL, "accounts": ALL, "audit": ALL},
    RoleCode.COUNTY_STAFF: {"orgs": [V, E, X, S], "accounts": [V]},
    RoleCode.TOWNSHIP_STAFF: {"orgs": [V, E, X], "accounts": [V, E]},
    RoleCode.GRASSROOTS_STAFF: {"orgs": [V]},
    RoleCode.SOCIAL_WORKER: {"orgs": [V]},
    RoleCode.LEADER: {"orgs": [V, X], "audit": [V]},
}
_BUSINESS_GRANTS: dict[str, list[str]] = {
    RoleCode.COUNTY_ADMIN: ALL,
    RoleCode.COUNTY_STAFF: [V, E, AP, X, S],
    RoleCode.TOWNSHIP_STAFF: [V, E, AP, X],
    RoleCode.GRASSROOTS_STAFF: [V, E, X],
    RoleCode.SOCIAL_WORKER: [V, E],
    RoleCode.LEADER: [V, X],
}
# Where a business module departs from the shared profile. A grassroots union decides who
# joins it and which transfers it receives (DESIGN §4: "the employer has a union → that
# union reviews"), so its staff approve in members, and nowhere else.
_BUSINESS_EXTRA: dict[str, dict[str, list[str]]] = {
    "members": {RoleCode.GRASSROOTS_STAFF: [AP]},
    # Township staff and social workers follow registered workers up by phone (跟踪回访):
    # they see the phones of registrations in their scope (each view is audited), and
    # social workers export the lists they call through.
    "outreach": {RoleCode.TOWNSHIP_STAFF: [S], RoleCode.SOCIAL_WORKER: [X, S]},
}
# Where a business module grants less than the shared profile. Social workers' records,
# pay and appraisals are their colleagues' personal matters: a social worker sees only
# their own (the 我的考核 page), not the module.
_BUSINESS_ONLY: dict[str, dict[str, list[str]]] = {
    "staffing": {RoleCode.SOCIAL_WORKER: [], RoleCode.GRASSROOTS_STAFF: []},
}
DESCRIPTIONS = {
    RoleCode.COUNTY_ADMIN: "管理全县组织、用户、角色和审计，拥有全部业务权限",
    RoleCode.COUNTY_STAFF: "办理全县业务，可审批、导出和查看敏感信息",
    RoleCode.TOWNSHIP_STAFF: "办理本乡镇(街道、园区)及下级组织的业务，可为下级授权",
    RoleCode.GRASSROOTS_STAFF: "办理本基层工会的业务，审核本工会的入会申请和转入申请",
    RoleCode.SOCIAL_WORKER: "协助办理业务：录入、走访、服务",
    RoleCode.LEADER: "只读查看各项业务与统计，可导出",
}


def builtin_permissions(code: str) -> dict[str, list[str]]:
    grants = {m: list(a) for m, a in _ADMIN_GRANTS[code].items()}
    for module in MODULES:
        if module not in ADMIN_MODULES:
            extra = _BUSINESS_EXTRA.get(module, {}).get(code, [])
            grants[module] = [a for a in ALL if a in _BUSINESS_GRANTS[code] or a in extra]
            only = _BUSINESS_ONLY.get(module, {}).get(code)
            if only is not None:
                grants[module] = [a for a in grants[module] if a in only]
    return grants


def roles_sync() -> None:
    """Create or update the built-in roles to match the code (idempotent)."""
    from gonghui.accounts.models import Role

    for code, label in RoleCode.choices:
        Role.objects.update_or_create(
            code=code,
            defaults={
                "name": label,
                "description": DESCRIPTIONS[code],
                "permissions": builtin_permissions(code),
                "is_builtin": True,
            },
        )
