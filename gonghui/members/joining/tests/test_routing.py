"""Every routing path of online joining ends at a union where someone can review it.

An application submitted through the public form is routed to the employer's union, the
org covering a unionised employer, or the holding pool a worker without a union picks (a
township, street or park union). For each path, the staff member at the receiving union,
with that org level's built-in role, can open the queue and the application and decide it;
a read-only leader can open it but not decide.
"""

import pytest
from django.core.cache import cache

from gonghui.members.models import JoinApplication, JoinPath, JoinStatus, Member
from gonghui.members.tests.factories import make_id_number
from gonghui.orgs.models import OrgLevel, OrgType
from gonghui.orgs.services import org_create
from gonghui.testing.fixtures import build_enterprise, make_user

pytestmark = pytest.mark.django_db


def _reviewer_role(org) -> str:
    """The built-in role of the staff who work at an org of this level."""
    if org.level <= OrgLevel.COUNTY:
        return "county_staff"
    if org.level == OrgLevel.TOWNSHIP:
        return "township_staff"
    return "grassroots_staff"


def _submit(client, n: int, name: str, **fields):
    cache.clear()  # the public form's rate limits: one worker's phone each
    data = {
        "name": name,
        "id_number": make_id_number(),
        "phone": "13800138000",
        "employment_form": "courier",
        **fields,
    }
    response = client.post("/join/", data, REMOTE_ADDR=f"10.0.0.{n + 1}")
    assert response.status_code == 302, response.content.decode()[:2000]


def _routes(tree):
    """(description, form fields, expected reviewing org) for every routing path."""
    own_union = build_enterprise(org=tree.ae, has_union=True, union=tree.ae, name="自有工会企业")
    joint = org_create(
        actor=None,
        parent=tree.a,
        name="甲镇小微企业联合工会",
        type=OrgType.JOINT,
        level=OrgLevel.GRASSROOTS,
        code="999001003",
    )
    covered = build_enterprise(org=joint, has_union=True, union=None, name="联合工会覆盖企业")
    county_unit = build_enterprise(org=tree.county, has_union=True, union=None, name="县直单位")
    build_enterprise(org=tree.b1, has_union=False, name="未建会企业")
    park = org_create(
        actor=None,
        parent=tree.county,
        name="测试工业园区工会",
        type=OrgType.PARK,
        level=OrgLevel.TOWNSHIP,
        code="999003",
    )
    union_path = {"path": JoinPath.EMPLOYER_UNION}
    pool = {"path": JoinPath.HOLDING_POOL}
    return [
        ("employer with its own union", {**union_path, "employer": own_union.pk}, tree.ae),
        ("employer covered by a joint union", {**union_path, "employer": covered.pk}, joint),
        ("employer covered by the county", {**union_path, "employer": county_unit.pk}, tree.county),
        (
            "employer found by its credit code",
            {**union_path, "employer_query": own_union.credit_code},
            tree.ae,
        ),
        # An employer without a union is not offered: the worker takes the holding pool.
        ("employer without a union → township pool", {**pool, "pool_org": tree.b.pk}, tree.b),
        ("no employer → township pool", {**pool, "pool_org": tree.a.pk}, tree.a),
        ("no employer → park pool", {**pool, "pool_org": park.pk}, park),
    ]


def test_every_routing_path_has_a_reviewer_who_can_open_and_decide(client, tree, users):
    for n, (description, fields, expected_org) in enumerate(_routes(tree)):
        # given: an application through the public form
        name = f"路由申请人{n}"
        _submit(client, n, name, **fields)
        app = JoinApplication.objects.get(name=name)
        assert app.org == expected_org, description
        # then: the staff member at that union opens the queue and the application
        reviewer = make_user(f"reviewer{n}", _reviewer_role(app.org), app.org)
        client.force_login(reviewer)
        queue = client.get("/members/join-applications/")
        assert queue.status_code == 200 and name in queue.content.decode(), description
        detail = client.get(f"/members/join-applications/{app.pk}/")
        assert detail.status_code == 200 and "批准入会" in detail.content.decode(), description
        # a read-only leader at the county sees it, without the decision
        client.force_login(users.leader)
        page = client.get(f"/members/join-applications/{app.pk}/").content.decode()
        assert name in page and "批准入会" not in page, description
        assert client.post(f"/members/join-applications/{app.pk}/approve/").status_code == 404
        # when the reviewer decides (approve every other one, reject the rest)
        client.force_login(reviewer)
        if n % 2 == 0:
            response = client.post(f"/members/join-applications/{app.pk}/approve/")
        else:
            response = client.post(
                f"/members/join-applications/{app.pk}/reject/", {"reason": "请到单位工会办理"}
            )
        assert response.status_code == 302, description
        app.refresh_from_db()
        if n % 2 == 0:
            assert app.status == JoinStatus.APPROVED, description
            assert Member.objects.get(pk=app.member_id).org == expected_org
        else:
            assert app.status == JoinStatus.REJECTED, description
        client.logout()
