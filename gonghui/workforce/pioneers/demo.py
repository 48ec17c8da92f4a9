"""Demo teams, 工人先锋号 and other nominations in every step, incidents, barred-year rules,
60 selected 优秀班组 and team trainings."""

import datetime

from gonghui.orgs.models import with_org_anchor
from gonghui.workforce.choices import ContestLevel
from gonghui.workforce.pioneers import prechecks, services
from gonghui.workforce.pioneers.models import (
    BarRule,
    ExcellentTeam,
    ExcellentTeamStatus,
    IncidentKind,
    NominationKind,
    Team,
    TeamKind,
    TeamTraining,
)

TEAM_WORDS = [
    "焊接",
    "装配",
    "机加工",
    "质检",
    "仓储",
    "配送",
    "维修",
    "电气",
    "客服",
    "前厅",
    "后厨",
    "护理",
]
TOPICS = [
    "安全生产操作规程",
    "新《安全生产法》解读",
    "精益生产与 5S 管理",
    "设备点检与保养",
    "职业病防护",
    "消防器材使用",
    "班组长管理能力",
    "数控编程进阶",
    "急救知识与心肺复苏",
    "服务礼仪",
]
TRAINERS = ["王工", "李师傅", "张老师", "陈高工", "赵技师", "刘讲师"]
DEEDS = [
    "班组连续三年实现安全生产零事故，开展技术攻关 6 项，节约成本 80 余万元。",
    "窗口服务群众满意率 99%，推行一次性告知和延时服务，收到表扬信 20 余封。",
    "项目部攻克深基坑施工难题，提前 45 天完成节点工期，获评市级安全文明工地。",
    "扎根一线二十年，带出徒弟 15 人，其中 6 人取得技师资格。",
]


def seed(*, rng, county, townships, members, today) -> dict:
    from gonghui.orgs.models import Enterprise

    D = datetime.timedelta
    for kind, years, note in (
        (IncidentKind.SAFETY_ACCIDENT, 3, "较大及以上生产安全事故发生后三年内不得推荐"),
        (IncidentKind.MASS_INCIDENT, 3, "发生群体性事件后三年内不得推荐"),
        (IncidentKind.SOCIAL_INSURANCE, 1, "欠缴社会保险费查实后一年内不得推荐"),
    ):
        BarRule.objects.get_or_create(
            org=county, kind=kind, defaults={"years": years, "note": note}
        )
    employers = list(
        Enterprise.objects.filter(org__path__startswith=county.path, has_union=True)
        .select_related("org")
        .order_by("pk")[:90]
    )
    teams = []
    for index, employer in enumerate(employers):
        for n in range(2 if index % 3 else 1):
            word = TEAM_WORDS[(index + n) % len(TEAM_WORDS)]
            kind = [
                TeamKind.CREW,
                TeamKind.CREW,
                TeamKind.WINDOW,
                TeamKind.OFFICE,
                TeamKind.PROJECT,
            ][(index + n) % 5]
            teams.append(
                Team(
                    org=employer.org,
                    enterprise=employer,
                    name=f"{word}{'一二三'[n]}班"
                    if kind == TeamKind.CREW
                    else f"{word}{TeamKind(kind).label}",
                    kind=kind,
                    leader_name=rng.choice(["王", "李", "张", "刘", "陈", "杨"])
                    + rng.choice(["强", "芳", "军", "敏", "磊", "静"]),
                    headcount=rng.randint(6, 40),
                )
            )
    Team.objects.bulk_create(with_org_anchor(teams), ignore_conflicts=True)
    teams = list(
        Team.objects.filter(org__path__startswith=county.path)
        .select_related("enterprise__org", "org")
        .order_by("pk")
    )
    # One employer had a serious accident last year: its teams are barred (pre-check fails).
    barred = teams[3].enterprise
    services.incident_record(
        actor=None,
        enterprise=barred,
        kind=IncidentKind.SAFETY_ACCIDENT,
        occurred_on=today - D(days=400),
        description="车间发生一起较大生产安全事故(演示数据)",
    )
    # Approved nominations need employers the rights module has nothing against (collective
    # contract in force, no open wage finding or legal-aid case); the others stay in notice.
    clean = _rights_clean({t.enterprise_id for t in teams} - {barred.pk})
    approvable = [t for t in teams if t.enterprise_id in clean]
    # Nominations in every step.
    steps = [
        "nominated",
        "nominated",
        "reviewed",
        "notice",
        "notice",
        "notice_over",
        "objection",
        "approved",
        "approved",
        "approved",
        "approved",
        "approved",
        "rejected",
        "revoked",
        "barred",
    ]
    nominations = 0
    for index, step in enumerate(steps):
        if step == "barred":
            team = teams[3]
        elif step in ("approved", "revoked") and approvable:
            team = approvable[(index * 7 + 5) % len(approvable)]
        else:
            team = teams[(index * 7 + 5) % len(teams)]
        nomination = services.nomination_create(
            actor=None,
            org=team.org,
            kind=NominationKind.PIONEER,
            level=ContestLevel.COUNTY,
            year=today.year,
            team=team,
            deeds=DEEDS[index % len(DEEDS)],
            workers_heard_on=today - D(days=60),
            workers_heard_note="班组职工大会",
        )
        nominations += 1
        if step == "nominated":
            continue
        nomination = services.nomination_review(
            actor=None, nomination=nomination, note="材料齐全，同意公示"
        )
        if step == "reviewed":
            continue
        if step == "rejected":
            services.nomination_reject(
                actor=None, nomination=nomination, reason="事迹材料不够具体，请补充后明年再报"
            )
            continue
        ongoing = step in ("notice", "objection")
        start = today - D(days=2) if ongoing else today - D(days=20)
        nomination = services.nomination_notice(
            actor=None, nomination=nomination, notice_from=start, notice_until=start + D(days=6)
        )
        if step == "objection":
            services.objection_record(
                actor=None,
                nomination=nomination,
                received_on=today,
                content="反映该班组有加班未足额支付加班费的情况，请核实。",
            )
        if step in ("notice", "objection", "notice_over"):
            continue
        if step != "barred" and team.enterprise_id not in clean:
            continue
        nomination = (
            services.nomination_approve(actor=None, nomination=nomination, on=today - D(days=10))
            if step != "barred"
            else nomination
        )
        if step == "revoked":
            services.nomination_revoke(
                actor=None,
                nomination=nomination,
                reason="单位发生安全事故，予以摘牌",
                on=today - D(days=3),
            )
    # Person honours: 五一劳动奖章 and 工匠 nominations (approved).
    people = rng.sample(members, 4)
    from gonghui.members.models import Member

    for index, (member_id, *_rest) in enumerate(people):
        member = Member.objects.select_related("org", "employer").get(pk=member_id)
        if member.employer_id is None:
            continue
        if member.employer_id not in _rights_clean({member.employer_id}):
            continue
        kind = NominationKind.MEDAL if index % 2 == 0 else NominationKind.CRAFTSMAN
        nomination = services.nomination_create(
            actor=None,
            org=member.org,
            kind=kind,
            level=ContestLevel.COUNTY,
            year=today.year,
            member=member,
            deeds=DEEDS[3],
            workers_heard_on=today - D(days=70),
            workers_heard_note="职工代表大会",
        )
        nomination = services.nomination_review(actor=None, nomination=nomination)
        start = today - D(days=25)
        nomination = services.nomination_notice(
            actor=None, nomination=nomination, notice_from=start, notice_until=start + D(days=6)
        )
        services.nomination_approve(actor=None, nomination=nomination, on=today - D(days=12))
        nominations += 1
    # 优秀班组: 60 selected this year, some candidates waiting.
    candidates = [t for t in teams if t.enterprise_id != barred.pk][:72]
    for index, team in enumerate(candidates):
        item = services.excellent_team_propose(
            actor=None, team=team, year=today.year, reason="班组建设成效突出"
        )
        if index < 60:
            services.excellent_team_decide(
                actor=None, item=item, selected=True, on=today - D(days=rng.randint(5, 40))
            )
        elif index < 66:
            services.excellent_team_decide(
                actor=None, item=item, selected=False, on=today - D(days=5)
            )
    # Team trainings (≥ 30 a year).
    trainings = []
    for index in range(42):
        team = teams[(index * 5) % len(teams)]
        trainings.append(
            TeamTraining(
                org=team.org,
                team=team,
                enterprise=team.enterprise,
                held_on=today - D(days=rng.randint(3, 330)),
                topic=TOPICS[index % len(TOPICS)],
                trainer=rng.choice(TRAINERS),
                attendees=rng.randint(8, 45),
                hours=rng.choice([2, 3, 4, 8]),
            )
        )
    TeamTraining.objects.bulk_create(with_org_anchor(trainings))
    return {
        "teams": len(teams),
        "nominations": nominations,
        "excellent": ExcellentTeam.objects.filter(status=ExcellentTeamStatus.SELECTED).count(),
        "trainings": len(trainings),
    }


def _rights_clean(enterprise_ids: set[int]) -> set[int]:
    """The employers whose rights record passes the nomination pre-checks (all of them when
    the rights module is not installed)."""
    statuses = prechecks.rights_statuses(enterprise_ids)
    if statuses is None:
        return set(enterprise_ids)
    return {
        pk
        for pk, status in statuses.items()
        if status.contract_in_force
        and not status.open_wage_findings
        and not status.open_legal_aid_cases
    }
