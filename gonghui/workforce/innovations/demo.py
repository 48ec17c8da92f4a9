"""Demo 五小 results in every state (with panel scores, exclusions, awards) and 合理化建议."""

import datetime

from gonghui.workforce.choices import Channel, ContestLevel
from gonghui.workforce.innovations import services
from gonghui.workforce.innovations.models import InnovationCategory

TITLES = {
    "invention": ["多功能管道对口器", "便携式焊烟净化器", "电缆剥皮专用刀具"],
    "creation": ["叉车货叉防滑套", "快递分拣辅助架", "面点发酵温控箱"],
    "innovation": ["焊枪快换接头", "冲压模具定位改进", "输送带跑偏自动纠正"],
    "design": ["工具定置柜", "车间目视化看板", "护理床边防坠挡板"],
    "proposal": ["错峰排产节约电费", "包装材料循环使用", "交接班清单化"],
    "renovation": ["老旧设备加装防护罩", "照明改 LED 节能", "车间通风改造"],
}
SUGGESTIONS = [
    ("夜间安排高耗电工序", "建议把熔炼等高耗电工序安排在谷电时段，预计每年节约电费 5 万元。"),
    ("仓库货位编码统一", "建议全厂统一货位编码规则，减少找货时间。"),
    ("食堂增加夜班餐", "夜班职工较多，建议食堂增设夜班餐。"),
    ("设立技能比武常态化机制", "建议每季度组织一次班组技能比武，以赛促学。"),
    ("推广电子交接班", "用手机填写交接班记录，便于追溯。"),
]


def seed(*, rng, county, townships, members, today) -> dict:
    from gonghui.accounts.models import User
    from gonghui.members.models import Member
    from gonghui.workforce.pioneers.models import Team

    reviewer = User.objects.filter(username="county_staff").first()
    teams = list(
        Team.objects.filter(org__path__startswith=county.path)
        .select_related("org", "enterprise")
        .order_by("pk")[:30]
    )
    people = [
        Member.objects.select_related("org", "employer").get(pk=m[0])
        for m in rng.sample(members, 110)
    ]
    people = [p for p in people if p.employer_id is not None]
    categories = InnovationCategory.values
    made = 0
    for index, person in enumerate(people[:90]):
        category = categories[index % len(categories)]
        team = teams[index % len(teams)] if index % 6 == 0 and teams else None
        item = services.innovation_submit(
            actor=None,
            member=None if team else person,
            team=team,
            channel=Channel.PORTAL if index % 5 == 0 else Channel.STAFF,
            category=category,
            title=TITLES[category][index % 3] + ("" if index < 18 else f"({index})"),
            description="针对生产中的实际问题提出改进，经试用效果良好，已在班组推广。",
            year=today.year,
            claimed_benefit=str(rng.choice([0, 8000, 20000, 50000, 120000, 300000])),
            funded_by_science_plan=False if index % 4 or index % 5 == 0 else None,
            awarded_elsewhere=False if index % 4 or index % 5 == 0 else None,
        )
        made += 1
        stage = index % 7
        if stage == 0 or reviewer is None:
            continue  # submitted
        if item.funded_by_science_plan is None:
            services.innovation_exclusions_set(
                actor=None,
                innovation=item,
                funded_by_science_plan=(stage == 6),
                awarded_elsewhere=False,
            )
        item.refresh_from_db()
        services.innovation_review(actor=reviewer, innovation=item, score=str(rng.randint(60, 98)))
        if stage in (1, 2):
            continue  # reviewing
        award = {3: "first", 4: "second", 5: "third", 6: ""}.get(stage, "")
        services.innovation_decide(
            actor=None,
            innovation=item,
            award=award,
            level=ContestLevel.COUNTY,
            on=today - datetime.timedelta(days=rng.randint(1, 60)),
        )
    suggestions = 0
    for index, person in enumerate(people[:150] + people[:60]):
        title, content = SUGGESTIONS[index % len(SUGGESTIONS)]
        item = services.suggestion_submit(
            actor=None,
            member=person,
            channel=Channel.PORTAL if index % 4 == 0 else Channel.STAFF,
            title=title,
            content=content,
            year=today.year,
        )
        suggestions += 1
        if index % 3 == 1:
            services.suggestion_decide(
                actor=None, suggestion=item, adopted=True, benefit=str(rng.choice([0, 5000, 30000]))
            )
        elif index % 3 == 2 and index % 2:
            services.suggestion_decide(
                actor=None, suggestion=item, adopted=False, note="暂不具备实施条件"
            )
    return {"innovations": made, "suggestions": suggestions}
