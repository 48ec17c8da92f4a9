"""Demo visits: Q1 for most archived households, Q2 for fewer, so the overdue lists have
content. Called by the programmes seeder with its random generator (the demo stays the same
for a seed); bulk-created (no figures, no facts) to keep the seeder fast.
"""

import datetime

from gonghui.assistance.archives.demo import TODAY
from gonghui.assistance.models import Visit
from gonghui.orgs.models import with_org_anchor

YEAR = TODAY.year
D = datetime.date
VISITORS = ["王建国、李秀英", "张伟", "刘芳、陈静", "社工小周"]
FINDINGS = [
    "家中生活基本稳定，子女正常上学。",
    "职工身体状况较上季度好转，已恢复部分工作。",
    "家庭收入无明显变化，送去慰问品。",
    "房屋漏雨已协调社区修缮。",
    "配偶新找到临时工作，收入有所增加。",
]


def visits_seed(households, rng) -> int:
    """Q1 visits for most households, Q2 for fewer: the rest are overdue."""
    rows = []
    for household in households:
        for quarter, share in ((1, 0.85), (2, 0.6)):
            first = D(YEAR, 3 * quarter - 2, 1)
            if household.archived_on and household.archived_on > first:
                continue
            if rng.random() > share:
                continue
            day = first + datetime.timedelta(days=rng.randint(5, 80))
            rows.append(
                Visit(
                    org=household.org,
                    archive=household,
                    visited_on=min(day, TODAY),
                    year=YEAR,
                    quarter=quarter,
                    visitor_names=rng.choice(VISITORS),
                    findings=rng.choice(FINDINGS),
                    job_loss=rng.random() < 0.03,
                )
            )
    Visit.objects.bulk_create(with_org_anchor(rows), batch_size=500)
    return len(rows)
