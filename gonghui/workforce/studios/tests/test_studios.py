"""Studios: the yearly appraisal is computed from what the studio logged, with evidence."""

import datetime
from decimal import Decimal

import pytest

from gonghui.core.errors import NotFound, PermissionDenied, ValidationFailed
from gonghui.workforce.studios import selectors, services
from gonghui.workforce.studios.models import StudioAppraisal, StudioStatus
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
YEAR = TODAY.year - 1


def _studio(tree, actor, **extra):
    host = f.enterprise(tree.a1, has_union=True)
    data = dict(
        name="李工劳模创新工作室",
        kind="model_worker",
        founded_on=datetime.date(YEAR - 2, 3, 1),
        site="厂区二号楼",
        area_m2=80,
        funds="30000",
    )
    data.update(extra)
    return services.studio_create(
        actor=actor, lead=f.member(tree.a1, name="李工"), host=host, **data
    )


def _log(studio, actor):
    for quarter in (1, 2, 3):
        services.report_add(
            actor=actor,
            studio=studio,
            year=YEAR,
            quarter=quarter,
            activities=3,
            participants=20,
            summary="开展技术攻关",
            submitted_on=datetime.date(YEAR, quarter * 3, 28),
        )
    for _ in range(6):
        services.studio_member_add(
            actor=actor,
            studio=studio,
            member=f.member(studio.org),
            role="member",
            joined_on=datetime.date(YEAR, 1, 5),
        )
    services.outcome_add(
        actor=actor,
        studio=studio,
        kind="patent",
        title="一种焊接夹具",
        achieved_on=datetime.date(YEAR, 6, 1),
        quantity=2,
    )


def test_the_appraisal_scores_logged_items_from_the_records_with_evidence(tree, users):
    studio = _studio(tree, users.township_staff)
    services.studio_name(
        actor=users.township_staff,
        studio=studio,
        level="county",
        named_on=datetime.date(YEAR, 1, 1),
    )
    _log(studio, users.township_staff)
    manual = {"sign": 10, "facilities": 12, "rules": 8}
    appraisal = services.studio_appraise(
        actor=users.township_staff, studio=studio, year=YEAR, manual_scores=manual
    )
    items = {i["code"]: i for i in appraisal.items}
    assert items["ledger"]["score"] == "7.5"  # 3 of 4 quarterly reports × 10
    assert len(items["ledger"]["evidence"]) == 3
    assert items["results"]["score"] == "13.3"  # 2 of 3 outcomes × 20
    assert items["participation"]["score"] == "10.5"  # 7 of 10 members × 15
    assert items["funds"]["score"] == "6.0"  # 30,000 of 50,000 × 10
    assert items["site"]["score"] == "10.0"  # 80 m² ≥ 50
    assert appraisal.total == Decimal("77.30") and appraisal.max_total == Decimal("100")
    assert appraisal.result == "pass"


def test_a_missing_manual_mark_or_an_out_of_range_one_is_refused(tree, users):
    studio = _studio(tree, users.township_staff)
    services.studio_name(actor=users.township_staff, studio=studio, level="county")
    with pytest.raises(ValidationFailed) as exc:
        services.studio_appraise(
            actor=users.township_staff, studio=studio, year=YEAR, manual_scores={"sign": 11}
        )
    assert set(exc.value.fields) == {"sign", "facilities", "rules"}
    assert not StudioAppraisal.objects.exists()


def test_an_unnamed_studio_is_not_appraised_and_naming_needs_approve(tree, users):
    studio = _studio(tree, users.township_staff)
    with pytest.raises(ValidationFailed):
        services.studio_appraise(
            actor=users.township_staff,
            studio=studio,
            year=YEAR,
            manual_scores={"sign": 1, "facilities": 1, "rules": 1},
        )
    with pytest.raises(NotFound):
        services.studio_name(actor=users.grassroots_staff, studio=studio, level="county")
    assert studio.status == StudioStatus.APPLYING


def test_only_a_county_admin_changes_the_standards(tree, users):
    with pytest.raises(PermissionDenied):
        services.standard_item_set(
            actor=users.county_staff,
            county=tree.county,
            code="sign",
            name="标志",
            max_score=5,
            basis="manual",
        )
    item = services.standard_item_set(
        actor=users.county_admin,
        county=tree.county,
        code="sign",
        name="标志",
        max_score=5,
        basis="manual",
    )
    assert item.max_score == 5
    assert len(selectors.standards_for(tree.county)) == 8
