"""The demo seeder: ≥ 300 archives in every status and category, consistent, idempotent."""

import pytest

from gonghui.assistance.archives import demo
from gonghui.assistance.archives.lifecycle import exit_check
from gonghui.assistance.archives.services import exit_readings
from gonghui.assistance.category import HouseholdFigures, category_compute
from gonghui.assistance.choices import ArchiveStatus, HardshipCategory
from gonghui.assistance.models import (
    ArchiveAssessment,
    ArchiveAttachment,
    ArchiveStep,
    HardshipArchive,
    LivingAllowanceStandard,
)
from gonghui.assistance.standards.selectors import basis_of
from gonghui.orgs import demo as orgs_demo
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db


def test_demo_archives_cover_every_status_and_category_and_seed_once():
    # given the demo county
    orgs_demo.seed(seed=2026)
    # when seeded twice
    first = demo.seed(seed=2026)
    counts = (
        HardshipArchive.objects.count(),
        ArchiveStep.objects.count(),
        ArchiveAssessment.objects.count(),
        LivingAllowanceStandard.objects.count(),
    )
    second = demo.seed(seed=2026)
    # then the second run adds nothing
    assert first.startswith("320 archives (+320)")
    assert second == "320 archives (+0)"
    assert counts == (
        HardshipArchive.objects.count(),
        ArchiveStep.objects.count(),
        ArchiveAssessment.objects.count(),
        LivingAllowanceStandard.objects.count(),
    )
    # and every status and category is present
    assert set(HardshipArchive.objects.values_list("status", flat=True)) == set(
        ArchiveStatus.values
    )
    assert set(HardshipArchive.objects.values_list("category", flat=True)) == set(
        HardshipCategory.values
    )
    assert LivingAllowanceStandard.objects.count() == 3
    # and a few exited or watched households relapsed (返困) through the service, once
    relapsed = HardshipArchive.objects.filter(relapse_count__gt=0)
    assert "5 relapsed" in first
    assert relapsed.count() == 5
    assert set(relapsed.values_list("status", flat=True)) == {"applied"}
    assert ArchiveStep.objects.filter(action="relapse").count() == 5
    county = Org.objects.get(code=demo.COUNTY_CODE)
    # and the stored calculations re-explain with their own figures
    for row in ArchiveAssessment.objects.select_related("standard", "thresholds")[:50]:
        figures = HouseholdFigures(
            annual_income=row.annual_income,
            household_size=row.household_size,
            medical_expense=row.medical_expense,
            schooling_expense=row.schooling_expense,
            disability_expense=row.disability_expense,
            causes=tuple(row.causes),
        )
        again = category_compute(figures, basis_of(county, row.standard, row.thresholds))
        assert again.explanation == row.explanation
    # and exited households satisfied the 6-month rule on their exit date
    for archive in HardshipArchive.objects.filter(status__in=["exited", "watched"]):
        assert exit_check(exit_readings(archive), on=archive.exited_on, months=6).allowed
    # and every visited archive has its authorisation on file
    visited_or_later = HardshipArchive.objects.exclude(
        status__in=["applied", "grassroots_checked", "rejected"]
    )
    assert (
        ArchiveAttachment.objects.filter(archive__in=visited_or_later, kind="authorisation").count()
        == visited_or_later.count()
    )
    # and some archived households are overdue for their yearly review, some not
    archived = HardshipArchive.objects.filter(status="archived")
    assert archived.filter(next_review_due__lt=demo.TODAY).exists()
    assert archived.filter(next_review_due__gte=demo.TODAY).exists()
    assert archived.exclude(archive_number="").count() == archived.count()
