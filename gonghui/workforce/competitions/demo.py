"""Demo competitions of the demo county: a year of county, township, enterprise, project and
recorded upper-level contests in every state, with entrants, scores over rounds (ties and
missing rounds included), ranks, titles; three open for registration (one on the portal,
one with a full quota and a waiting list). Deterministic for a seed."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from gonghui.orgs.models import with_org_anchor
from gonghui.workforce.choices import Channel, ContestLevel
from gonghui.workforce.competitions import services
from gonghui.workforce.competitions.models import (
    Competition,
    CompetitionKind,
    CompetitionStatus,
    ContestClass,
    Entry,
    EntryStatus,
    ProjectDimension,
    ProjectParticipant,
    ProjectScore,
    Score,
    Title,
    TitleRule,
    Trade,
)
from gonghui.workforce.competitions.ranking import results_recompute

TRADES = [
    ("焊工", "制造"),
    ("电工", "制造"),
    ("钳工", "制造"),
    ("车工", "制造"),
    ("数控车工", "制造"),
    ("汽车维修工", "交通"),
    ("叉车司机", "物流"),
    ("中式烹调师", "服务"),
    ("育婴员", "服务"),
    ("养老护理员", "服务"),
    ("快递员", "新就业形态"),
    ("网约配送员", "新就业形态"),
    ("电子商务师", "商贸"),
    ("茶艺师", "服务"),
    ("农机修理工", "农业"),
    ("砌筑工", "建筑"),
]
TITLES = [
    ("技术能手", "县级一类职业技能竞赛前三名", 10),
    ("技术标兵", "县级职业技能竞赛第四至六名", 20),
    ("岗位能手", "乡镇(街道)级竞赛前三名", 30),
    ("市技术能手", "市级竞赛前三名", 40),
    ("省技术能手", "省级竞赛前三名", 50),
    ("全国技术能手", "全国竞赛(如振兴杯)前五名", 60),
]
# level, class, kind, rank from–to, title, grade steps, note
RULES = [
    (
        ContestLevel.COUNTY,
        ContestClass.FIRST,
        "",
        1,
        3,
        "技术能手",
        1,
        "县级一类竞赛前三名，晋升一级技能等级",
    ),
    (ContestLevel.COUNTY, "", "", 4, 6, "技术标兵", 0, "县级竞赛第四至六名"),
    (ContestLevel.TOWNSHIP, "", "", 1, 3, "岗位能手", 0, "乡镇(街道)级竞赛前三名"),
    (ContestLevel.CITY, "", "", 1, 3, "市技术能手", 0, ""),
    (ContestLevel.PROVINCE, "", "", 1, 3, "省技术能手", 1, ""),
    (ContestLevel.NATIONAL, "", "", 1, 5, "全国技术能手", 1, "振兴杯前五名"),
]
THEMES = ["建功“十四五”、奋进新征程", "技能强县 匠心筑梦", "安全生产月", "提质增效"]


def _reference(county):
    trades = {}
    for name, category in TRADES:
        trades[name] = Trade.objects.get_or_create(name=name, defaults={"category": category})[0]
    titles = {}
    for name, description, order in TITLES:
        titles[name] = Title.objects.get_or_create(
            name=name, defaults={"description": description, "sort_order": order}
        )[0]
    if not TitleRule.objects.filter(org=county).exists():
        for level, klass, kind, low, high, title, steps, note in RULES:
            TitleRule.objects.create(
                org=county,
                level=level,
                contest_class=klass,
                kind=kind,
                rank_from=low,
                rank_to=high,
                title=titles[title],
                grade_steps=steps,
                note=note,
            )
    return trades, titles


def _competition(org, *, status, titles, trades, **fields):
    competition = services.competition_create(
        actor=None,
        org=org,
        trades=trades,
        titles=titles,
        **fields,
    )
    Competition.objects.filter(pk=competition.pk).update(status=status)
    competition.status = status
    return competition


def _entrants(rng, members, competition, trades, per_trade, *, org_path=None):
    pool = [m for m in members if org_path is None or m[2].startswith(org_path)]
    entries = []
    for trade in trades:
        chosen = rng.sample(pool, min(per_trade, len(pool)))
        for member_id, org_id, _path, employer_id in chosen:
            entries.append(
                Entry(
                    org_id=org_id,
                    competition=competition,
                    trade=trade,
                    member_id=member_id,
                    employer_id=employer_id,
                    channel=rng.choice(
                        [Channel.STAFF, Channel.STAFF, Channel.IMPORT, Channel.PORTAL]
                    ),
                    status=EntryStatus.REGISTERED,
                )
            )
    return entries


def _scores(rng, competition, entries):
    scores = []
    top = float(competition.score_max)
    for entry in entries:
        base = rng.uniform(0.55, 0.97)
        for round_ in range(1, competition.rounds + 1):
            if round_ > 1 and rng.random() < 0.04:
                continue  # a missing round (shown as 缺赛, not ranked)
            if rng.random() < 0.02:
                scores.append(Score(entry=entry, round=round_, absent=True))
                continue
            # Whole and half points: ties happen, as in real score sheets.
            theory = Decimal(round(min(top, top * (base + rng.uniform(-0.08, 0.08))) * 2) / 2)
            practical = Decimal(round(min(top, top * (base + rng.uniform(-0.06, 0.06))) * 2) / 2)
            scores.append(
                Score(
                    entry=entry,
                    round=round_,
                    theory=theory if competition.theory_weight else None,
                    practical=practical if competition.practical_weight else None,
                )
            )
    return scores


def seed(*, rng: random.Random, county, townships, members, today) -> dict:
    trades, titles = _reference(county)
    plan = []
    D = datetime.timedelta
    # County skills contests (一类), two rounds, theory 30% / practical 70%.
    county_trades = ["焊工", "电工", "数控车工", "中式烹调师", "养老护理员"]
    statuses = [
        CompetitionStatus.COMMENDED,
        CompetitionStatus.COMMENDED,
        CompetitionStatus.SUMMARY,
        CompetitionStatus.SUMMARY,
        CompetitionStatus.RUNNING,
    ]
    for index, (trade, status) in enumerate(zip(county_trades, statuses, strict=True)):
        starts = today - D(days=300 - index * 55)
        plan.append(
            dict(
                org=county,
                status=status,
                trades=[trades[trade]],
                titles=[titles["技术能手"], titles["技术标兵"]],
                per_trade=rng.randint(28, 46),
                fields=dict(
                    name=f"{starts.year} 年青禾县{trade}职业技能竞赛",
                    kind=CompetitionKind.SKILLS,
                    level=ContestLevel.COUNTY,
                    contest_class=ContestClass.FIRST,
                    theme=THEMES[1],
                    starts_on=starts,
                    ends_on=starts + D(days=2),
                    registration_from=starts - D(days=30),
                    registration_until=starts - D(days=7),
                    theory_weight=30,
                    practical_weight=70,
                    rounds=2,
                    description="初赛理论与实操，决赛实操；两轮成绩相加排名。",
                ),
            )
        )
    # Township contests: labour, drill and knowledge, two per township.
    kinds = [CompetitionKind.LABOUR, CompetitionKind.DRILL, CompetitionKind.KNOWLEDGE]
    township_statuses = [
        CompetitionStatus.COMMENDED,
        CompetitionStatus.SUMMARY,
        CompetitionStatus.COMMENDED,
        CompetitionStatus.RUNNING,
        CompetitionStatus.COMMENDED,
        CompetitionStatus.SUMMARY,
    ]
    township_trades = [
        "快递员",
        "叉车司机",
        "汽车维修工",
        "育婴员",
        "茶艺师",
        "钳工",
        "砌筑工",
        "网约配送员",
    ]
    for index, township in enumerate(townships):
        for n in range(2):
            kind = kinds[(index + n) % 3]
            starts = today - D(days=rng.randint(40, 320))
            trade = trades[township_trades[(index * 2 + n) % len(township_trades)]]
            plan.append(
                dict(
                    org=township,
                    status=township_statuses[(index + n) % len(township_statuses)],
                    trades=[trade],
                    titles=[titles["岗位能手"]],
                    per_trade=rng.randint(12, 24),
                    org_path=township.path,
                    fields=dict(
                        name=f"{township.name}{starts.year} 年{trade.name}{CompetitionKind(kind).label}",
                        kind=kind,
                        level=ContestLevel.TOWNSHIP,
                        theme=rng.choice(THEMES),
                        starts_on=starts,
                        ends_on=starts + D(days=1),
                        registration_from=starts - D(days=20),
                        registration_until=starts - D(days=3),
                        theory_weight=100 if kind == CompetitionKind.KNOWLEDGE else 0,
                        practical_weight=0 if kind == CompetitionKind.KNOWLEDGE else 100,
                        rounds=1,
                    ),
                )
            )
    # Recorded upper-level contests our workers entered.
    for level, organiser, trade, title in (
        (ContestLevel.PROVINCE, "某省总工会", "焊工", "省技术能手"),
        (ContestLevel.NATIONAL, "中华全国总工会(振兴杯)", "数控车工", "全国技术能手"),
        (ContestLevel.CITY, "长川市总工会", "电工", "市技术能手"),
    ):
        starts = today - D(days=rng.randint(60, 200))
        plan.append(
            dict(
                org=county,
                status=CompetitionStatus.COMMENDED,
                trades=[trades[trade]],
                titles=[titles[title]],
                per_trade=rng.randint(3, 6),
                fields=dict(
                    name=f"{starts.year} 年{organiser.split('(')[0]}{trade}职业技能大赛(本县参赛)",
                    kind=CompetitionKind.SKILLS,
                    level=level,
                    organiser_name=organiser,
                    starts_on=starts,
                    ends_on=starts + D(days=3),
                    theory_weight=30,
                    practical_weight=70,
                    rounds=1,
                ),
            )
        )
    # Open now: registration windows around today.
    open_specs = [
        (county, "电子商务师", ContestLevel.COUNTY, CompetitionKind.SKILLS, True, 40),
        (townships[0], "快递员", ContestLevel.TOWNSHIP, CompetitionKind.KNOWLEDGE, True, 14),
        (county, "农机修理工", ContestLevel.COUNTY, CompetitionKind.SKILLS, False, 9),
    ]
    for org, trade, level, kind, portal, per_trade in open_specs:
        starts = today + D(days=20)
        plan.append(
            dict(
                org=org,
                status=CompetitionStatus.APPROVED,
                trades=[trades[trade]],
                titles=[titles["技术能手"]]
                if level == ContestLevel.COUNTY
                else [titles["岗位能手"]],
                per_trade=per_trade,
                org_path=org.path,
                fields=dict(
                    name=f"{starts.year} 年{org.name.replace('总工会', '')}{trade}{CompetitionKind(kind).label}",
                    kind=kind,
                    level=level,
                    contest_class=ContestClass.SECOND
                    if level == ContestLevel.COUNTY
                    else ContestClass.OTHER,
                    starts_on=starts,
                    ends_on=starts + D(days=1),
                    registration_from=today - D(days=10),
                    registration_until=today + D(days=10),
                    portal_open=portal,
                    theory_weight=100 if kind == CompetitionKind.KNOWLEDGE else 40,
                    practical_weight=0 if kind == CompetitionKind.KNOWLEDGE else 60,
                ),
            )
        )
    # Planned and cancelled.
    for name, status, note in (
        ("青禾县茶艺师职业技能竞赛", CompetitionStatus.PLAN, ""),
        (
            "青禾县养老护理员技能比武(二期)",
            CompetitionStatus.CANCELLED,
            "与市级竞赛时间冲突，并入市赛",
        ),
    ):
        starts = today + D(days=60)
        plan.append(
            dict(
                org=county,
                status=status,
                trades=[trades["茶艺师"] if "茶艺" in name else trades["养老护理员"]],
                titles=[titles["技术能手"]],
                per_trade=0,
                note=note,
                fields=dict(
                    name=name,
                    kind=CompetitionKind.SKILLS,
                    level=ContestLevel.COUNTY,
                    contest_class=ContestClass.SECOND,
                    starts_on=starts,
                    ends_on=starts + D(days=1),
                    registration_from=starts - D(days=30),
                    registration_until=starts - D(days=7),
                    theory_weight=30,
                    practical_weight=70,
                ),
            )
        )
    entries, competitions = [], []
    quota_competition = None
    for spec in plan:
        competition = _competition(
            spec["org"],
            status=spec["status"],
            titles=spec["titles"],
            trades=spec["trades"],
            **spec["fields"],
        )
        if spec.get("note"):
            Competition.objects.filter(pk=competition.pk).update(status_note=spec["note"])
        competitions.append(competition)
        if spec["fields"].get("name", "").endswith("农机修理工职业技能竞赛"):
            quota_competition = competition
            continue
        if spec["per_trade"]:
            entries.extend(
                (competition, e)
                for e in _entrants(
                    rng,
                    members,
                    competition,
                    spec["trades"],
                    spec["per_trade"],
                    org_path=spec.get("org_path"),
                )
            )
    rows = with_org_anchor([e for _c, e in entries])
    Entry.objects.bulk_create(rows, batch_size=2000)
    scores = []
    for competition, entry in entries:
        if competition.status in (
            CompetitionStatus.RUNNING,
            CompetitionStatus.SUMMARY,
            CompetitionStatus.COMMENDED,
        ):
            if competition.status == CompetitionStatus.RUNNING and rng.random() < 0.3:
                continue  # scores still being entered
            scores.extend(_scores(rng, competition, [entry]))
    Score.objects.bulk_create(scores, batch_size=4000)
    # Commended ones were published first: compute while "summary", then freeze.
    commended = [c.pk for c in competitions if c.status == CompetitionStatus.COMMENDED]
    Competition.objects.filter(pk__in=commended).update(status=CompetitionStatus.SUMMARY)
    results_recompute()
    Competition.objects.filter(pk__in=commended).update(
        status=CompetitionStatus.COMMENDED, commended_at=timezone.now()
    )
    # A quota of 5 in the county's open contest for the first township: the rest wait.
    if quota_competition is not None:
        services.quota_set(actor=None, competition=quota_competition, org=townships[0], places=5)
        pool = [m for m in members if m[2].startswith(townships[0].path)]
        from gonghui.members.models import Member

        for member_id, *_rest in rng.sample(pool, min(9, len(pool))):
            services.entry_register(
                actor=None,
                competition=quota_competition,
                trade=quota_competition.trades.first(),
                member=Member.objects.select_related("org").get(pk=member_id),
                channel=Channel.STAFF,
            )
        # One registered entrant withdraws: the first on the waiting list moves up.
        first = (
            quota_competition.entries.filter(status=EntryStatus.REGISTERED)
            .order_by("registered_at", "id")
            .first()
        )
        if first is not None:
            services.entry_withdraw(actor=None, entry=first, reason="工作安排冲突，本人申请退出")
    # A project competition (重点工程劳动竞赛) with monthly scores.
    project = _project(rng, county, today)
    return {"competitions": len(competitions) + 1, "entries": len(rows), "project": project}


def _project(rng, county, today):
    from gonghui.orgs.models import Enterprise, Industry

    starts = today - datetime.timedelta(days=150)
    competition = _competition(
        county,
        status=CompetitionStatus.RUNNING,
        titles=[],
        trades=[],
        name=f"{starts.year} 年青禾大道快速路重点工程劳动竞赛",
        kind=CompetitionKind.PROJECT,
        level=ContestLevel.COUNTY,
        theme="比进度 比质量 比安全 比技术 比效益，创优质工程",
        starts_on=starts,
        ends_on=today + datetime.timedelta(days=200),
        theory_weight=100,
        practical_weight=0,
    )
    builders = list(
        Enterprise.objects.filter(org__path__startswith=county.path, industry=Industry.E)
        .select_related("org")
        .order_by("pk")[:6]
    )
    participants = with_org_anchor(
        [
            ProjectParticipant(
                org=e.org, competition=competition, enterprise=e, section=f"第 {i} 标段"
            )
            for i, e in enumerate(builders, start=1)
        ]
    )
    ProjectParticipant.objects.bulk_create(participants)
    scores = []
    for participant in ProjectParticipant.objects.filter(competition=competition):
        for month in range(4):
            period = (starts + datetime.timedelta(days=31 * month)).replace(day=1)
            for code in ProjectDimension.values[:5]:
                scores.append(
                    ProjectScore(
                        participant=participant,
                        period=period,
                        dimension=code,
                        score=Decimal(rng.randint(70, 99)),
                    )
                )
    ProjectScore.objects.bulk_create(scores)
    return competition.pk
