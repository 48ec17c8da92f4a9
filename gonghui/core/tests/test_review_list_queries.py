"""Review regression: list pages run a fixed number of queries, whatever the row count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.accounts.models import Role, RoleCode
from gonghui.accounts.services import role_grant, user_create
from gonghui.audit.models import AuditAction
from gonghui.audit.services import audit_record
from gonghui.orgs.models import OrgLevel, OrgType
from gonghui.orgs.services import org_create
from gonghui.testing.fixtures import TEST_PASSWORD, build_enterprise

PAGES = ["orgs:list", "orgs:enterprise_list", "accounts:user_list", "audit:event_list"]


def _add_rows(tree, start: int, count: int) -> None:
    role = Role.objects.get(code=RoleCode.GRASSROOTS_STAFF)
    for n in range(start, start + count):
        org = org_create(
            actor=None,
            parent=tree.a,
            name=f"查询测试工会{n}",
            type=OrgType.ENTERPRISE,
            level=OrgLevel.GRASSROOTS,
            code=f"999001{n + 500:03d}",
        )
        build_enterprise(org=org, union=org, has_union=True)
        user = user_create(actor=None, username=f"qcount{n}", password=TEST_PASSWORD, org=org)
        role_grant(actor=None, user=user, org=org, role=role)
        audit_record(action=AuditAction.UPDATED, org=org, obj=org)


def _queries(client, name: str) -> int:
    client.get(reverse(name))  # the menu's counts are cached for a minute: measure warm
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", PAGES)
def test_list_page_query_count_does_not_grow_with_rows(tree, users, login, name):
    client = login(users.county_admin)
    _add_rows(tree, 0, 3)
    few = _queries(client, name)
    _add_rows(tree, 3, 60)
    many = _queries(client, name)
    assert many == few
