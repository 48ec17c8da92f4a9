"""Demo innovation studios at every level and state, with members, quarterly reports,
outcomes and computed appraisals."""

import datetime

from gonghui.workforce.studios import services
from gonghui.workforce.studios.models import OutcomeKind, StudioKind, StudioLevel

NAMES = [
    "智能焊接",
    "数控工艺",
    "电气节能",
    "精益装配",
    "冷链物流",
    "绿色建造",
    "养老照护",
    "中式面点",
    "农机改良",
    "质量攻关",
    "工业互联网",
    "新能源汽修",
]
OUTCOMES = [
    "一种焊缝自动跟踪装置",
    "夹具快换结构改进",
    "变频节能改造方案",
    "装配线防错工装",
    "冷库温控报警改进",
    "装配式构件吊装工法",
    "失能老人翻身辅助垫",
    "面点成型模具",
    "播种机排种器改良",
    "来料检验作业指导书",
]


def seed(*, rng, county, townships, members, today) -> dict:
    from gonghui.members.models import Member
    from gonghui.orgs.models import Enterprise

    D = datetime.timedelta
    hosts = list(
        Enterprise.objects.filter(org__path__startswith=county.path, has_union=True)
        .select_related("org")
        .order_by("-employee_count", "pk")[:12]
    )
    levels = [
        StudioLevel.NATIONAL,
        StudioLevel.PROVINCE,
        StudioLevel.CITY,
        StudioLevel.CITY,
        StudioLevel.COUNTY,
        StudioLevel.COUNTY,
        StudioLevel.COUNTY,
        StudioLevel.ENTERPRISE,
        StudioLevel.ENTERPRISE,
        None,
        None,
        "revoked",
    ]
    by_org: dict[int, list] = {}
    for row in members:
        by_org.setdefault(row[1], []).append(row[0])
    made = 0
    last_year = today.year - 1
    for index, host in enumerate(hosts):
        pool = by_org.get(host.org_id) or [m[0] for m in members[:50]]
        lead = Member.objects.get(pk=pool[index % len(pool)])
        kind = [StudioKind.MODEL_WORKER, StudioKind.CRAFTSMAN, StudioKind.STAFF][index % 3]
        studio = services.studio_create(
            actor=None,
            lead=lead,
            host=host,
            name=f"{lead.name}{NAMES[index]}{StudioKind(kind).label}",
            kind=kind,
            founded_on=today - D(days=900 + index * 30),
            site=f"{host.name}技术中心",
            area_m2=rng.choice([40, 60, 80, 120]),
            funds=str(rng.choice([20000, 50000, 80000, 150000])),
            equipment="三维扫描仪、数控加工中心、检测平台",
            topics="工艺改进、节能降耗、技能人才培养",
        )
        level = levels[index]
        if level == "revoked":
            services.studio_name(
                actor=None,
                studio=studio,
                level=StudioLevel.ENTERPRISE,
                named_on=today - D(days=700),
            )
            services.studio_revoke(actor=None, studio=studio, reason="连续两年考评不合格")
        elif level is not None:
            services.studio_name(
                actor=None,
                studio=studio,
                level=level,
                named_on=today - D(days=rng.randint(20, 800)),
            )
        for member_id in rng.sample(pool, min(len(pool), rng.randint(4, 12))):
            if member_id == lead.pk:
                continue
            services.studio_member_add(
                actor=None,
                studio=studio,
                member=Member.objects.get(pk=member_id),
                role=rng.choice(["core", "member", "member"]),
                joined_on=datetime.date(last_year, 1, 10),
            )
        for year in (last_year, today.year):
            for quarter in range(1, 5):
                submitted = datetime.date(year, quarter * 3, 28)
                if submitted > today or rng.random() < 0.15:
                    continue
                services.report_add(
                    actor=None,
                    studio=studio,
                    year=year,
                    quarter=quarter,
                    activities=rng.randint(1, 6),
                    participants=rng.randint(10, 60),
                    summary="开展技术攻关和技能培训，组织成员交流。",
                    submitted_on=submitted,
                )
        for n in range(rng.randint(1, 4)):
            services.outcome_add(
                actor=None,
                studio=studio,
                kind=rng.choice(OutcomeKind.values),
                title=OUTCOMES[(index + n) % len(OUTCOMES)],
                achieved_on=datetime.date(last_year, rng.randint(1, 12), rng.randint(1, 28)),
                quantity=rng.randint(1, 3),
                benefit=str(rng.choice([0, 50000, 120000, 300000])),
            )
        if studio.status == "named" and index < 7:
            services.studio_appraise(
                actor=None,
                studio=studio,
                year=last_year,
                manual_scores={
                    "sign": rng.randint(7, 10),
                    "facilities": rng.randint(10, 15),
                    "rules": rng.randint(6, 10),
                },
            )
        made += 1
    return {"studios": made}
