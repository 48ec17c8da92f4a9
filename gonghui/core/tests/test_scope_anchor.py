"""The township anchor that makes scoped lists fast must never change what a scope contains."""

import random

import pytest

from gonghui.core.scope import scope_queryset
from gonghui.orgs.models import Enterprise, Org, OrgLevel, OrgType
from gonghui.orgs.services import org_create, org_move
from gonghui.testing.fixtures import build_enterprise, make_user

pytestmark = pytest.mark.django_db


def test_anchor_is_the_township_level_ancestor(tree):
    sub = org_create(actor=None, parent=tree.ae, name="车间分会", type=OrgType.ENTERPRISE, level=7)
    industry = org_create(
        actor=None, parent=tree.county, name="县快递行业工会", type=OrgType.INDUSTRY, level=5
    )
    assert tree.city.anchor_id is None
    assert tree.county.anchor_id is None
    assert (tree.a.anchor_id, tree.a1.anchor_id, tree.ae.anchor_id) == (tree.a.pk,) * 3
    assert sub.anchor_id == tree.a.pk
    assert industry.anchor_id == industry.pk
    enterprise = build_enterprise(org=sub)
    assert enterprise.org_anchor_id == tree.a.pk


def test_move_carries_anchor_to_orgs_and_owned_rows(tree, users):
    enterprise = build_enterprise(org=tree.a1)
    org_move(actor=None, org=tree.a1, new_parent=tree.b)
    tree.a1.refresh_from_db()
    enterprise.refresh_from_db()
    assert tree.a1.anchor_id == tree.b.pk
    assert enterprise.org_anchor_id == tree.b.pk
    township_b = make_user("b_staff", "township_staff", tree.b)
    assert list(scope_queryset(Enterprise.objects.all(), township_b, "orgs", "view")) == [
        enterprise
    ]
    assert not scope_queryset(
        Enterprise.objects.all(), users.township_staff, "orgs", "view"
    ).exists()


def _brute_force(user, module, action):
    from gonghui.core.scope import scope_paths

    paths = scope_paths(user, module, action)
    return {
        e.pk
        for e in Enterprise.objects.select_related("org")
        if any(e.org.path.startswith(p) for p in paths)
    }


def test_scoped_rows_equal_brute_force_on_random_trees_and_moves(tree):
    rng = random.Random(20261123)
    orgs = [tree.a, tree.a1, tree.ae, tree.b, tree.b1]
    for i in range(30):
        parent = rng.choice([o for o in orgs if o.level < OrgLevel.SUB_UNIT])
        level = parent.level + 1
        orgs.append(
            org_create(
                actor=None, parent=parent, name=f"随机{i}", type=OrgType.ENTERPRISE, level=level
            )
        )
    for org in rng.sample(orgs + [tree.county], 25):
        build_enterprise(org=org)
    users = [
        make_user(f"u{i}", rng.choice(["county_staff", "township_staff", "grassroots_staff"]), org)
        for i, org in enumerate(rng.sample(orgs + [tree.county], 8))
    ]
    for step in range(6):
        for user in users:
            user.__dict__.pop("_scope_cache", None)
            scoped = set(
                scope_queryset(Enterprise.objects.all(), user, "orgs", "view").values_list(
                    "pk", flat=True
                )
            )
            assert scoped == _brute_force(user, "orgs", "view"), (step, user.username)
        movable = [o for o in Org.objects.filter(level__gte=OrgLevel.GRASSROOTS)]
        org = rng.choice(movable)
        targets = [
            t
            for t in Org.objects.filter(level__lt=org.level)
            if not t.path.startswith(org.path)
            and t.level >= OrgLevel.TOWNSHIP
            and not Org.objects.filter(parent=t, name=org.name).exists()
        ]
        if targets:
            org_move(actor=None, org=org, new_parent=rng.choice(targets))
