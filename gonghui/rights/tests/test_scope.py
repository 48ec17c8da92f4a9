"""Scope beyond the matrix: a county's season and campaign are worked down by its townships
(visible to them, each seeing only its part), a sibling township's are not."""

from datetime import date as D

import pytest

from gonghui.rights.tests import factories
from gonghui.rights.tests import permission_targets as m
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def test_a_township_sees_the_countys_season_but_not_a_siblings(client, tree, users):
    county = m.season_at(tree.county, "县行动")
    sibling = m.season_at(tree.b, "乙镇行动")
    client.force_login(users.township_staff)
    assert client.get(f"/rights/seasons/{county.pk}/").status_code == 200
    assert client.get(f"/rights/seasons/{sibling.pk}/").status_code == 404
    assert client.get(f"/rights/seasons/{sibling.pk}/targets/").status_code == 404
    listing = client.get("/rights/seasons/").content.decode()
    assert county.name in listing and sibling.name not in listing


def test_a_township_works_only_its_part_of_the_countys_list(client, tree, users):
    own = factories.union_enterprise(parent=tree.a, name="甲镇名单内")
    other = factories.union_enterprise(parent=tree.b, name="乙镇名单内")
    season = m.season_at(tree.county, "县行动")
    client.force_login(users.township_staff)
    page = client.get(f"/rights/seasons/{season.pk}/targets/").content.decode()
    assert own.name in page and other.name not in page
    progress = client.get(f"/rights/seasons/{season.pk}/").content.decode()
    assert "甲镇总工会" in progress and "乙镇总工会" not in progress


def test_a_sibling_townships_campaign_answers_404(client, tree):
    staff = make_user("a_editor", "township_staff", tree.a)
    sibling = m.campaign_at(tree.b, "乙镇检查")
    county = m.campaign_at(tree.county, "县检查")
    client.force_login(staff)
    assert client.get(f"/rights/wage-checks/{county.pk}/").status_code == 200
    assert client.get(f"/rights/wage-checks/{county.pk}/records/new/").status_code == 200
    assert client.get(f"/rights/wage-checks/{sibling.pk}/").status_code == 404
    listing = client.get("/rights/wage-checks/").content.decode()
    assert county.name in listing and sibling.name not in listing


def test_a_posted_employer_outside_scope_is_not_found_by_the_form(client, tree, users):
    other = factories.union_enterprise(parent=tree.b, name="乙镇企业")
    client.force_login(users.township_staff)
    response = client.post(
        "/rights/offers/new/",
        {
            "enterprise": other.credit_code,
            "direction": "sent",
            "subject": "要约",
            "sent_on": D(2026, 3, 3).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "在您的数据范围内没有找到该单位" in response.content.decode()
    from gonghui.rights.models import BargainingOffer

    assert BargainingOffer.objects.count() == 0
