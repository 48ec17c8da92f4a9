"""Demo 名师带徒: ceremonies, 330 pairs over three years (active, appraised, terminated),
checkpoints, allowances by result, and apprentices who placed in a contest (the masters'
rewards)."""

import datetime

from gonghui.orgs.models import with_org_anchor
from gonghui.workforce.choices import AppraisalResult
from gonghui.workforce.competitions.models import PUBLISHED_STATUSES, Entry, Trade
from gonghui.workforce.competitions.ranking import rewards_recompute
from gonghui.workforce.mentorships import services
from gonghui.workforce.mentorships.models import Checkpoint, Mentorship, MentorshipStatus

PAIRS = 330
GOALS = [
    "一年内掌握本岗位全部操作技能，取得中级工证书",
    "两年内达到高级工水平，能独立处理常见故障",
    "掌握数控编程与工艺优化，参加县级技能竞赛",
    "熟练掌握护理操作规范，取得养老护理员资格",
]


def seed(*, rng, county, townships, members, today) -> dict:
    D = datetime.timedelta
    policy = services.policy_for(county)
    ceremonies = []
    for index, township in enumerate(townships[:6]):
        ceremonies.append(
            services.ceremony_create(
                actor=None,
                org=township,
                name=f"{township.name}{today.year - index % 2} 年名师带徒拜师仪式",
                held_on=today - D(days=60 + index * 120),
                place=f"{township.name}职工之家",
            )
        )
    trades = list(Trade.objects.order_by("pk"))
    # Apprentices who placed (rank ≤ 3) in a published contest: their masters earn the reward.
    placed = list(
        Entry.objects.filter(
            competition__org__path__startswith=county.path,
            competition__status__in=PUBLISHED_STATUSES,
            rank__lte=3,
        )
        .select_related("competition", "org")
        .order_by("competition__ends_on", "pk")
        .values_list("member_id", "org_id", "competition__ends_on", "trade_id")
    )
    placed_ids = []
    for member_id, _org, _ends, _trade in placed:
        if member_id not in placed_ids:
            placed_ids.append(member_id)
    placed_ids = placed_ids[:12]
    placed_by_id = {m: (o, e, t) for m, o, e, t in reversed(placed)}
    others = [m for m in members if m[0] not in set(placed_ids)]
    apprentices = placed_ids + [m[0] for m in rng.sample(others, PAIRS - len(placed_ids))]
    masters = [m[0] for m in rng.sample([m for m in others if m[0] not in set(apprentices)], 90)]
    rows = []
    from gonghui.members.models import Member

    orgs = dict(Member.objects.filter(pk__in=apprentices).values_list("pk", "org_id"))
    employers = dict(Member.objects.filter(pk__in=apprentices).values_list("pk", "employer_id"))
    for index, apprentice in enumerate(apprentices):
        if apprentice in placed_by_id:
            _org, contest_end, trade_id = placed_by_id[apprentice]
            signed = contest_end - D(days=rng.randint(120, 300))
        else:
            signed = today - D(days=rng.randint(10, 1000))
            trade_id = rng.choice(trades).pk
        starts = signed
        ends = starts + D(days=rng.choice([364, 365, 729]))
        status, result, appraised, allowance, basis = MentorshipStatus.ACTIVE, "", None, None, ""
        if ends < today:
            roll = rng.random()
            if roll < 0.06:
                status = MentorshipStatus.TERMINATED
            else:
                status = MentorshipStatus.COMPLETED
                result = rng.choices(
                    [AppraisalResult.EXCELLENT, AppraisalResult.PASS, AppraisalResult.FAIL],
                    [3, 6, 1],
                )[0]
                appraised = min(today, ends + D(days=rng.randint(3, 30)))
        mentorship = Mentorship(
            org_id=orgs[apprentice],
            county=county,
            master_id=masters[index % len(masters)],
            apprentice_id=apprentice,
            trade_id=trade_id,
            enterprise_id=employers.get(apprentice),
            ceremony=ceremonies[index % len(ceremonies)] if index % 3 == 0 else None,
            signed_on=signed,
            starts_on=starts,
            ends_on=ends,
            goals=GOALS[index % len(GOALS)],
            plan="每月集中指导不少于 8 小时；每季度考核一次。",
            reward_until=services.add_years(signed, policy.reward_years),
            status=status,
            result=result,
            appraised_on=appraised,
            terminated_on=ends if status == MentorshipStatus.TERMINATED else None,
            terminate_reason="师傅调离本单位" if status == MentorshipStatus.TERMINATED else "",
        )
        if result:
            allowance, basis = services.allowance_for(mentorship, result, policy)
            mentorship.allowance_total, mentorship.allowance_basis = allowance, basis[:200]
        rows.append(mentorship)
    Mentorship.objects.bulk_create(with_org_anchor(rows), batch_size=1000)
    checkpoints = []
    for mentorship in Mentorship.objects.filter(
        county=county, status=MentorshipStatus.ACTIVE
    ).order_by("pk")[:120]:
        for n, title in enumerate(("基本操作考核", "中期技能考核", "综合技能考核")):
            due = mentorship.starts_on + D(days=90 * (n + 1))
            if due > mentorship.ends_on:
                continue
            checkpoints.append(
                Checkpoint(
                    mentorship=mentorship,
                    title=title,
                    due_on=due,
                    done_on=due + D(days=2)
                    if due + D(days=2) < today and rng.random() < 0.8
                    else None,
                    note="考核通过" if due < today else "",
                )
            )
    Checkpoint.objects.bulk_create(checkpoints)
    rewards = rewards_recompute()
    return {"pairs": len(rows), "ceremonies": len(ceremonies), "rewards": rewards}
