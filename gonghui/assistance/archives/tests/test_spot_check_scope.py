"""Who sees which spot-check draws (年度抽查): county users see the county's draws whole; a
township or grassroots user sees the draws of their county limited to the drawn households in
their own subtree; another county's draws stay hidden; drawing stays with the county."""

import pytest

from gonghui.assistance.archives import selectors, services
from gonghui.assistance.archives.tests.factories import archive_in
from gonghui.assistance.choices import ArchiveStatus, ReviewKind
from gonghui.assistance.models import SpotCheckDraw
from gonghui.assistance.standards.selectors import today
from gonghui.orgs.models import OrgLevel, OrgType
from gonghui.orgs.services import org_create
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db
URL = "/assistance/spot-checks/"


@pytest.fixture
def draw(tree, users):
    # given three archived households at A1, A's enterprise union and B1, all drawn (100%)
    archives = {
        "a1": archive_in(ArchiveStatus.ARCHIVED, org=tree.a1, name="甲村抽中户"),
        "ae": archive_in(ArchiveStatus.ARCHIVED, org=tree.ae, name="甲企抽中户"),
        "b1": archive_in(ArchiveStatus.ARCHIVED, org=tree.b1, name="乙村抽中户"),
    }
    made = services.spot_check_draw(
        actor=users.county_staff, county=tree.county, year=today().year, share="1"
    )
    made.archives = archives
    return made


def _names(user, draw) -> set[str]:
    return {d.archive.name for d in selectors.drawn_archives(user, draw)}


def test_county_users_see_the_whole_draw(users, draw):
    assert list(selectors.draw_list(users.county_staff)) == [draw]
    assert _names(users.county_staff, draw) == {"甲村抽中户", "甲企抽中户", "乙村抽中户"}
    (row,) = selectors.draw_rows(users.county_staff, [draw])
    assert row.whole and row.drawn_here == 3


def test_township_and_grassroots_see_their_countys_draw_limited_to_their_subtree(tree, users, draw):
    assert list(selectors.draw_list(users.township_staff)) == [draw]
    assert _names(users.township_staff, draw) == {"甲村抽中户", "甲企抽中户"}
    (row,) = selectors.draw_rows(users.township_staff, [draw])
    assert not row.whole and row.drawn_here == 2
    assert list(selectors.draw_list(users.grassroots_staff)) == [draw]
    assert _names(users.grassroots_staff, draw) == {"甲村抽中户"}
    other = make_user("b_staff", "township_staff", tree.b)
    assert _names(other, draw) == {"乙村抽中户"}


def test_another_countys_draw_stays_hidden(tree, users, draw):
    # given a second county under the same city with its own draw
    other_county = org_create(
        actor=None,
        parent=tree.city,
        name="邻县总工会",
        type=OrgType.FEDERATION,
        level=OrgLevel.COUNTY,
        code="998",
    )
    town = org_create(
        actor=None,
        parent=other_county,
        name="邻县某镇总工会",
        type=OrgType.TOWNSHIP,
        level=OrgLevel.TOWNSHIP,
        code="998001",
    )
    archive_in(ArchiveStatus.ARCHIVED, org=town, name="邻县抽中户")
    theirs = services.spot_check_draw(
        actor=make_user("other_admin", "county_admin", other_county),
        county=other_county,
        year=today().year,
        share="1",
    )
    # then neither our county nor our townships see it, and their township sees only theirs
    assert theirs not in selectors.draw_list(users.county_staff)
    assert theirs not in selectors.draw_list(users.township_staff)
    neighbour = make_user("other_town", "township_staff", town)
    assert list(selectors.draw_list(neighbour)) == [theirs]
    assert _names(neighbour, draw) == set()


def test_the_township_page_lists_only_its_drawn_households(users, login, draw):
    # given one of A's households already spot-checked
    services.archive_review(
        actor=users.county_staff,
        archive=draw.archives["a1"],
        kind=ReviewKind.SPOT,
        findings="抽查属实",
    )
    body = login(users.township_staff).get(URL).content.decode()
    # then the page names the county's draw, A's two households and its own count, not B's
    assert 'id="scope-note"' in body and "本辖区抽中" in body
    assert f"测试县总工会 {today().year} 年抽中家庭 · 本辖区(已抽查 1 / 2 户)" in body
    assert "甲村抽中户" in body and "甲企抽中户" in body and "乙村抽中户" not in body
    assert 'id="draw-form"' not in body


def test_the_county_page_shows_the_whole_draw_without_the_scope_note(users, login, draw):
    body = login(users.county_staff).get(URL).content.decode()
    assert 'id="scope-note"' not in body and "本辖区抽中" not in body
    assert f"测试县总工会 {today().year} 年抽中家庭(已抽查 0 / 3 户)" in body
    assert "乙村抽中户" in body


def test_an_earlier_draw_can_be_picked_and_a_foreign_one_cannot(tree, users, login, draw):
    earlier = services.spot_check_draw(
        actor=users.county_staff, county=tree.county, year=today().year - 1, share="1"
    )
    client = login(users.township_staff)
    body = client.get(f"{URL}?draw={earlier.pk}").content.decode()
    assert f"测试县总工会 {today().year - 1} 年抽中家庭 · 本辖区" in body
    assert f'href="?draw={draw.pk}#drawn"' in body
    # an unknown draw falls back to the latest
    body = client.get(f"{URL}?draw=999999").content.decode()
    assert f"测试县总工会 {today().year} 年抽中家庭 · 本辖区" in body


def test_seeing_the_draw_does_not_let_a_township_draw(tree, users, login, draw):
    client = login(users.township_staff)
    response = client.post(URL, {"county": tree.county.pk, "year": str(today().year + 1)})
    assert response.status_code == 302
    followed = client.get(response["Location"]).content.decode()
    assert "抽查名单须由县总工会有审批权限的工作人员抽取。" in followed
    assert SpotCheckDraw.objects.count() == 1
