"""Programmes, archived households and grants for tests and matrix setups."""

import datetime
from decimal import Decimal

from gonghui.assistance.archives import services as archive_services
from gonghui.assistance.archives.tests.factories import archive_in
from gonghui.assistance.choices import ArchiveStatus, SchoolStage
from gonghui.assistance.models import HouseholdMember
from gonghui.assistance.programmes import services

D = datetime.date


def archived(org, **overrides):
    """An archived household (category DEEP with the default POOR figures)."""
    return archive_in(ArchiveStatus.ARCHIVED, org=org, **overrides)


def child(archive, stage=SchoolStage.JUNIOR, name="小明") -> HouseholdMember:
    if archive.household_members.count() + 2 > archive.household_size:
        archive_services.archive_update(
            actor=None, archive=archive, household_size=archive.household_size + 1
        )
        archive.refresh_from_db()
    return archive_services.household_member_add(
        actor=None, archive=archive, relation="child", name=name, school_stage=stage
    )


def programme_in(org, kind="warmth", budget="10000", year=None, name=None, **rule):
    year = year or datetime.date.today().year
    return services.programme_create(
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
    return services.grants_propose(
        actor=actor, programme=programme, selections=[(archive.pk, None)]
    )


def approved(programme, archive):
    created = proposed(programme, archive)
    return services.grants_approve(actor=None, grant_ids=[g.pk for g in created])
