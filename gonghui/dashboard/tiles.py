"""The leaders' dashboard's tiles: which registered measures it shows, grouped, and over
which period. The dashboard counts nothing itself: a tile whose measure is not registered
(its module has not landed yet) shows as 待接入."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tile:
    code: str  # the measure's code in the metric registry
    title: str  # shown when the measure is not registered
    period: str = "state"  # "state": as of the date; "year": 1 January to the date


GROUPS: list[tuple[str, str, tuple[Tile, ...]]] = [
    (
        "members",
        "会员与覆盖",
        (
            Tile("members.active", "在册会员"),
            Tile("members.joined", "本年新入会会员", "year"),
            Tile("orgs.grassroots_unions", "基层工会"),
            Tile("orgs.union_coverage_rate", "建会率"),
            Tile("members.membership_rate", "入会率"),
            Tile("members.new_employment_form", "新就业形态会员"),
            Tile("members.new_employment_form_share", "新就业形态会员占比"),
            Tile("members.migrant_workers", "农民工会员"),
            Tile("members.join_applications", "本年网上入会申请", "year"),
        ),
    ),
    (
        "assistance",
        "困难帮扶",
        (
            Tile("assistance.archives.open", "在档困难职工"),
            Tile("assistance.alerts.open", "待处置预警"),
            Tile("assistance.aid.paid", "本年帮扶金额", "year"),
            Tile("assistance.visits.on_time_rate", "走访及时率", "year"),
        ),
    ),
    (
        "sites",
        "服务阵地",
        (
            Tile("sites.stations.open", "开放的服务站点"),
            Tile("sites.checkins", "本年站点使用", "year"),
        ),
    ),
    (
        "workforce",
        "建功立业",
        (
            Tile("workforce.competitions.held", "本年劳动竞赛", "year"),
            Tile("workforce.mentorships.signed", "本年师徒结对", "year"),
        ),
    ),
    (
        "rights",
        "维权服务",
        (
            Tile("rights.contracts.coverage_rate", "集体合同覆盖率"),
            Tile("rights.contracts.in_force", "生效集体合同"),
            Tile("rights.contracts.expiring", "即将到期的集体合同"),
            Tile("rights.offers.overdue", "要约逾期未答复"),
            # The 一函两书 funnel: prompts, then opinions, then recommendations this year.
            Tile("rights.notices.prompt", "本年发出提示函", "year"),
            Tile("rights.notices.opinion", "本年发出意见书", "year"),
            Tile("rights.notices.recommendation", "本年发出建议书", "year"),
        ),
    ),
    (
        "outreach",
        "服务大篷车与就业",
        (
            Tile("outreach.stops.held", "本年大篷车服务站次", "year"),
            Tile("outreach.people_served", "本年大篷车服务人次", "year"),
            Tile("outreach.registrations.employed_90d", "90 天内就业人数", "year"),
        ),
    ),
]

# The measures offered for the township comparison (the first registered one is the default).
COMPARE = (
    "members.active",
    "members.joined",
    "orgs.union_coverage_rate",
    "members.membership_rate",
    "members.new_employment_form",
    "orgs.grassroots_unions",
    "assistance.archives.open",
    "workforce.competitions.held",
)
