"""Programmes, archived households and grants for tests and matrix setups."""

import datetime
from decimal import Decimal

from gonghui.assistance import grants, programmes
from gonghui.assistance.choices import ArchiveStatus, SchoolStage
from gonghui.assistance.models import HouseholdMember
from gonghui.assistance.tests.factories import archive_in

D = datetime.date


def archived(org, **overrides):
    """An archived household (category DEEP with the default POOR figures)."""
    return archive_in(ArchiveStatus.ARCHIVED, org=org, **overrides)


def child(archive, stage=SchoolStage.JUNIOR, name="小明") -> HouseholdMember:
    from gonghui.assistance import services

    if archive.household_members.count() + 2 > archive.household_size:
        services.archive_update(
            actor=None, archive=archive, household_size=archive.household_size + 1
        )
        archive.refresh_from_db()
    return services.household_member_add(
        actor=None, archive=archive, relation="child", name=name, school_stage=stage
    )


def programme_in(org, kind="warmth", budget="10000", year=None, name=None, **rule):
    year = year or datetime.date.today().year
    return programmes.programme_create(
        actor=None,
        org=org,
        kind=kind,
        name=name or f"测试{kind}项目",
        year=year,
        starts_on=D(year, 1, 1),
        ends_on=D(year, 12, 31),
        budget=Decimal(budget),
        **rule,
    )


def proposed(programme, archive, actor=None):
    return grants.grants_propose(actor=actor, programme=programme, selections=[(archive.pk, None)])


def approved(programme, archive):
    created = proposed(programme, archive)
    return grants.grants_approve(actor=None, grant_ids=[g.pk for g in created])
