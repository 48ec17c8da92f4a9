"""Builders for monitoring tests and matrix setups (usable outside fixtures)."""

import datetime
from decimal import Decimal

from gonghui.assistance.archives.tests.factories import archive_in, ensure_standard
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import HardshipArchive
from gonghui.assistance.monitoring import services
from gonghui.core.crypto import keyed_hash
from gonghui.members.tests.factories import make_id_number

ON = datetime.date(2026, 6, 30)  # a Tuesday; chinese-calendar knows 2026


def figures(archive, **values) -> HardshipArchive:
    """Set an archive's stored figures directly (a boundary needs exact values)."""
    HardshipArchive.objects.filter(pk=archive.pk).update(**values)
    archive.refresh_from_db()
    return archive


def watched(org, **overrides) -> HardshipArchive:
    ensure_standard(org)
    return archive_in(ArchiveStatus.WATCHED, org=org, **overrides)


def applied(org, **overrides) -> HardshipArchive:
    ensure_standard(org)
    return archive_in(ArchiveStatus.APPLIED, org=org, **overrides)


def rejected(org, **overrides) -> HardshipArchive:
    """An application found not eligible (未予建档)."""
    ensure_standard(org)
    return archive_in(ArchiveStatus.REJECTED, org=org, **overrides)


def archived(org, **overrides) -> HardshipArchive:
    """An archived household whose yearly check is not due (tests set it when they need it)."""
    ensure_standard(org)
    archive = archive_in(ArchiveStatus.ARCHIVED, org=org, **overrides)
    return figures(archive, next_review_due=ON + datetime.timedelta(days=180))


def medical(archive_or_member, amount, *, care="inpatient", on=ON, days_ago=10):
    return services.medical_expense_record(
        actor=None,
        id_number=archive_or_member.id_number,
        occurred_on=on - datetime.timedelta(days=days_ago),
        care=care,
        self_paid=Decimal(str(amount)),
    )[0]


def job_loss(target, *, on=ON, days_ago=10):
    return services.job_loss_record(
        actor=None, id_number=target.id_number, lost_on=on - datetime.timedelta(days=days_ago)
    )[0]


def disaster(target, *, on=ON, days_ago=5, loss=3000, kind="flood"):
    return services.disaster_event_record(
        actor=None,
        id_number=target.id_number,
        occurred_on=on - datetime.timedelta(days=days_ago),
        kind=kind,
        loss=Decimal(str(loss)),
    )[0]


def run(on=ON, county=None, actor=None):
    return services.monitoring_run(actor=actor, county=county, on=on, trigger="scheduled")


def id_hash(id_number: str) -> str:
    return keyed_hash(id_number)


def new_id(n: int) -> str:
    return make_id_number(n=n, birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=n % 3000))
