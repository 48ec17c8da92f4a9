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
            "forum",
            "主席论坛",
            (
                NavLink("我的投稿", "forum:my_list", "投"),
                NavLink("稿件审读", "forum:submission_list", "审"),
                NavLink("议题", "forum:topic_list", "题"),
                NavLink("期刊编排", "forum:edition_list", "期"),
                NavLink("论坛统计", "forum:stats", "统"),
                NavLink("论坛设置", "forum:settings", "设"),
            ),
        ),
        Module(
            "rights",
            "维权",
            (
                NavLink("单位维权档案", "rights:employer_list", "档"),
                NavLink("集体合同", "rights:contract_list", "合"),
                NavLink("协商要约", "rights:offer_list", "约"),
                NavLink("要约行动", "rights:season_list", "季"),
                NavLink("工资支付检查", "rights:wagecheck_list", "薪"),
                NavLink("一函两书", "rights:notice_list", "函"),
                NavLink("法律援助", "rights:case_list", "援"),
                NavLink("劳动法律监督", "rights:inspection_list", "督"),
                NavLink("维权提醒", "rights:reminder_list", "醒"),
                NavLink("维权统计", "rights:stats", "统"),
            ),
        ),
        Module(
            "outreach",
            "服务职工进基层",
            (
                NavLink("大篷车", "outreach:caravan_list", "车"),
                NavLink("服务站次", "outreach:stop_list", "站"),
                NavLink("跟踪回访", "outreach:followup_list", "跟"),
                NavLink("职工活动", "outreach:activity_list", "活"),
                NavLink("作品征集", "outreach:contest_list", "征"),
                NavLink("我的评审", "outreach:judging", "评"),
                NavLink("志愿服务", "outreach:team_list", "志"),
                NavLink("服务统计", "outreach:stats", "计"),
            ),
        ),
        Module(
            "plans",
            "目标与产改",
            (
                NavLink("领导驾驶舱", "dashboard:home", "驾"),
                NavLink("年度目标", "plans:plan_list", "标"),
                NavLink("产改清单", "plans:reform_list", "改"),
                NavLink("统计年报", "dashboard:return_list", "报"),
            ),
        ),
        Module(
            "staffing",
            "社工队伍",
            (
                NavLink("社工名册", "staffing:worker_list", "社"),
                NavLink("社工岗位", "staffing:post_list", "岗"),
                NavLink("社工考核", "staffing:appraisal_list", "考"),
                NavLink("社工工资表", "staffing:pay_sheet", "薪"),
                NavLink("晋升推荐", "staffing:promotion_list", "晋"),
                NavLink("社工统计", "staffing:stats", "计"),
                NavLink("社工管理规则", "staffing:settings", "规"),
                NavLink("我的考核", "staffing:my_appraisals", "我"),
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
