"""Demo honours conferred elsewhere (upper-level 劳模, 奖章, 工匠) recorded by staff."""

import datetime

from gonghui.workforce.choices import ContestLevel
from gonghui.workforce.honours import services
from gonghui.workforce.honours.models import HonourKind

RECORDS = [
    (HonourKind.MODEL_WORKER, "长川市劳动模范", ContestLevel.CITY, "长川市人民政府"),
    (HonourKind.MEDAL, "某省五一劳动奖章", ContestLevel.PROVINCE, "某省总工会"),
    (HonourKind.CRAFTSMAN, "长川工匠", ContestLevel.CITY, "长川市总工会"),
    (HonourKind.MEDAL, "全国五一劳动奖章", ContestLevel.NATIONAL, "中华全国总工会"),
    (HonourKind.OTHER, "长川市技术创新能手", ContestLevel.CITY, "长川市总工会"),
]


def seed(*, rng, county, townships, members, today, people=()) -> dict:
    from gonghui.members.models import Member

    chosen = list(people) + [m[0] for m in rng.sample(members, 11)]
    made = 0
    for index, member_id in enumerate(chosen):
        member = Member.objects.select_related("org", "employer").get(pk=member_id)
        kind, name, level, issuer = RECORDS[index % len(RECORDS)]
        awarded = today - datetime.timedelta(days=rng.randint(100, 1500))
        services.honour_record(
            actor=None,
            kind=kind,
            name=f"{awarded.year} 年{name}",
            level=level,
            awarded_on=awarded,
            issuer=issuer,
            member=member,
        )
        made += 1
    return {"recorded": made}
