"""Permission-matrix entries for the hardship archive pages (see core/testing/matrix.py).

Lifecycle steps answer 302 back to the detail page for everyone allowed to reach them; a
county-only step (approve, exit) taken by a role held at township A is refused there by the
service with a message, and test_views.py checks those outcomes one by one.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict

from gonghui.assistance.archives import services
from gonghui.assistance.archives.tests.factories import (
    PDF_BYTES,
    RECOVERED,
    archive_in,
    authorisation_for,
    ensure_standard,
)
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import HardshipArchive, LivingAllowanceStandard, SpotCheckDraw
from gonghui.assistance.standards.selectors import county_of
from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import Endpoint, Targets
from gonghui.members.tests.factories import make_id_number

MODULE = "assistance"


def _archives(status=ArchiveStatus.APPLIED):
    def setup(tree, actor):
        return Targets(
            own=archive_in(status, org=tree.a1, name="甲镇矩阵困难户"),
            sibling=archive_in(status, org=tree.b1, name="乙镇矩阵困难户"),
            parent=archive_in(status, org=tree.county, name="县直矩阵困难户"),
        )

    return setup


def _visitable(tree, actor):
    targets = _archives(ArchiveStatus.GRASSROOTS_CHECKED)(tree, actor)
    for archive in (targets.own, targets.sibling, targets.parent):
        authorisation_for(archive)
    return targets


def _exitable(tree, actor):
    targets = _archives(ArchiveStatus.ARCHIVED)(tree, actor)
    for archive in (targets.own, targets.sibling, targets.parent):
        services.archive_review(
            actor=None, archive=archive, on=datetime.date(2025, 2, 1), **RECOVERED
        )
    return targets


def _with_household(tree, actor):
    targets = _archives()(tree, actor)
    people = [
        services.household_member_add(actor=None, archive=a, relation="child", name="矩阵子女")
        for a in (targets.own, targets.sibling, targets.parent)
    ]
    return Targets(*people)


def _with_attachment(tree, actor):
    targets = _archives()(tree, actor)
    return Targets(*(authorisation_for(a) for a in (targets.own, targets.sibling, targets.parent)))


def _all_drawn(tree, actor):
    """Archived households at A1, B1 and the county, all drawn in the county's draw."""
    targets = _archives(ArchiveStatus.ARCHIVED)(tree, actor)
    services.spot_check_draw(actor=None, county=tree.county, year=2026, share="1")
    return targets


def _orgs(tree, actor):
    ensure_standard(tree.a1)
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


def _state(archive):
    fresh = HardshipArchive.objects.filter(pk=archive.pk).first()
    if fresh is None:
        return None
    state = model_to_dict(fresh)
    state["steps"] = fresh.steps.count()
    state["household"] = fresh.household_members.count()
    state["attachments"] = fresh.attachments.count()
    state["reviews"] = fresh.reviews.count()
    return state


def _person_state(person):
    return _state(person.archive)


def _edit_data(a):
    return {
        "name": a.name + "改",
        "id_number": a.id_number,
        "phone": "13900009999",
        "hukou_type": a.hukou_type,
        "health_status": a.health_status,
        "disability_level": a.disability_level,
        "work_status": a.work_status,
        "housing": a.housing,
        "household_size": str(a.household_size),
        "annual_income": "20000",
        "main_cause": a.main_cause,
        "version": a.version,
    }


_NEW_ID = make_id_number(n=778, birth=datetime.date(1970, 3, 3))


def _create_data(org):
    return {
        "org": org.pk,
        "name": "矩阵新困难户",
        "id_number": _NEW_ID,
        "hukou_type": "urban",
        "health_status": "healthy",
        "disability_level": "none",
        "work_status": "unemployed",
        "housing": "rented",
        "household_size": "2",
        "annual_income": "12000",
        "main_cause": "unemployed",
    }


def _step(name, action, module_action, setup, data=None):
    return Endpoint(
        f"assistance.step.{name}",
        "POST",
        MODULE,
        module_action,
        lambda a, name=name: f"/assistance/{a.pk}/steps/{name}/",
        setup,
        data=data or (lambda a: {}),
        snapshot=_state,
        success=(302,),
    )


ENDPOINTS = [
    Endpoint(
        "assistance.list",
        "GET",
        MODULE,
        "view",
        lambda t: "/assistance/",
        _archives(),
        marker=lambda a: a.name,
        scoped=False,
    ),
    Endpoint(
        "assistance.search",
        "GET",
        MODULE,
        "view",
        lambda t: "/assistance/?q=矩阵困难户&category=deep",
        _archives(),
        marker=lambda a: a.name,
        scoped=False,
    ),
    Endpoint(
        "assistance.detail", "GET", MODULE, "view", lambda a: f"/assistance/{a.pk}/", _archives()
    ),
    Endpoint(
        "assistance.create_form",
        "GET",
        MODULE,
        "edit",
        lambda t: "/assistance/new/",
        _orgs,
        scoped=False,
    ),
    Endpoint(
        "assistance.create",
        "POST",
        MODULE,
        "edit",
        lambda t: "/assistance/new/",
        _orgs,
        data=_create_data,
        snapshot=lambda org: HardshipArchive.objects.filter(name="矩阵新困难户").count(),
        success=(302,),
    ),
    Endpoint(
        "assistance.edit_form",
        "GET",
        MODULE,
        "edit",
        lambda a: f"/assistance/{a.pk}/edit/",
        _archives(),
    ),
    Endpoint(
        "assistance.edit",
        "POST",
        MODULE,
        "edit",
        lambda a: f"/assistance/{a.pk}/edit/",
        _archives(),
        data=_edit_data,
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "assistance.unmask",
        "POST",
        MODULE,
        "view_sensitive",
        lambda a: f"/assistance/{a.pk}/unmask/",
        _archives(),
        data=lambda a: {"reason": "核实身份"},
        snapshot=lambda a: AuditEvent.objects.filter(action="unmasked").count(),
    ),
    _step("check", "check", "edit", _archives()),
    _step(
        "visit",
        "visit",
        "edit",
        _visitable,
        data=lambda a: {
            "authorisation": a.attachments.get(kind="authorisation").pk,
            "visitors": "矩阵核查员",
        },
    ),
    _step("approve", "approve", "approve", _archives(ArchiveStatus.VISITED)),
    _step("reject", "reject", "edit", _archives(), data=lambda a: {"reason": "收入超标"}),
    _step("file", "file", "edit", _archives(ArchiveStatus.APPROVED)),
    _step(
        "review",
        "review",
        "edit",
        _archives(ArchiveStatus.ARCHIVED),
        data=lambda a: {"kind": "yearly"},
    ),
    _step("exit", "exit", "approve", _exitable, data=lambda a: {"reason": "收入稳定"}),
    _step("watch", "watch", "edit", _archives(ArchiveStatus.EXITED)),
    _step(
        "relapse",
        "relapse",
        "edit",
        _archives(ArchiveStatus.WATCHED),
        data=lambda a: {"annual_income": "12000", "note": "再次失业"},
    ),
    Endpoint(
        "assistance.attachment_upload",
        "POST",
        MODULE,
        "edit",
        lambda a: f"/assistance/{a.pk}/attachments/",
        _archives(),
        data=lambda a: {
            "kind": "evidence",
            "file": SimpleUploadedFile("矩阵证明.pdf", PDF_BYTES),
        },
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "assistance.attachment_download",
        "GET",
        MODULE,
        "edit",
        lambda x: f"/assistance/attachments/{x.pk}/",
        _with_attachment,
    ),
    Endpoint(
        "assistance.household_add",
        "POST",
        MODULE,
        "edit",
        lambda a: f"/assistance/{a.pk}/household/",
        _archives(),
        data=lambda a: {
            "relation": "spouse",
            "name": "矩阵配偶",
            "health_status": "healthy",
            "school_stage": "none",
        },
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "assistance.household_remove",
        "POST",
        MODULE,
        "edit",
        lambda p: f"/assistance/household/{p.pk}/remove/",
        _with_household,
        snapshot=_person_state,
        success=(302,),
    ),
    Endpoint(
        "assistance.standards",
        "GET",
        MODULE,
        "view",
        lambda t: "/assistance/standards/",
        _orgs,
        scoped=False,
    ),
    Endpoint(
        "assistance.standards_set",
        "POST",
        MODULE,
        "edit",
        lambda t: "/assistance/standards/",
        _orgs,
        data=lambda t: {
            "form": "standard",
            "year": "2026",
            "monthly_amount": "900",
            "effective_from": "2026-01-01",
        },
        snapshot=lambda t: LivingAllowanceStandard.objects.count(),
        scoped=False,
        success=(302,),
    ),
    # 年度抽查: every role sits at township A, so no one here draws for the county; those
    # holding `approve` are told so (302), test_spot_check_views.py covers a county's draw.
    Endpoint(
        "assistance.spot_checks",
        "GET",
        MODULE,
        "view",
        lambda t: "/assistance/spot-checks/",
        _all_drawn,
        # the county's draw shows to A's roles, limited to the households in A's subtree
        marker=lambda a: a.name,
        scoped=False,
    ),
    Endpoint(
        "assistance.spot_check_draw",
        "POST",
        MODULE,
        "approve",
        lambda t: "/assistance/spot-checks/",
        _archives(ArchiveStatus.ARCHIVED),
        data=lambda a: {"county": county_of(a.org).pk, "year": "2026"},
        snapshot=lambda a: SpotCheckDraw.objects.count(),
        scoped=False,
        success=(302,),
    ),
]
