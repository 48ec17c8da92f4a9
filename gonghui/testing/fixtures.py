"""Shared pytest fixtures: a small org tree and one user per role at known places.

Tree (codes):            T  = 999 county federation (县总工会), under context city 99
  city 99                ├─ A  = 999001 township A   ├─ A1 = 999001001 community union
  └─ county 999          │                           └─ AE = 999001002 enterprise union
                         └─ B  = 999002 township B   └─ B1 = 999002001 community union
"""

import itertools
from dataclasses import dataclass

import pytest

from gonghui.core.testing import TEST_PASSWORD
from gonghui.orgs.models import Org, OrgLevel, OrgType

__all__ = ["TEST_PASSWORD", "Tree", "Users", "build_enterprise", "make_tree", "make_user"]


@dataclass
class Tree:
    city: Org
    county: Org
    a: Org
    a1: Org
    ae: Org
    b: Org
    b1: Org


def make_tree() -> Tree:
    from gonghui.orgs.services import org_create

    def mk(parent, name, type, level, code):
        return org_create(actor=None, parent=parent, name=name, type=type, level=level, code=code)

    city = mk(None, "测试市总工会", OrgType.FEDERATION, OrgLevel.CITY, "99")
    county = mk(city, "测试县总工会", OrgType.FEDERATION, OrgLevel.COUNTY, "999")
    a = mk(county, "甲镇总工会", OrgType.TOWNSHIP, OrgLevel.TOWNSHIP, "999001")
    a1 = mk(a, "甲镇一村工会", OrgType.COMMUNITY, OrgLevel.GRASSROOTS, "999001001")
    ae = mk(a, "甲镇某公司工会", OrgType.ENTERPRISE, OrgLevel.GRASSROOTS, "999001002")
    b = mk(county, "乙镇总工会", OrgType.TOWNSHIP, OrgLevel.TOWNSHIP, "999002")
    b1 = mk(b, "乙镇一村工会", OrgType.COMMUNITY, OrgLevel.GRASSROOTS, "999002001")
    return Tree(city=city, county=county, a=a, a1=a1, ae=ae, b=b, b1=b1)


def make_user(username: str, role_code: str, org: Org):
    from gonghui.accounts.models import Role
    from gonghui.accounts.services import role_grant, user_create

    user = user_create(
        actor=None, username=username, password=TEST_PASSWORD, org=org, full_name=username
    )
    role_grant(actor=None, user=user, org=org, role=Role.objects.get(code=role_code))
    return user


@pytest.fixture(autouse=True)
def _rate_limit_memory_reset():
    """Rate-limit counters live in the database (rolled back with each test); what a process
    remembers of blocked keys must not outlive the test either."""
    from gonghui.core import ratelimit

    ratelimit.reset_process_state()
    yield
    ratelimit.reset_process_state()


@pytest.fixture
def tree(db) -> Tree:
    return make_tree()


@dataclass
class Users:
    county_admin: object
    county_staff: object
    township_staff: object  # at township A
    grassroots_staff: object  # at A1
    social_worker: object  # at township A
    leader: object  # at county


@pytest.fixture
def users(tree) -> Users:
    return Users(
        county_admin=make_user("county_admin", "county_admin", tree.county),
        county_staff=make_user("county_staff", "county_staff", tree.county),
        township_staff=make_user("township_staff", "township_staff", tree.a),
        grassroots_staff=make_user("grassroots_staff", "grassroots_staff", tree.a1),
        social_worker=make_user("social_worker", "social_worker", tree.a),
        leader=make_user("leader", "leader", tree.county),
    )


@pytest.fixture
def login(client):
    """login(user) → the test client, logged in (no second factor configured)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


_enterprise_counter = itertools.count(1)


def build_enterprise(*, org, **overrides):
    """A valid Enterprise under org (outside any fixture: usable from matrix setups)."""
    from stdnum.cn import uscc

    from gonghui.orgs.services import enterprise_create

    n = next(_enterprise_counter)
    body = f"91999002MB{n:07d}"
    data = dict(
        name=f"构建企业{n}有限公司",
        credit_code=body + uscc.calc_check_digit(body),
        industry="C",
        size="small",
        employee_count=20,
        has_union=False,
        union=None,
        org=org,
        contact_phone="13900005678",
    )
    data.update(overrides)
    return enterprise_create(actor=None, **data)


@pytest.fixture
def enterprise_factory(tree):
    """enterprise_factory(org=..., **overrides) → a valid Enterprise (default org: township A)."""

    def _make(org=None, **overrides):
        overrides.setdefault("contact_phone", "13800001234")
        overrides.setdefault("employee_count", 50)
        return build_enterprise(org=org or tree.a, **overrides)

    return _make
