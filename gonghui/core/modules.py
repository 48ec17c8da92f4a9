"""The module and action vocabulary roles are made of (DESIGN §2).

Apps add their module here when they land, so navigation and the role editor
only ever show what exists.
"""

from dataclasses import dataclass


class Action:
    VIEW = "view"
    EDIT = "edit"
    APPROVE = "approve"
    EXPORT = "export"
    VIEW_SENSITIVE = "view_sensitive"


ACTIONS: dict[str, str] = {
    Action.VIEW: "查看",
    Action.EDIT: "编辑",
    Action.APPROVE: "审批",
    Action.EXPORT: "导出",
    Action.VIEW_SENSITIVE: "查看敏感信息",
}


@dataclass(frozen=True)
class NavLink:
    """A menu link. Who sees it is decided by the page itself: the access its view declares
    with `gonghui.core.scope.requires`, so the menu shows exactly the pages a user can open."""

    name: str
    url_name: str
    icon: str  # one glyph shown beside the name


@dataclass(frozen=True)
class Module:
    code: str
    name: str
    links: tuple[NavLink, ...]


MODULES: dict[str, Module] = {
    m.code: m
    for m in [
        Module(
            "orgs",
            "组织与单位",
            (
                NavLink("组织架构", "orgs:tree", "组"),
                NavLink("组织列表", "orgs:list", "列"),
                NavLink("用人单位", "orgs:enterprise_list", "企"),
            ),
        ),
        Module(
            "members",
            "会员管理",
            (
                NavLink("会员名册", "members:list", "会"),
                NavLink("入会审核", "members:join_list", "审"),
                NavLink("会籍转移", "members:transfer_list", "转"),
                NavLink("会员统计", "members:stats", "统"),
            ),
        ),
        Module(
            "sites",
            "服务阵地",
            (
                NavLink("服务阵地", "sites:list", "站"),
                NavLink("反馈与报修", "sites:feedback_list", "修"),
                NavLink("阵地地图", "sites:map", "图"),
                NavLink("覆盖分析", "sites:coverage", "覆"),
                NavLink("阵地统计", "sites:stats", "计"),
            ),
        ),
        Module(
            "assistance",
            "困难帮扶",
            (
                NavLink("困难职工档案", "assistance:list", "帮"),
                NavLink("预警", "assistance:alert_list", "警"),
                NavLink("监测规则", "assistance:rules", "规"),
                NavLink("帮扶项目", "assistance:programme_list", "项"),
                NavLink("走访", "assistance:visit_list", "访"),
                NavLink("帮扶统计", "assistance:stats", "统"),
                NavLink("年度抽查", "assistance:spot_checks", "抽"),
            ),
        ),
        Module(
            "workforce",
            "产业工人",
            (
                NavLink("竞赛", "workforce:competition_list", "赛"),
                NavLink("荣誉推荐", "workforce:nomination_list", "荐"),
                NavLink("班组与培训", "workforce:team_list", "班"),
                NavLink("创新工作室", "workforce:studio_list", "创"),
                NavLink("名师带徒", "workforce:mentorship_list", "徒"),
                NavLink("五小与建议", "workforce:innovation_list", "五"),
                NavLink("荣誉台账", "workforce:honour_list", "荣"),
                NavLink("产业工人统计", "workforce:stats", "统"),
                NavLink("规则设置", "workforce:settings", "规"),
            ),
        ),
        Module("accounts", "用户与角色", (NavLink("用户与角色", "accounts:user_list", "人"),)),
        Module("audit", "审计日志", (NavLink("审计日志", "audit:event_list", "审"),)),
    ]
}

# Pages that belong to no single module (imports serve every module the user may edit).
TOOL_LINKS: tuple[NavLink, ...] = (NavLink("数据导入", "imports:list", "导"),)


@dataclass(frozen=True)
class NavGroup:
    code: str
    name: str
    links: tuple[NavLink, ...]


def nav_groups() -> list[NavGroup]:
    """The menu: a group per module with several pages, then one 系统管理 group for the
    single-page modules (users, audit) and the tools."""
    groups = [NavGroup(m.code, m.name, m.links) for m in MODULES.values() if len(m.links) > 1]
    system = tuple(link for m in MODULES.values() if len(m.links) == 1 for link in m.links)
    groups.append(NavGroup("system", "系统管理", system + TOOL_LINKS))
    return groups
