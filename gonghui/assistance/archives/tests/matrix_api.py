"""Permission-matrix entries for the archives API (/api/v1/archives, see core/testing/matrix.py).

approve and exit are the county's decisions: a role held at township A that has `approve`
reaches the service, which refuses with 403 (permission_denied) because A is not a county
federation; test_api.py checks the county staff's success and the township's refusal.
"""

import datetime

from gonghui.assistance.archives.tests.matrix import (
    _archives,
    _exitable,
    _orgs,
    _person_state,
    _state,
    _visitable,
    _with_household,
)
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import HardshipArchive
from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.members.tests.factories import make_id_number

MODULE = "assistance"
BASE = "/api/v1/archives"
_NEW_ID = make_id_number(n=779, birth=datetime.date(1971, 4, 4))


def _api(name, method, action, url, setup, **kwargs) -> Endpoint:
    return Endpoint(f"api.archives.{name}", method, MODULE, action, url, setup, api=True, **kwargs)


def _step(name, action, setup, data=None, success=(200,)) -> Endpoint:
    return _api(
        name,
        "POST",
        action,
        lambda a, name=name: f"{BASE}/{a.pk}/{name}",
        setup,
        data=data or (lambda a: {}),
        snapshot=_state,
        success=success,
    )


def _people(tree, actor):
    targets = _with_household(tree, actor)
    return Targets(targets.own, targets.sibling, targets.parent)


ENDPOINTS = [
    _api(
        "list",
        "GET",
        "view",
        lambda t: f"{BASE}?limit=200",
        _archives(),
        marker=lambda a: a.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    _api("detail", "GET", "view", lambda a: f"{BASE}/{a.pk}", _archives()),
    _api(
        "create",
        "POST",
        "edit",
        lambda t: BASE,
        _orgs,
        data=lambda org: {
            "org_id": org.pk,
            "name": "接口矩阵困难户",
            "id_number": _NEW_ID,
            "hukou_type": "urban",
            "household_size": 2,
            "annual_income": "12000",
            "main_cause": "unemployed",
        },
        snapshot=lambda org: HardshipArchive.objects.filter(name="接口矩阵困难户").count(),
        success=(201,),
    ),
    _api(
        "update",
        "PATCH",
        "edit",
        lambda a: f"{BASE}/{a.pk}",
        _archives(),
        data=lambda a: {"version": a.version, "annual_income": "20000"},
        snapshot=_state,
    ),
    _step("check", "edit", _archives()),
    _step(
        "visit",
        "edit",
        _visitable,
        data=lambda a: {
            "authorisation_id": a.attachments.get(kind="authorisation").pk,
            "visitors": "矩阵核查员",
        },
    ),
    _step("approve", "approve", _archives(ArchiveStatus.VISITED), success=(200, 403)),
    _step("file", "edit", _archives(ArchiveStatus.APPROVED)),
    _step("review", "edit", _archives(ArchiveStatus.ARCHIVED), data=lambda a: {"kind": "yearly"}),
    _step("exit", "approve", _exitable, data=lambda a: {"reason": "收入稳定"}, success=(200, 403)),
    _step("watch", "edit", _archives(ArchiveStatus.EXITED)),
    _step(
        "relapse",
        "edit",
        _archives(ArchiveStatus.WATCHED),
        data=lambda a: {"annual_income": "12000", "note": "再次失业"},
    ),
    _step("reject", "edit", _archives(), data=lambda a: {"reason": "收入超标"}),
    _api("household_list", "GET", "view", lambda a: f"{BASE}/{a.pk}/household", _archives()),
    _api(
        "household_add",
        "POST",
        "edit",
        lambda a: f"{BASE}/{a.pk}/household",
        _archives(),
        data=lambda a: {"relation": "spouse", "name": "矩阵配偶"},
        snapshot=_state,
        success=(201,),
    ),
    _api(
        "household_update",
        "PATCH",
        "edit",
        lambda p: f"{BASE}/{p.archive_id}/household/{p.pk}",
        _people,
        data=lambda p: {"name": "矩阵子女改"},
        snapshot=_person_state,
    ),
    _api(
        "household_remove",
        "DELETE",
        "edit",
        lambda p: f"{BASE}/{p.archive_id}/household/{p.pk}",
        _people,
        snapshot=_person_state,
        success=(204,),
    ),
]
