"""Permission-matrix entries for the import pages (see gonghui/core/testing/matrix.py).

Import jobs are private to their owner: `own` is a job of the user under test at township
A; `sibling` belongs to a township-B user, `parent` to a county user. The pages need the
kind's module edit grant at the job's org, so roles without orgs.edit get 404 even for a job
of their own. Upload targets are the org posted in the form (A, B or the county).
"""

import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.audit.models import AuditEvent
from gonghui.core.imports.models import ImportJob
from gonghui.core.imports.tests.files import ORG_HEADER, xlsx_bytes
from gonghui.core.testing.matrix import Endpoint, Targets

_names = itertools.count(1)


def _file(name: str) -> SimpleUploadedFile:
    rows = [
        ORG_HEADER,
        ["矩阵导入村工会", "999001777", "999001", "村(社区)工会"],
        ["无上级", "999001778"],
    ]
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def _job(owner, org, name: str) -> ImportJob:
    """A validated job (one valid row, one error) at org, owned by `owner` (None: someone)."""
    from gonghui.core.imports.services import import_upload
    from gonghui.testing.fixtures import make_user

    uploader = make_user(f"m_importer{next(_names)}", "county_admin", org.parent or org)
    job = import_upload(actor=uploader, kind="orgs", file=_file(name), org=org)
    ImportJob.objects.filter(pk=job.pk).update(user=owner or uploader)
    return job


def _jobs(tree, actor):
    from gonghui.testing.fixtures import make_user

    return Targets(
        own=_job(actor, tree.a, "own-import.xlsx"),
        sibling=_job(
            make_user(f"m_b{next(_names)}", "township_staff", tree.b), tree.b, "sibling-import.xlsx"
        ),
        parent=_job(
            make_user(f"m_c{next(_names)}", "county_staff", tree.county),
            tree.county,
            "parent-import.xlsx",
        ),
    )


def _failed_jobs(tree, actor):
    """Jobs whose commit failed part-way (resumable): 继续导入 queues them again."""
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


def _job_count(org):
    return ImportJob.objects.filter(org=org).count()


ENDPOINTS = [
    Endpoint(
        "imports.list",
        "GET",
        "orgs",
        "edit",
        lambda t: "/imports/",
        _jobs,
        marker=lambda job: job.original_name,
        scoped=False,
        extra={"any_module": ("orgs", "members")},
    ),
    Endpoint(
        "imports.new_form",
        "GET",
        "orgs",
        "edit",
        lambda t: "/imports/new/orgs/",
        _townships,
        scoped=False,
    ),
    Endpoint(
        "imports.template",
        "GET",
        "orgs",
        "edit",
        lambda t: "/imports/template/enterprises.xlsx",
        _townships,
        scoped=False,
    ),
    Endpoint(
        "imports.upload",
        "POST",
        "orgs",
        "edit",
        lambda t: "/imports/new/orgs/",
        _townships,
        data=lambda org: {"org": org.pk, "file": _file("upload.xlsx")},
        snapshot=_job_count,
        success=(302,),
    ),
    Endpoint("imports.detail", "GET", "orgs", "edit", lambda j: f"/imports/{j.pk}/", _jobs),
    Endpoint(
        "imports.progress", "GET", "orgs", "edit", lambda j: f"/imports/{j.pk}/progress/", _jobs
    ),
    Endpoint(
        "imports.errors", "GET", "orgs", "edit", lambda j: f"/imports/{j.pk}/errors.xlsx", _jobs
    ),
    Endpoint(
        "imports.errors_unmasked",
        "POST",
        "orgs",
        "view_sensitive",
        lambda j: f"/imports/{j.pk}/errors.xlsx",
        _jobs,
        data=lambda j: {"reason": "修改后重新导入"},
        snapshot=lambda j: AuditEvent.objects.filter(action="exported").count(),
    ),
    Endpoint(
        "imports.commit",
        "POST",
        "orgs",
        "edit",
        lambda j: f"/imports/{j.pk}/commit/",
        _jobs,
        data=lambda j: {"mode": "skip_invalid"},
        snapshot=_job_state,
        success=(302,),
    ),
    Endpoint(
        "imports.resume",
        "POST",
        "orgs",
        "edit",
        lambda j: f"/imports/{j.pk}/resume/",
        _failed_jobs,
        snapshot=_job_state,
        success=(302,),
    ),
    Endpoint(
        "imports.discard",
        "POST",
        "orgs",
        "edit",
        lambda j: f"/imports/{j.pk}/discard/",
        _jobs,
        snapshot=_job_state,
        success=(302,),
    ),
]
