"""Demo data of outreach (服务职工进基层): each sub-domain's seeder in turn — caravans, stops,
registrations and follow-ups (caravans/demo.py), activities (activities/demo.py), works
contests with judged entries (contests/demo.py), volunteer teams with projects and hours
(volunteers/demo.py). Every state of every model shows; each seeder adds nothing when its
data is present (idempotent), and is deterministic for a seed. Synthetic people only."""

from gonghui.orgs.models import Org, OrgLevel
from gonghui.outreach.activities.demo import seed_activities
from gonghui.outreach.caravans.demo import seed_caravans
from gonghui.outreach.contests.demo import seed_contests
from gonghui.outreach.volunteers.demo import seed_volunteers

COUNTY_CODE = "339901"


def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE, level=OrgLevel.COUNTY).first()
    if county is None:
        return "no demo county; nothing added"
    townships = list(
        Org.objects.filter(path__startswith=county.path, level=OrgLevel.TOWNSHIP).order_by("code")
    )[:6] or [county]
    return "; ".join(
        seeder(seed=seed, county=county, townships=townships)
        for seeder in (seed_caravans, seed_activities, seed_contests, seed_volunteers)
    )
