"""Import pages: upload, preview and commit, progress (htmx-polled), error sheet, template.

Every page works as plain GET/POST; htmx only swaps the progress block every second.
A user sees only their own jobs (anyone else's answers 404) and needs the kind's module
edit permission at the job's org.
"""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.export import XLSX_CONTENT_TYPE
from gonghui.core.forms import ReasonForm
from gonghui.core.imports import selectors, services
from gonghui.core.imports.forms import (
    ImportCommitExistingForm,
    ImportCommitForm,
    ImportUploadForm,
    add_option_fields,
    chosen_options,
)
from gonghui.core.imports.models import ExistingPolicy, ImportJob, ImportMode
from gonghui.core.imports.registry import ImportKind
from gonghui.core.imports.todos import imports_allowed
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error, paginate, posted_org_or_404
from gonghui.core.scope import can, org_in_scope, requires


def _kind_or_404(request, code: str) -> ImportKind:
    try:
        kind = services.kind_get(code)
    except ServiceError as exc:
        raise Http404 from exc
    if not can(request.user, kind.module, Action.EDIT):
        raise Http404
    return kind


def _job_or_404(request, pk) -> tuple[ImportJob, ImportKind]:
    """The user's own job, while they may still edit the kind's module at the job's org."""
    job = selectors.import_job_get(request.user, pk)
    try:
        kind = services.kind_get(job.kind)
    except ServiceError as exc:
        raise Http404 from exc
    if not org_in_scope(request.user, kind.module, Action.EDIT, job.org):
        raise Http404
    return job, kind


def _next_url(kind: ImportKind) -> str:
    if not kind.next_url_name:
        return ""
    try:
        return reverse(kind.next_url_name)
    except NoReverseMatch:
        return ""


@requires(test=imports_allowed)
def import_list(request):
    kinds = selectors.import_kinds_for(request.user)
    context = paginate(request, selectors.import_job_list(request.user))
    context["kinds"] = kinds
    titles = selectors.import_kind_titles()
    page = context["page_obj"]
    page.object_list = list(page.object_list)
    for job in page.object_list:
        job.kind_title = titles.get(job.kind, job.kind)
    return render(request, "imports/list.html", context)


@login_required
def import_new(request, kind):
    import_kind = _kind_or_404(request, kind)
    orgs = selectors.import_target_orgs(request.user, import_kind)
    if request.method == "POST":
        posted_org_or_404(request, "org", import_kind.module, Action.EDIT)
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        orgs=orgs,
        existing_choice=import_kind.existing_choice,
    )
    # The choices offered are those allowed at the top of the user's scope; the service
    # checks them again against the org chosen.
    add_option_fields(form, import_kind, request.user, orgs[0] if orgs else None, direct=True)
    if request.method == "POST" and form.is_valid():
        org = next(o for o in orgs if o.pk == form.cleaned_data["org"])
        how = form.cleaned_data["how"]
        direct = how not in ("", "preview")
        try:
            job = services.import_upload(
                actor=request.user,
                kind=import_kind.code,
                file=form.cleaned_data["file"],
                org=org,
                direct_mode=how if direct else "",
                existing=form.cleaned_data.get("existing") or ExistingPolicy.UPDATE,
                options=chosen_options(form, import_kind) if direct else None,
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            return redirect("imports:detail", pk=job.pk)
    return render(
        request,
        "imports/new.html",
        {"form": form, "kind": import_kind, "columns": import_kind.spec.columns},
    )


@login_required
def import_template(request, kind):
    import_kind = _kind_or_404(request, kind)
    from urllib.parse import quote

    response = HttpResponse(
        services.import_template_xlsx(import_kind), content_type=XLSX_CONTENT_TYPE
    )
    filename = f"{import_kind.title}导入模板.xlsx"
    response["Content-Disposition"] = (
        f'attachment; filename="import-template-{import_kind.code}.xlsx"; '
        f"filename*=UTF-8''{quote(filename)}"
    )
    return response


def _commit_form(request, job: ImportJob, kind: ImportKind, data=None):
    form_class = ImportCommitExistingForm if kind.existing_choice else ImportCommitForm
    initial = ImportMode.ALL_OR_NOTHING if not job.error_rows else ImportMode.SKIP_INVALID
    form = form_class(data, initial={"mode": initial, "existing": ExistingPolicy.UPDATE})
    add_option_fields(form, kind, request.user, job.org, findings=job.findings)
    return form


def _job_context(request, job: ImportJob, kind: ImportKind, form=None) -> dict:
    if form is None:
        form = _commit_form(request, job, kind)
    interrupted = job.is_busy and services.import_interrupted(job)
    return {
        "job": job,
        "kind": kind,
        "form": form,
        "preview_headers": [c["label"] for c in job.columns],
        "renamed_columns": [c for c in job.columns if c["header"] and c["header"] != c["label"]],
        "format_label": services.import_format_label(job),
        "next_url": _next_url(kind),
        "may_commit": job.can_commit,
        "may_unmask_errors": bool(job.errors_path)
        and services.import_errors_may_unmask(request.user, job),
        "option_fields": [form[option.key] for option in kind.options if option.key in form.fields],
        # A run that stopped and was not taken over yet (no worker is up), or a failed one
        # that can be completed: 继续导入.
        "interrupted": interrupted,
        "may_resume": interrupted or (job.status == "failed" and job.resumable),
    }


@login_required
def import_detail(request, pk):
    job, kind = _job_or_404(request, pk)
    return render(request, "imports/job.html", _job_context(request, job, kind))


@login_required
@require_POST
def import_commit(request, pk):
    job, kind = _job_or_404(request, pk)
    form = _commit_form(request, job, kind, request.POST)
    if form.is_valid():
        try:
            job = services.import_commit(
                actor=request.user,
                job=job,
                mode=form.cleaned_data["mode"],
                existing=form.cleaned_data.get("existing", ExistingPolicy.UPDATE),
                options=chosen_options(form, kind),
            )
        except ServiceError as exc:
            if exc.status == 404:
                raise Http404 from exc
            form_apply_error(request, form, exc)
        else:
            return redirect("imports:detail", pk=job.pk)
    job.refresh_from_db()
    return render(request, "imports/job.html", _job_context(request, job, kind, form), status=400)


@login_required
@require_POST
def import_resume(request, pk):
    """继续导入: a job whose run stopped, or that failed part-way, carries on."""
    job, _ = _job_or_404(request, pk)
    try:
        services.import_resume(actor=request.user, job=job)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("imports:detail", pk=job.pk)


@login_required
@require_POST
def import_discard(request, pk):
    job, _ = _job_or_404(request, pk)
    try:
        services.import_discard(actor=request.user, job=job)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("imports:detail", pk=job.pk)
    written = f"此前已写入的 {job.written_rows} 行保留不变，" if job.written_rows else ""
    messages.info(request, f"已放弃导入“{job.original_name}”，{written}上传的文件已删除。")
    return redirect("imports:list")


@login_required
def import_progress(request, pk):
    """The progress block. htmx polls it; once the job is no longer busy the page reloads."""
    job, kind = _job_or_404(request, pk)
    context = _job_context(request, job, kind)
    if request.htmx:
        response = render(request, "imports/job.html#progress", context)
        if not job.is_busy:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/job.html", context)


@login_required
def import_errors(request, pk):
    """The error sheet: masked on GET; unmasked on POST with a reason (GET ?unmask=1 shows
    the small form asking for it), for users who may view sensitive data there."""
    job, kind = _job_or_404(request, pk)
    reason = ""
    if request.method == "POST" or request.GET.get("unmask") == "1":
        if not services.import_errors_may_unmask(request.user, job):
            raise Http404
        form = ReasonForm(request.POST or None)
        if not form.is_valid():
            return render(
                request, "imports/errors_unmask.html", {"job": job, "kind": kind, "form": form}
            )
        reason = form.cleaned_data["reason"]
    content = services.import_errors_export(actor=request.user, job=job, reason=reason)
    if content is None:
        raise Http404
    from urllib.parse import quote

    stem = Path(job.original_name).stem or "导入"
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="import-{job.pk}-errors.xlsx"; '
        f"filename*=UTF-8''{quote(stem + '-未导入的行.xlsx')}"
    )
    return response
