"""The services listed on the portal home page: the extension point for later flows.

Another app adds its public flow by appending a PortalService here (e.g. the assistance
app's 困难职工自测 `assistance:self_check`, the rights app's 法律援助 `rights:legal_aid_apply`).
Only entries whose URL name resolves are shown, so a flow that is not built (or an app that
is not installed) never shows as a dead or fake tile.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class PortalService:
    title: str
    summary: str
    url_name: str
    mark: str  # one character shown in the tile's badge
    query: str = ""  # appended to the URL, e.g. "?from=portal"


PORTAL_SERVICES: list[PortalService] = [
    PortalService("网上入会", "职工、新就业形态劳动者申请加入工会", "join:apply", "入"),
    PortalService("查找附近站点", "户外劳动者服务站、爱心驿站、母婴室等", "portal:nearest", "站"),
    PortalService("入会进度查询", "凭身份证号和手机号查询审核结果", "join:status", "查"),
    PortalService(
        "困难职工自测",
        "算一算家庭是否符合困难职工帮扶条件，可网上申请",
        "portal:hardship_self_check",
        "助",
    ),
    PortalService(
        "帮扶申请进度", "凭身份证号和手机号查询困难职工申请", "portal:hardship_status", "帮"
    ),
    PortalService(
        "法律援助", "欠薪、工伤、劳动合同纠纷，申请工会法律援助", "rights:legal_aid_apply", "法"
    ),
    PortalService(
        "法律援助进度", "凭身份证号和手机号查询法律援助申请", "rights:legal_aid_status", "援"
    ),
    PortalService("主席论坛", "阅读往期专栏，向主席论坛投稿", "forum:public_home", "论"),
    PortalService(
        "竞赛报名与荣誉",
        "报名劳动和技能竞赛，查看本人荣誉台账",
        "workforce_portal:home",
        "赛",
    ),
    PortalService(
        "五小和合理化建议", "提交五小成果或合理化建议", "workforce_portal:innovation", "创"
    ),
]


@dataclass(frozen=True)
class PortalLink:
    title: str
    summary: str
    url: str
    mark: str


def portal_links() -> list[PortalLink]:
    """The tiles of the home page, in order, for every service whose page exists."""
    links = []
    for service in PORTAL_SERVICES:
        try:
            url = reverse(service.url_name)
        except NoReverseMatch:
            continue
        links.append(PortalLink(service.title, service.summary, url + service.query, service.mark))
    return links
