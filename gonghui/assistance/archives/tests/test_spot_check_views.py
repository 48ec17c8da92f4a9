"""The 年度抽查 page: county approvers draw, everyone in scope sees the draws and who was
drawn with whether the spot review is recorded; refusals come back in Chinese."""

import pytest

from gonghui.assistance.archives import services
from gonghui.assistance.archives.tests.factories import archive_in
from gonghui.assistance.choices import ArchiveStatus, ReviewKind
from gonghui.assistance.models import SpotCheckDraw
from gonghui.assistance.standards.selectors import today
from gonghui.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/assistance/spot-checks/"


def _archived(tree, n):
    return [
        archive_in(ArchiveStatus.ARCHIVED, org=tree.a1 if i % 2 else tree.b1, name=f"抽查户{i}")
        for i in range(n)
    ]


def test_county_staff_draw_and_see_who_was_drawn(tree, users, login):
    # given 10 archived households in the county
    archives = _archived(tree, 10)
    client = login(users.county_staff)
    year = today().year
    # when county staff draw this year's list at the default share
    response = client.post(URL, {"county": tree.county.pk, "year": str(year), "share": ""})
    # then 30% (3 households) are drawn, recorded and audited
    assert response.status_code == 302
    draw = SpotCheckDraw.objects.get()
    assert (draw.org, draw.year, len(draw.population), len(draw.drawn)) == (
        tree.county,
        year,
        10,
        3,
    )
    assert AuditEvent.objects.filter(detail__what="spot_check_draw").count() == 1
    # when one drawn household gets its spot review
    drawn = [a for a in archives if a.pk in draw.drawn]
    services.archive_review(
        actor=users.county_staff, archive=drawn[0], kind=ReviewKind.SPOT, findings="抽查属实"
    )
    body = client.get(URL).content.decode()
    # then the page lists the draw with its counts and the drawn households with their state
    assert "在档 10 户，抽中 3 户" in body
    assert f"{tree.county.name} {year} 年抽中家庭(已抽查 1 / 3 户)" in body
    assert "30%" in body
    for archive in drawn:
        assert archive.name in body
    for archive in archives:
        if archive.pk not in draw.drawn:
            assert archive.name not in body
    assert body.count("已抽查 ") == 2 and body.count("未抽查") == 2


def test_a_second_draw_for_the_year_is_refused_in_chinese(tree, users, login):
    _archived(tree, 2)
    client = login(users.county_admin)
    year = str(today().year)
    client.post(URL, {"county": tree.county.pk, "year": year})
    response = client.post(URL, {"county": tree.county.pk, "year": year})
    assert response.status_code == 200
    assert (
        f"{tree.county.name} {year} 年的抽查名单已抽取，不能重复抽取。" in response.content.decode()
    )
    assert SpotCheckDraw.objects.count() == 1


def test_a_share_below_the_floor_shows_at_the_field_and_keeps_the_input(tree, users, login):
    _archived(tree, 2)
    response = login(users.county_staff).post(
        URL, {"county": tree.county.pk, "year": str(today().year), "share": "0.2"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_share_errors"' in body and "抽查比例不得低于 30%" in body
    assert 'value="0.2"' in body
    assert not SpotCheckDraw.objects.exists()


def test_nothing_to_draw_and_a_bad_year_are_explained(tree, users, login):
    client = login(users.county_staff)
    body = client.post(URL, {"county": tree.county.pk, "year": str(today().year)}).content
    assert "本县目前没有在档的困难职工档案，无需抽查。" in body.decode()
    body = client.post(URL, {"county": tree.county.pk, "year": "二〇二六"}).content.decode()
    assert "年度请填写整数。" in body
    assert not SpotCheckDraw.objects.exists()


def test_a_leader_sees_the_draws_but_cannot_draw(tree, users, login):
    _archived(tree, 2)
    services.spot_check_draw(actor=users.county_staff, county=tree.county, year=today().year)
    client = login(users.leader)
    body = client.get(URL).content.decode()
    assert "抽取记录" in body and 'id="draw-form"' not in body
    assert tree.county.name in body
    response = client.post(URL, {"county": tree.county.pk, "year": str(today().year + 1)})
    assert response.status_code == 404
    assert SpotCheckDraw.objects.count() == 1


def test_township_staff_are_told_the_county_draws(tree, users, login):
    _archived(tree, 2)
    client = login(users.township_staff)
    page = client.get(URL).content.decode()
    assert 'id="draw-form"' not in page and "暂无抽取记录" in page
    response = client.post(URL, {"county": tree.county.pk, "year": str(today().year)}, follow=True)
    assert "抽查名单须由县总工会有审批权限的工作人员抽取。" in response.content.decode()
    assert not SpotCheckDraw.objects.exists()


def test_the_nav_links_to_the_page(tree, users, login):
    body = login(users.grassroots_staff).get("/assistance/").content.decode()
    assert 'href="/assistance/spot-checks/"' in body and "年度抽查" in body
