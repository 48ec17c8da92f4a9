"""Valid synthetic archives for tests and matrix setups (usable outside fixtures).

`build_archive` creates an `applied` archive (a standard is set for the county if it has
none); `archive_in(status, ...)` walks the lifecycle with dated steps so every status,
including exited after the 6-month rule, can be reached.
"""

import datetime
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.assistance.archives import services
from gonghui.assistance.choices import ArchiveStatus, AttachmentKind, HardshipCause
from gonghui.assistance.models import LivingAllowanceStandard
from gonghui.assistance.standards.selectors import county_of
from gonghui.assistance.standards.services import standard_set
from gonghui.members.tests.factories import make_id_number

_counter = itertools.count(1)
PDF_BYTES = b"%PDF-1.4\n% synthetic test document\n1 0 obj <<>> endobj\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# A walk through every status with fixed dates (all in the past).
D = datetime.date
APPLIED_ON = D(2025, 1, 2)
CHECKED_ON = D(2025, 1, 3)
VISITED_ON = D(2025, 1, 4)
APPROVED_ON = D(2025, 1, 5)
ARCHIVED_ON = D(2025, 1, 6)
RECOVERED_ON = D(2025, 2, 1)  # a review finds the household above the lines
EXITED_ON = D(2025, 9, 1)  # ≥ 6 months later
WATCHED_ON = D(2025, 9, 2)
RELAPSED_ON = D(2025, 10, 1)

POOR = {"annual_income": Decimal("18000"), "household_size": 3}  # 500/month: DEEP at 800
RECOVERED = {"annual_income": Decimal("90000"), "household_size": 3}  # 2,500/month: NONE


STANDARD_FROM = D(2020, 1, 1)


def ensure_standard(org, amount="800", effective_from=STANDARD_FROM) -> None:
    county = county_of(org)
    if not LivingAllowanceStandard.objects.filter(org=county).exists():
        standard_set(
            actor=None,
            county=county,
            year=effective_from.year,
            monthly_amount=Decimal(amount),
            effective_from=effective_from,
        )


def archive_fields(**overrides) -> dict:
    n = next(_counter)
    data = dict(
        name=f"困难职工{n}",
        id_number=make_id_number(n=5000 + n, birth=D(1975, 1, 1) + datetime.timedelta(days=n)),
        phone="13900001234",
        hukou_type="urban",
        main_cause=HardshipCause.SERIOUS_ILLNESS,
        secondary_causes=[HardshipCause.CHILD_SCHOOLING],
        bank_name="测试银行",
        bank_account="6222020000001234567",
        **POOR,
    )
    data.update(overrides)
    return data


def build_archive(*, org, actor=None, applied_on=APPLIED_ON, **overrides):
    ensure_standard(org)
    return services.archive_create(
        actor=actor, org=org, applied_on=applied_on, **archive_fields(**overrides)
    )


def authorisation_for(archive, actor=None):
    upload = SimpleUploadedFile("授权书.pdf", PDF_BYTES, content_type="application/pdf")
    return services.attachment_add(
        actor=actor, archive=archive, kind=AttachmentKind.AUTHORISATION, file=upload
    )


ORDER = [
    ArchiveStatus.APPLIED,
    ArchiveStatus.GRASSROOTS_CHECKED,
    ArchiveStatus.VISITED,
    ArchiveStatus.APPROVED,
    ArchiveStatus.ARCHIVED,
    ArchiveStatus.EXITED,
    ArchiveStatus.WATCHED,
]


def advance(archive, status: str):
    """Walk an archive forward (as the system) until it reaches `status`."""
    if status == ArchiveStatus.REJECTED:
        return services.archive_reject(
            actor=None, archive=archive, reason="经核实收入不符", on=CHECKED_ON
        )
    target = ORDER.index(status)
    while ORDER.index(archive.status) < target:
        current = archive.status
        if current == ArchiveStatus.APPLIED:
            archive = services.archive_check(actor=None, archive=archive, on=CHECKED_ON)
        elif current == ArchiveStatus.GRASSROOTS_CHECKED:
            auth = authorisation_for(archive)
            archive.refresh_from_db()
            archive = services.archive_visit(
                actor=None,
                archive=archive,
                authorisation=auth,
                on=VISITED_ON,
                visitors="张三、李四",
            )
        elif current == ArchiveStatus.VISITED:
            archive = services.archive_approve(actor=None, archive=archive, on=APPROVED_ON)
        elif current == ArchiveStatus.APPROVED:
            archive = services.archive_file(actor=None, archive=archive, on=ARCHIVED_ON)
        elif current == ArchiveStatus.ARCHIVED:
            services.archive_review(actor=None, archive=archive, on=RECOVERED_ON, **RECOVERED)
            archive.refresh_from_db()
            archive = services.archive_exit(
                actor=None, archive=archive, reason="家庭收入稳定增长", on=EXITED_ON
            )
        elif current == ArchiveStatus.EXITED:
            archive = services.archive_watch(actor=None, archive=archive, on=WATCHED_ON)
    return archive


def archive_in(status: str, *, org, **overrides):
    return advance(build_archive(org=org, **overrides), status)
