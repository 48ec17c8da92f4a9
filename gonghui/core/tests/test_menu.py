"""The menu: exactly the pages each role can open, grouped, the current group open, counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from gonghui.core.modules import nav_groups
from gonghui.core.scope import view_access
from gonghui.core.testing.matrix import ROLES
from gonghui.members.joining.tests.matrix import build_application

pytestmark = pytest.mark.django_db


def _menu(html: str) -> str:
    return html[html.index('<nav id="sidenav"') : html.index("</nav>")]


def _menu_urls(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" class="nav-item', _menu(html))


def _all_links():
    return [link for group in nav_groups() for link in group.links]


def test_every_menu_link_declares_the_access_of_its_page():
    for link in _all_links():
        assert view_access(resolve(reverse(link.url_name)).func) is not None, link.url_name


@pytest.mark.parametrize("role", ROLES)
def test_menu_shows_exactly_the_pages_the_role_can_open(role, users, login):
    client = login(getattr(users, role))
    menu = _menu_urls(client.get("/").content.decode())
    assert menu[0] == "/"
    for link in _all_links():
        url = reverse(link.url_name)
        status = client.get(url).status_code
        assert status in (200, 404), (role, link.url_name, status)
        assert (status == 200) == (url in menu), (role, link.url_name, status)
    # and nothing else is in the menu
    assert set(menu) - {reverse(link.url_name) for link in _all_links()} == {"/"}


def test_read_only_roles_see_the_join_queue_and_grassroots_staff_review(users, login):
    for role in ("leader", "social_worker", "grassroots_staff", "township_staff"):
        menu = _menu_urls(login(getattr(users, role)).get("/").content.decode())
        assert "/members/join-applications/" in menu, role
    assert "/audit/" not in _menu_urls(login(users.grassroots_staff).get("/").content.decode())


def test_menu_groups_by_module_with_the_current_group_open(users, login):
    html = _menu(login(users.county_admin).get("/members/transfers/").content.decode())
    groups = re.findall(r'<details class="nav-group" data-nav-group="(\w+)"( open)?>', html)
    assert [code for code, _ in groups] == [
        "orgs",
        "members",
        "sites",
        "assistance",
        "forum",
        "rights",
        "outreach",
        "plans",
        "staffing",
        "workforce",
        "system",
    ]
    assert [code for code, is_open in groups if is_open] == ["members"]
    assert 'href="/members/transfers/" class="nav-item active" aria-current="page"' in html
    # on the home page no group is open
    home = _menu(login(users.county_admin).get("/").content.decode())
    assert " open>" not in home


def test_menu_counts_pending_work_beside_its_link(tree, users, login):
    build_application(org=tree.a1, name="待审一")
    build_application(org=tree.a, name="待审二")
    build_application(org=tree.b, name="别镇待审")
    html = _menu(login(users.township_staff).get("/members/").content.decode())
    link = re.search(r'href="/members/join-applications/"[^>]*>.*?</a>', html).group(0)
    assert re.search(r'class="nav-count nav-count-warn"[^>]*>2<', link)
    # the read-only leader has nothing to review: no count
    html = _menu(login(users.leader).get("/members/").content.decode())
    link = re.search(r'href="/members/join-applications/"[^>]*>.*?</a>', html).group(0)
    assert "nav-count" not in link


def test_partials_do_not_build_the_menu(tree, users, login):
    client = login(users.county_admin)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/orgs/{tree.county.pk}/children/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and tree.a.name in response.content.decode()
    assert not [q for q in ctx.captured_queries if "members_joinapplication" in q["sql"]]
