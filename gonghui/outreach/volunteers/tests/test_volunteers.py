"""Volunteer teams: members as volunteers, projects, service hours and their checks."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from gonghui.core.errors import ValidationFailed
from gonghui.members.tests.factories import build_member
from gonghui.outreach.volunteers import services
from gonghui.outreach.volunteers.models import ServiceHours, Volunteer

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _team(tree, users):
    return services.team_create(
        actor=users.township_staff, org=tree.a1, name="甲镇职工志愿服务队", kind="team"
    )


def test_members_serve_hours_that_add_up(tree, users):
    team = _team(tree, users)
    member = build_member(org=tree.a1, name="张伟")
    volunteer = services.volunteer_add(
        actor=users.township_staff,
        team=team,
        member_card=member.card_number,
        joined_on=TODAY() - datetime.timedelta(days=30),
    )
    project = services.project_create(
        actor=users.township_staff,
        team=team,
        title="夏送清凉",
        starts_on=TODAY() - datetime.timedelta(days=20),
    )
    for hours in ("2.5", "4"):
        services.hours_record(
            actor=users.township_staff,
            volunteer=volunteer,
            project=project,
            served_on=TODAY() - datetime.timedelta(days=3),
            hours=hours,
        )
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("6.5")
    with pytest.raises(ValidationFailed) as refused:
        services.volunteer_add(
            actor=users.township_staff, team=team, member_card=member.card_number, joined_on=TODAY()
        )
    assert refused.value.fields["member_card"] == ["该会员已是本队志愿者。"]


def test_bad_hours_are_refused_and_nothing_is_written(tree, users):
    team = _team(tree, users)
    member = build_member(org=tree.a1)
    volunteer = services.volunteer_add(
        actor=users.township_staff, team=team, member_card=member.card_number, joined_on=TODAY()
    )
    services.hours_record(
        actor=users.township_staff, volunteer=volunteer, served_on=TODAY(), hours="20"
    )
    cases = [
        ({"served_on": TODAY() + datetime.timedelta(days=1), "hours": "1"}, "served_on"),
        ({"served_on": TODAY() - datetime.timedelta(days=1), "hours": "1"}, "served_on"),
        ({"served_on": TODAY(), "hours": "0.3"}, "hours"),
        ({"served_on": TODAY(), "hours": "5"}, "hours"),  # 25 hours in a day
    ]
    for data, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            services.hours_record(actor=users.township_staff, volunteer=volunteer, **data)
        assert field in refused.value.fields, data
    assert ServiceHours.objects.count() == 1
    assert Volunteer.objects.get(pk=volunteer.pk).hours_total == Decimal("20")


def test_volunteers_must_be_members(tree, users):
    team = _team(tree, users)
    with pytest.raises(ValidationFailed) as refused:
        services.volunteer_add(
            actor=users.township_staff, team=team, member_card="339901999999999", joined_on=TODAY()
        )
    assert "志愿者须是工会会员" in refused.value.fields["member_card"][0]


def test_team_pages(tree, users, login):
    team = _team(tree, users)
    client = login(users.township_staff)
    assert "甲镇职工志愿服务队" in client.get("/outreach/volunteers/").content.decode()
    assert client.get(f"/outreach/volunteers/{team.pk}/").status_code == 200
    assert login(users.county_staff).get(f"/outreach/volunteers/{team.pk}/").status_code == 200


def test_a_dissolved_team_lets_its_volunteers_go_and_takes_no_one_new(tree, users):
    from gonghui.core.errors import Conflict

    team = _team(tree, users)
    member = build_member(org=tree.a1, name="李娜")
    volunteer = services.volunteer_add(
        actor=users.township_staff,
        team=team,
        member_card=member.card_number,
        joined_on=TODAY() - datetime.timedelta(days=30),
    )
    services.team_dissolve(actor=users.township_staff, team=team)
    volunteer.refresh_from_db()
    assert volunteer.left_on == TODAY()
    other = build_member(org=tree.a1, name="赵强")
    with pytest.raises(Conflict):
        services.volunteer_add(
            actor=users.township_staff, team=team, member_card=other.card_number, joined_on=TODAY()
        )
    with pytest.raises(Conflict):
        services.team_dissolve(actor=users.township_staff, team=team)


def test_one_submit_of_a_service_record_shows_every_problem(tree, users, login):
    team = _team(tree, users)
    member = build_member(org=tree.a1)
    volunteer = services.volunteer_add(
        actor=users.township_staff, team=team, member_card=member.card_number, joined_on=TODAY()
    )
    client = login(users.township_staff)
    # an hours figure that does not parse (the form's) and a day in the future (the service's)
    response = client.post(
        f"/outreach/volunteers/{team.pk}/hours/",
        {
            "volunteer": volunteer.pk,
            "served_on": (TODAY() + datetime.timedelta(days=2)).isoformat(),
            "hours": "两小时",
        },
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("服务时长") and m.endswith("请填写数字。") for m in shown)
    assert "服务日期不能晚于今天。" in shown
    assert not ServiceHours.objects.exists()
