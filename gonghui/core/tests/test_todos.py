"""The to-do registry and the home page's 待办 panel: counts in scope, links, the cache."""

import ast
import re
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from gonghui.assistance.monitoring.tests.matrix import _alerts
from gonghui.audit.models import AuditAction
from gonghui.audit.services import audit_record
from gonghui.core.scope import view_access
from gonghui.core.todos import todos_registered
from gonghui.members.joining.tests.matrix import build_application
from gonghui.members.models import JoinStatus
from gonghui.sites.services import feedback_submit
from gonghui.sites.tests.factories import build_site
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

CORE = Path(__file__).resolve().parent.parent
DOMAIN_APPS = ("members", "assistance", "sites", "portal")


def _panel(html: str) -> str:
    return html[html.index('id="todo-head"') : html.index("我的账号")]


def _items(html: str) -> dict[str, tuple[int, str]]:
    """{label: (count, url)} of the 待办 panel."""
    return {
        label: (int(count), url.replace("&amp;", "&"))
        for url, count, label in re.findall(
            r'<a href="([^"]+)"><span class="todo-count">(\d+)</span>'
            r'<span class="todo-label">([^<]+)</span>',
            _panel(html),
        )
    }


def _join_queries(ctx) -> list:
    return [q for q in ctx.captured_queries if "members_joinapplication" in q["sql"]]


def test_core_registry_imports_no_domain_app():
    for name in ("todos.py", "context_processors.py", "modules.py", "scope.py"):
        tree = ast.parse((CORE / name).read_text())
        imported = [
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in getattr(node, "names", [])
        ]
        domain = tuple(f"gonghui.{app}" for app in DOMAIN_APPS)
        assert not [m for m in imported if m and m.startswith(domain)], name


def test_every_module_registers_its_todos_with_a_page_that_declares_access():
    codes = {todo.code.split(".")[0] for todo in todos_registered()}
    assert {"members", "assistance", "sites", "imports"} <= codes
    for todo in todos_registered():
        assert view_access(resolve(reverse(todo.url_name)).func) is not None, todo.code


def test_home_lists_the_users_todos_in_scope_with_links(tree, users, login):
    # given: join applications in township A and in B, feedback at a site in A, alerts
    build_application(org=tree.a1, name="甲一申请")
    build_application(org=tree.a, name="甲镇申请")
    build_application(org=tree.b1, name="乙一申请")
    build_application(org=tree.a1, name="已办申请", status=JoinStatus.APPROVED)
    feedback_submit(site=build_site(org=tree.a1), kind="repair", text="饮水机不出热水了")
    _alerts(tree, None)  # one overdue alert each in A1, B1 and at the county
    # when township staff at A open the home page
    client = login(users.township_staff)
    items = _items(client.get("/").content.decode())
    # then: only what waits on them in A's subtree, each linked to its filtered list
    assert items["待审核的入会申请"] == (2, "/members/join-applications/?status=pending")
    assert items["待处理的反馈与报修"] == (1, "/sites/feedback/?status=open")
    assert items["逾期未办结的预警"] == (1, "/assistance/alerts/overdue/")
    queue = client.get("/members/join-applications/?status=pending").content.decode()
    assert "甲一申请" in queue and "甲镇申请" in queue and "乙一申请" not in queue


def test_leader_sees_overdue_work_for_oversight_and_nothing_to_act_on(tree, users, login):
    build_application(org=tree.a1, name="领导不审")
    _alerts(tree, None)
    html = login(users.leader).get("/").content.decode()
    panel = _panel(html)
    assert "督办关注" in panel
    assert "待审核的入会申请" not in panel
    assert _items(html)["逾期未办结的预警"] == (3, "/assistance/alerts/overdue/")
    assert "暂无待办事项" not in panel


def test_a_user_without_work_sees_an_empty_panel(users, login):
    assert "暂无待办事项" in _panel(login(users.grassroots_staff).get("/").content.decode())


def test_counts_are_cached_a_minute_and_forgotten_after_the_users_own_post(tree, users, login):
    first = build_application(org=tree.a1, name="缓存一")
    build_application(org=tree.a1, name="缓存二")
    client = login(users.township_staff)
    assert _items(client.get("/").content.decode())["待审核的入会申请"][0] == 2
    # a second page within the minute runs no count query
    with CaptureQueriesContext(connection) as ctx:
        client.get("/orgs/")
    assert _join_queries(ctx) == []
    # someone else's new application shows once the minute is over
    build_application(org=tree.a1, name="缓存三")
    assert _items(client.get("/").content.decode())["待审核的入会申请"][0] == 2
    session = client.session
    session["_cached:todos"]["at"] = int(time.time()) - 61
    session.save()
    assert _items(client.get("/").content.decode())["待审核的入会申请"][0] == 3
    # the user's own decision shows at once
    client.post(f"/members/join-applications/{first.pk}/approve/")
    assert _items(client.get("/").content.decode())["待审核的入会申请"][0] == 2


def test_a_role_change_refreshes_the_counts_at_once(tree, users, login):
    from gonghui.accounts.models import Role
    from gonghui.accounts.services import role_grant

    build_application(org=tree.b1, name="乙镇待审")
    user = make_user("two_towns", "township_staff", tree.a)
    client = login(user)
    assert "待审核的入会申请" not in _items(client.get("/").content.decode())
    role_grant(actor=None, user=user, org=tree.b, role=Role.objects.get(code="township_staff"))
    assert _items(client.get("/").content.decode())["待审核的入会申请"][0] == 1


def test_recent_activity_shows_peoples_names(tree, users, login):
    from gonghui.accounts.services import user_create

    actor = user_create(
        actor=None,
        username="zhang_login",
        password="Test@Gonghui2026",
        org=tree.a,
        full_name="张办事",
    )
    audit_record(action=AuditAction.UPDATED, user=actor, org=tree.a1, obj=tree.a1)
    audit_record(action=AuditAction.CREATED, org=tree.a1, obj=tree.a1, username="网上入会")
    html = login(users.county_admin).get("/").content.decode()
    recent = html[html.index("最近操作") :]
    assert "张办事" in recent and "zhang_login" not in recent
    assert "网上入会" in recent


def test_an_error_page_shows_the_menu_without_counting_the_todos(tree, users, login):
    build_application(org=tree.a1, name="错误页")
    client = login(users.township_staff)
    # When the first page of the session is a 404 (a record out of scope)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/orgs/{tree.b.pk}/")
    # Then it has the menu, but no to-do was counted
    assert response.status_code == 404
    assert 'id="sidenav"' in response.content.decode()
    assert _join_queries(ctx) == []
    # and the next page counts them as usual
    assert _items(client.get("/").content.decode())["待审核的入会申请"][0] == 1
