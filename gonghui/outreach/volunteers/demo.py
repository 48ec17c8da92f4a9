"""Demo volunteer teams: a workers' volunteer team and a 新时代文明实践站 per township (up to
two), each with members of the union as volunteers (a leader, members, one who left),
projects and service hours over the past season; and a team that was dissolved. Volunteers
are demo members (the members seeder runs first); without members no team is seeded.
Idempotent: nothing is added when the county already has teams."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Org
from gonghui.outreach.volunteers import services
from gonghui.outreach.volunteers.models import TeamKind, VolunteerRole, VolunteerTeam

TEAMS = [
    (TeamKind.TEAM, "{org}职工志愿服务队", "义务维修、助老助残、文明交通劝导"),
    (TeamKind.PRACTICE_STATION, "{org}新时代文明实践站", "理论宣讲、职工子女暑期托管、健康义诊"),
]
PROJECTS = [
    ("“小棉袄”职工子女暑期托管", "职工服务中心", 80, 40),
    ("“工会红”义务维修进社区", "社区文化礼堂", 50, 0),
]


def _members(org: Org, count: int) -> list[Member]:
    return list(
        Member.objects.filter(
            org__path__startswith=org.path, status=MemberStatus.ACTIVE, card_number__gt=""
        ).order_by("id")[:count]
    )


@transaction.atomic
def seed_volunteers(*, seed: int, county: Org, townships: list[Org]) -> str:
    if VolunteerTeam.objects.filter(org__path__startswith=county.path).exists():
        return "volunteer teams present; nothing added"
    rng = random.Random(seed * 7919 + 183)
    today = timezone.localdate()
    teams = hours = 0
    for township in townships[:2]:
        members = _members(township, 10)
        if len(members) < 4:
            continue
        for number, (kind, name, description) in enumerate(TEAMS):
            people = members[number::2]
            team = services.team_create(
                actor=None,
                org=township,
                name=name.format(org=township.name),
                kind=kind,
                leader_name=people[0].name,
                description=description,
                founded_on=today - datetime.timedelta(days=700),
            )
            teams += 1
            volunteers = [
                services.volunteer_add(
                    actor=None,
                    team=team,
                    member_card=member.card_number,
                    role=VolunteerRole.LEADER if index == 0 else VolunteerRole.MEMBER,
                    joined_on=today - datetime.timedelta(days=300 - index * 10),
                )
                for index, member in enumerate(people)
            ]
            projects = [
                services.project_create(
                    actor=None,
                    team=team,
                    title=title,
                    place=f"{township.name}{place}",
                    starts_on=today - datetime.timedelta(days=start),
                    ends_on=today - datetime.timedelta(days=end) if end else None,
                    description=f"{title}，由{team.name}承办。",
                )
                for title, place, start, end in PROJECTS
            ]
            for volunteer in volunteers:
                for _ in range(rng.randrange(2, 5)):
                    project = rng.choice(projects + [None])
                    first = max(
                        volunteer.joined_on, project.starts_on if project else volunteer.joined_on
                    )
                    last = project.ends_on if project and project.ends_on else today
                    day = first + datetime.timedelta(days=rng.randrange((last - first).days + 1))
                    services.hours_record(
                        actor=None,
                        volunteer=volunteer,
                        project=project,
                        served_on=day,
                        hours=rng.choice(["1.5", "2", "3", "4"]),
                        note=project.title if project else "文明交通劝导",
                    )
                    hours += 1
            services.volunteer_leave(actor=None, volunteer=volunteers[-1])
    if teams:
        members = _members(county, 3)
        team = services.team_create(
            actor=None,
            org=county,
            name="县职工文艺志愿服务队",
            kind=TeamKind.TEAM,
            leader_name=members[0].name,
            description="职工文艺演出进基层。",
            founded_on=today - datetime.timedelta(days=1500),
        )
        for member in members:
            services.volunteer_add(
                actor=None,
                team=team,
                member_card=member.card_number,
                joined_on=today - datetime.timedelta(days=1400),
            )
        services.team_dissolve(actor=None, team=team)
        teams += 1
    return f"{teams} volunteer teams, {hours} service records"
