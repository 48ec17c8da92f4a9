"""Permission-matrix entries for the join-application API (staff part) and the member
import API. (The public join endpoints are tested in test_api.py.)

Import jobs are private: `own` is a job of the user under test at township A, `sibling`
one of a township-B user, `parent` one of a county user; all need members.edit at the
job's org.
"""

import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.audit.models import AuditEvent
from gonghui.core.imports.models import ImportJob
from gonghui.core.imports.tests.files import xlsx_bytes
from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.members.joining.tests.matrix import _applications, _state
from gonghui.members.tests.factories import make_id_number

_names = itertools.count(1)


def _file() -> SimpleUploadedFile:
    rows = [
        ["姓名", "身份证号", "户籍类型", "入会时间"],
        ["矩阵导入会员", make_id_number(), "农业", "2021-03-05"],
        ["坏行", "110105194912310021", "农业", "2021-03-05"],
    ]
    return SimpleUploadedFile("matrix.xlsx", xlsx_bytes(rows))


def _job(owner, org) -> ImportJob:
    from gonghui.core.imports.services import import_upload
    from gonghui.testing.fixtures import make_user

    uploader = make_user(f"m_member_importer{next(_names)}", "county_admin", org.parent or org)
    job = import_upload(actor=uploader, kind="members", file=_file(), org=org)
    ImportJob.objects.filter(pk=job.pk).update(user=owner or uploader)
    return job


def _jobs(tree, actor):
    from gonghui.testing.fixtures import make_user

    return Targets(
        own=_job(actor, tree.a),
        sibling=_job(make_user(f"m_mb{next(_names)}", "township_staff", tree.b), tree.b),
        parent=_job(make_user(f"m_mc{next(_names)}", "county_staff", tree.county), tree.county),
    )


def _failed_jobs(tree, actor):
    """Jobs whose commit failed part-way (resumable): resume queues them again."""
    targets = _jobs(tree, actor)
    for job in (targets.own, targets.sibling, targets.parent):
        ImportJob.objects.filter(pk=job.pk).update(
            status="failed", resumable=True, mode="skip_invalid"
        )
    return targets


def _townships(tree, actor):
    return Targets(own=tree.a, sibling=tree.b, parent=tree.county)


def _job_state(job):
    fresh = ImportJob.objects.filter(pk=job.pk).first()
    return (fresh.status, fresh.mode, fresh.created_count) if fresh else None


ENDPOINTS = [
    Endpoint(
        "api.join.list",
        "GET",
        "members",
        "approve",
        lambda t: "/api/v1/join-applications?limit=200",
        _applications,
        api=True,
        marker=lambda a: a.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.join.detail",
        "GET",
        "members",
        "approve",
        lambda a: f"/api/v1/join-applications/{a.pk}",
        _applications,
        api=True,
    ),
    Endpoint(
        "api.join.approve",
        "POST",
        "members",
        "approve",
        lambda a: f"/api/v1/join-applications/{a.pk}/approve",
        _applications,
        api=True,
        snapshot=_state,
    ),
    Endpoint(
        "api.join.reject",
        "POST",
        "members",
        "approve",
        lambda a: f"/api/v1/join-applications/{a.pk}/reject",
        _applications,
        api=True,
        data=lambda a: {"reason": "非本单位职工"},
        snapshot=_state,
    ),
    Endpoint(
        "api.member_imports.upload",
        "POST",
        "members",
        "edit",
        lambda t: "/api/v1/members/imports",
        _townships,
        api=True,
        data=lambda org: {"org_id": org.pk, "file": _file()},
        snapshot=lambda org: ImportJob.objects.filter(org=org).count(),
        success=(201,),
        extra={"multipart": True},
    ),
    Endpoint(
        "api.member_imports.detail",
        "GET",
        "members",
        "edit",
        lambda j: f"/api/v1/members/imports/{j.pk}",
        _jobs,
        api=True,
    ),
    Endpoint(
        "api.member_imports.errors",
        "GET",
        "members",
        "edit",
        lambda j: f"/api/v1/members/imports/{j.pk}/errors",
        _jobs,
        api=True,
    ),
    Endpoint(
        "api.member_imports.errors_unmasked",
        "POST",
        "members",
        "view_sensitive",
        lambda j: f"/api/v1/members/imports/{j.pk}/errors/unmasked",
        _jobs,
        api=True,
        data=lambda j: {"reason": "修改后重新导入"},
        snapshot=lambda j: AuditEvent.objects.filter(action="exported").count(),
    ),
    Endpoint(
        "api.member_imports.commit",
        "POST",
        "members",
        "edit",
        lambda j: f"/api/v1/members/imports/{j.pk}/commit",
        _jobs,
        api=True,
        data=lambda j: {"mode": "skip_invalid"},
        snapshot=_job_state,
        success=(202,),
    ),
    Endpoint(
        "api.member_imports.resume",
        "POST",
        "members",
        "edit",
        lambda j: f"/api/v1/members/imports/{j.pk}/resume",
        _failed_jobs,
        api=True,
        snapshot=_job_state,
        success=(202,),
    ),
    Endpoint(
        "api.member_imports.discard",
        "DELETE",
        "members",
        "edit",
        lambda j: f"/api/v1/members/imports/{j.pk}",
        _jobs,
        api=True,
        snapshot=_job_state,
    ),
]
