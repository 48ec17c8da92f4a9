"""`gonghui seed-demo`: idempotent, and enough data to look like a county (issue 2).

Seeding the whole county takes a while, so one test seeds twice and checks everything after,
with 1,000 members instead of 20,000 (no other seeder depends on the number).
"""

import io
from pathlib import Path

from django.apps import apps
from django.core.management import call_command

from gonghui.accounts.models import RoleAssignment, RoleCode, User
from gonghui.accounts.services import LoginResult, login_check
from gonghui.core.demo import DEMO_PASSWORD
from gonghui.orgs.models import Enterprise, Org, OrgLevel, OrgType


def _counts() -> dict[str, int]:
    """Rows per model of every app (an app's seeder joins in as it lands)."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model.__module__.startswith("gonghui.")
    }


def _seed() -> str:
    out = io.StringIO()
    call_command("seed-demo", "--seed", "2026", stdout=out)
    return out.getvalue()


def test_seed_demo_twice_is_idempotent_and_yields_a_demo_county(db, monkeypatch):
    # given
    from gonghui.members import demo
    from gonghui.members.models import Member

    monkeypatch.setattr(demo, "TARGET", 1_000)
    first_output = _seed()
    assert Member.objects.count() >= 1_000  # and a few from the joining and transfer seeders
    after_first = _counts()
    # when
    second_output = _seed()
    # then: nothing new the second time
    assert _counts() == after_first
    assert first_output.endswith("演示数据已就绪。\n")
    assert "gonghui.orgs.demo.seed: " in second_output
    assert "enterprises (+0)" in second_output
    assert "6 demo users (+0)" in second_output
    # and: a county with townships/parks, grassroots unions and employers
    county = Org.objects.get(level=OrgLevel.COUNTY)
    assert county.name == "青禾县总工会"
    townships_and_parks = Org.objects.filter(
        parent=county, type__in=[OrgType.TOWNSHIP, OrgType.PARK]
    )
    assert townships_and_parks.count() >= 10
    assert Org.objects.filter(level=OrgLevel.GRASSROOTS, path__startswith=county.path).count() >= 40
    assert Enterprise.objects.count() >= 200
    assert Enterprise.objects.exclude(org__path__startswith=county.path).count() == 0
    # and: one demo user per role, who can log in with the documented password
    holders = dict(RoleAssignment.objects.values_list("role__code", "user__username"))
    assert sorted(holders) == sorted(RoleCode.values)
    for code in RoleCode.values:
        result, user = login_check(username=holders[code], password=DEMO_PASSWORD)
        assert (result, user.username) == (LoginResult.OK, holders[code])
    assert User.objects.get(username="county_admin").org == county
    assert User.objects.get(username="township_staff").org.parent == county
    assert User.objects.get(username="grassroots_staff").org.type == OrgType.ENTERPRISE


def test_every_app_with_demo_data_is_seeded_after_the_apps_it_refers_to():
    from gonghui.core.demo import demo_seeders

    seeders = demo_seeders()
    # every app's demo module is found, none twice, core's own module is not a seeder
    with_demo = [
        c.name
        for c in apps.get_app_configs()
        if c.name.startswith("gonghui.") and (Path(c.path) / "demo.py").exists()
    ]
    seeded_apps = {
        c.name for c in apps.get_app_configs() if any(s.startswith(c.name + ".") for s in seeders)
    }
    assert seeded_apps == set(with_demo) - {"gonghui.core"}
    assert len(seeders) == len(set(seeders))
    # orgs first (everything belongs to an org), then accounts, then the rest in app order
    assert seeders[:2] == ["gonghui.orgs.demo.seed", "gonghui.accounts.demo.seed"]
    assert seeders.index("gonghui.members.demo.seed") < seeders.index(
        "gonghui.assistance.demo.seed"
    )
    # the apps that list several seeders keep their order
    assert seeders.index("gonghui.members.joining.demo.seed") > seeders.index(
        "gonghui.members.demo.seed"
    )
