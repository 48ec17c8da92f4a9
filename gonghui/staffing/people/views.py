"""Pages of the worker register and records, training, and posts."""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.accounts.models import User
from gonghui.core.errors import ServiceError
from gonghui.core.masking import mask_phone
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error, posted_org_or_404
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import (
    can,
    org_in_scope,
    path_in_scope,
    requires,
    scope_paths,
    scope_queryset,
)
from gonghui.orgs.models import Org, OrgLevel
from gonghui.staffing.pay import selectors as pay_selectors
from gonghui.staffing.people import selectors, services
from gonghui.staffing.people.forms import PostForm, TrainingForm, WorkerForm
from gonghui.staffing.people.models import Post, WorkerStatus
from gonghui.staffing.shared import MODULE


def _orgs(user, action=Action.EDIT, levels=None):
    orgs = scope_queryset(Org.objects.filter(status="active"), user, MODULE, action, org_field="")
    if levels:
        orgs = orgs.filter(level__in=levels)
    return orgs.order_by("path")


def _status(form) -> int:
    return 422 if form.is_bound and form.errors else 200


@requires(MODULE, Action.VIEW)
def worker_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("q", "status", "contract", "training")}
    year = timezone.localdate().year
    min_hours = selectors.training_minimum(request.user)
    workers = selectors.worker_list(
        request.user, **filters, training_year=year, min_hours=min_hours
    )
    return render(
        request,
        "staffing/people/worker_list.html",
        {
            **paginate_peek(request, workers),
            "filters": filters,
            "status_choices": WorkerStatus.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
            "year": year,
            "min_hours": min_hours,
            "today": timezone.localdate(),
            "warning_until": timezone.localdate()
            + dt.timedelta(days=selectors.CONTRACT_WARNING_DAYS),
        },
    )


def _worker_context(request, worker, **extra) -> dict:
    year = timezone.localdate().year
    scheme = pay_selectors.scheme_for(worker.org)
    can_edit = org_in_scope(request.user, MODULE, Action.EDIT, worker.org)
    return {
        "w": worker,
        "phone_masked": mask_phone(worker.phone),
        "trainings": worker.trainings.all()[:50],
        "hours": selectors.training_hours(worker, year),
        "min_hours": scheme.training_min_hours,
        "year": year,
        "appraisals": worker.appraisals.order_by("-period_end", "-id")[:20],
        "can_edit": can_edit,
        "can_approve": org_in_scope(request.user, MODULE, Action.APPROVE, worker.org),
        "training_form": TrainingForm() if can_edit else None,
        **extra,
    }


@requires(MODULE, Action.VIEW)
def worker_detail(request, pk):
    worker = selectors.worker_get(request.user, pk)
    return render(request, "staffing/people/worker_detail.html", _worker_context(request, worker))


def _worker_user(request, form):
    username = form.cleaned_data.get("username", "").strip()
    if not username:
        return None, True
    user = User.objects.filter(username=username).select_related("org").first()
    if user is None or not org_in_scope(request.user, MODULE, Action.EDIT, user.org):
        form.add_error("username", "数据范围内没有这个用户名的账号。")
        return None, False
    return user, True


def _worker_form(request, *, worker=None):
    orgs = _orgs(request.user)
    posts = selectors.vacant_posts(request.user)
    if worker is not None and worker.post_id:
        posts = Post.objects.filter(pk=worker.post_id).select_related("org").union(posts)
    initial = {}
    if worker is not None:
        initial = {
            f: getattr(worker, f) for f in (*services.WORKER_FIELDS, "status") if f != "phone"
        }
        initial |= {
            "org": worker.org_id,
            "post": worker.post_id,
            "username": worker.user.username if worker.user_id else "",
        }
    return WorkerForm(
        request.POST or None,
        orgs=orgs,
        posts=list(posts),
        editing=worker is not None,
        initial=initial,
        check=lambda data: services.worker_validate(data=data),
    )


@requires(MODULE, Action.EDIT)
def worker_create(request):
    form = _worker_form(request)
    if request.method == "POST":
        org = posted_org_or_404(request, "org", MODULE, Action.EDIT)
        if form.is_valid():
            user, ok = _worker_user(request, form)
            data = {k: form.cleaned_data[k] for k in services.WORKER_FIELDS}
            post = _post(request, form.cleaned_data.get("post"))
            if ok:
                try:
                    worker = services.worker_create(
                        actor=request.user, org=org, user=user, post=post, **data
                    )
                except ServiceError as exc:
                    form_apply_error(request, form, exc)
                else:
                    messages.success(request, "社工已登记。")
                    return redirect("staffing:worker_detail", pk=worker.pk)
    return render(request, "staffing/people/worker_form.html", {"form": form}, status=_status(form))


def _post(request, pk):
    if not pk:
        return None
    post = scope_queryset(Post.objects.all(), request.user, MODULE, Action.EDIT).filter(pk=pk)
    found = post.select_related("org").first()
    if found is None:
        raise Http404
    return found


@requires(MODULE, Action.EDIT)
def worker_edit(request, pk):
    worker = selectors.worker_get(request.user, pk, Action.EDIT)
    form = _worker_form(request, worker=worker)
    if request.method == "POST" and form.is_valid():
        user, ok = _worker_user(request, form)
        data = {k: form.cleaned_data[k] for k in services.WORKER_FIELDS}
        if not data["phone"]:
            data.pop("phone")  # left blank: keep the number on file (never shown in full)
        if ok:
            try:
                services.worker_update(
                    actor=request.user,
                    worker=worker,
                    user=user,
                    post=_post(request, form.cleaned_data.get("post")),
                    status=form.cleaned_data.get("status") or None,
                    **data,
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "已保存。")
                return redirect("staffing:worker_detail", pk=worker.pk)
    return render(
        request,
        "staffing/people/worker_form.html",
        {"form": form, "w": worker},
        status=_status(form),
    )


@requires(MODULE, Action.EDIT)
@require_POST
def training_add(request, pk):
    worker = selectors.worker_get(request.user, pk, Action.EDIT)
    form = TrainingForm(request.POST)
    if form.is_valid():
        try:
            services.training_add(actor=request.user, worker=worker, **form.cleaned_data)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "培训记录已添加。")
            return redirect("staffing:worker_detail", pk=worker.pk)
    return render(
        request,
        "staffing/people/worker_detail.html",
        _worker_context(request, worker, training_form=form),
        status=422,
    )


@requires(MODULE, Action.APPROVE)
@require_POST
def contract_review_clear(request, pk):
    worker = selectors.worker_get(request.user, pk, Action.APPROVE)
    services.contract_review_clear(actor=request.user, worker=worker)
    messages.success(request, "已完成合同复核。")
    return redirect("staffing:worker_detail", pk=worker.pk)


@requires(MODULE, Action.VIEW)
def post_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("q", "vacant")}
    posts = selectors.post_list(request.user, **filters)
    page = paginate_peek(request, posts)
    edit_paths = scope_paths(request.user, MODULE, Action.EDIT)
    editable = {p.pk for p in page["page_obj"] if path_in_scope(p.org.path, edit_paths)}
    return render(
        request,
        "staffing/people/post_list.html",
        {**page, "filters": filters, "can_edit": bool(edit_paths), "editable_ids": editable},
    )


def _post_check(post=None):
    def check(values: dict) -> None:
        services.post_validate(
            org=None,
            name=values.get("name") or "",
            note=values.get("note") or "",
            post=post,
            is_active=values.get("is_active", True),
        )

    return check


@requires(MODULE, Action.EDIT)
def post_create(request):
    orgs = _orgs(request.user, levels=[OrgLevel.COUNTY, OrgLevel.TOWNSHIP])
    form = PostForm(request.POST or None, orgs=orgs, check=_post_check())
    if request.method == "POST":
        org = posted_org_or_404(request, "org", MODULE, Action.EDIT)
        if form.is_valid():
            try:
                services.post_create(
                    actor=request.user,
                    org=org,
                    name=form.cleaned_data["name"],
                    note=form.cleaned_data["note"],
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "岗位已设立。")
                return redirect("staffing:post_list")
    return render(request, "staffing/people/post_form.html", {"form": form}, status=_status(form))


@requires(MODULE, Action.EDIT)
def post_edit(request, pk):
    post = selectors.post_get(request.user, pk, Action.EDIT)
    if request.method == "POST":
        form = PostForm(request.POST, editing=True, check=_post_check(post))
        if form.is_valid():
            try:
                services.post_update(actor=request.user, post=post, **form.cleaned_data)
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "岗位已保存。")
                return redirect("staffing:post_list")
    else:
        form = PostForm(
            editing=True,
            initial={"name": post.name, "note": post.note, "is_active": post.is_active},
        )
    return render(
        request,
        "staffing/people/post_form.html",
        {"form": form, "post": post},
        status=_status(form),
    )
