"""Permission-matrix entries for the online joining review pages (see core/testing/matrix.py).

The public pages (/join/) need no login and are tested in test_join_public.py.
"""

from gonghui.core.crypto import keyed_hash
from gonghui.core.testing.matrix import Endpoint, Targets
from gonghui.members.models import JoinApplication, JoinPath
from gonghui.members.tests.factories import make_id_number


def build_application(*, org, name="网上申请人", path=JoinPath.HOLDING_POOL, **overrides):
    """A pending application straight into the table (the public form is tested separately)."""
    from gonghui.members.idnumber import id_number_clean

    number = overrides.pop("id_number", None) or make_id_number()
    phone = overrides.pop("phone", "13600001234")
    info = id_number_clean(number)
    data = dict(
        org=org,
        path=path,
        name=name,
        gender=info.gender,
        birth_date=info.birth_date,
        id_number=info.number,
        id_number_hash=keyed_hash(info.number),
        phone=phone,
        phone_hash=keyed_hash(phone),
        employment_form="courier",
    )
    data.update(overrides)
    return JoinApplication.objects.create(**data)


def _applications(tree, actor):
    return Targets(
        own=build_application(org=tree.a1, name="甲镇矩阵申请人"),
        sibling=build_application(org=tree.b1, name="乙镇矩阵申请人"),
        parent=build_application(org=tree.county, name="县直矩阵申请人"),
    )


def _state(app):
    fresh = JoinApplication.objects.get(pk=app.pk)
    return (fresh.status, fresh.member_id, fresh.reject_reason)


ENDPOINTS = [
    Endpoint(
        "members.join_list",
        "GET",
        "members",
        "view",
        lambda t: "/members/join-applications/",
        _applications,
        marker=lambda a: a.name,
        scoped=False,
    ),
    Endpoint(
        "members.join_list_search",
        "GET",
        "members",
        "view",
        lambda t: "/members/join-applications/?status=&q=矩阵申请人",
        _applications,
        marker=lambda a: a.name,
        scoped=False,
    ),
    Endpoint(
        "members.join_detail",
        "GET",
        "members",
        "view",
        lambda a: f"/members/join-applications/{a.pk}/",
        _applications,
    ),
    Endpoint(
        "members.join_approve",
        "POST",
        "members",
        "approve",
        lambda a: f"/members/join-applications/{a.pk}/approve/",
        _applications,
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "members.join_reject",
        "POST",
        "members",
        "approve",
        lambda a: f"/members/join-applications/{a.pk}/reject/",
        _applications,
        data=lambda a: {"reason": "非本单位职工"},
        snapshot=_state,
        success=(302,),
    ),
]
