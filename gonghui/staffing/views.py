"""Staff pages of the staffing module, the worker's own appraisal pages (我的考核) and the
public one-time rating page of the portal."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from gonghui.accounts.models import User
from gonghui.core.errors import ServiceError
from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.masking import mask_phone
from gonghui.core.modules import Action
from gonghui.core.paging import paginate_peek
from gonghui.core.request_context import client_ip
from gonghui.core.scope import (
    can,
    get_in_scope_or_404,
    org_in_scope,
    path_in_scope,
    requires,
    role_assignments,
    scope_paths,
    scope_queryset,
)
from gonghui.core.views_helpers import form_apply_error, posted_org_or_404
from gonghui.orgs.models import Org, OrgLevel
from gonghui.staffing import selectors, services
from gonghui.staffing.forms import (
    AnonymousRatingForm,
    AnswerForm,
    AppraisalOpenForm,
    InvitesForm,
    ObjectionForm,
    PayGradeForm,
    PostForm,
    RatingForm,
    SchemeForm,
    TrainingForm,
    WorkerForm,
)
from gonghui.staffing.models import (
    AppraisalKind,
    AppraisalResult,
    AppraisalStatus,
    Post,
    RaterGroup,
    WorkerStatus,
)

MODULE = "staffing"
RESULT_LABELS = dict(AppraisalResult.choices)


def _orgs(user, action=Action.EDIT, levels=None):
    orgs = scope_queryset(Org.objects.filter(status="active"), user, MODULE, action, org_field="")
    if levels:
        orgs = orgs.filter(level__in=levels)
    return orgs.order_by("path")


def _county(user) -> Org | None:
    return selectors.county_of(user.org) if user.org_id else None


# --- workers ------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def worker_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("q", "status", "contract")}
    workers = selectors.worker_list(request.user, **filters)
    return render(
        request,
        "staffing/worker_list.html",
        {
            **paginate_peek(request, workers),
            "filters": filters,
            "status_choices": WorkerStatus.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
            "today": timezone.localdate(),
            "warning_until": timezone.localdate()
            + dt.timedelta(days=selectors.CONTRACT_WARNING_DAYS),
        },
    )


def _worker_context(request, worker, **extra) -> dict:
    year = timezone.localdate().year
    scheme = selectors.scheme_for(worker.org)
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
    return render(request, "staffing/worker_detail.html", _worker_context(request, worker))


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
    return render(request, "staffing/worker_form.html", {"form": form}, status=_status(form))


def _post(request, pk):
    if not pk:
        return None
    post = scope_queryset(Post.objects.all(), request.user, MODULE, Action.EDIT).filter(pk=pk)
    found = post.select_related("org").first()
    if found is None:
        raise Http404
    return found


def _status(form) -> int:
    return 422 if form.is_bound and form.errors else 200


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
        request, "staffing/worker_form.html", {"form": form, "w": worker}, status=_status(form)
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
        "staffing/worker_detail.html",
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


# --- posts --------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def post_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("q", "vacant")}
    posts = selectors.post_list(request.user, **filters)
    page = paginate_peek(request, posts)
    edit_paths = scope_paths(request.user, MODULE, Action.EDIT)
    editable = {p.pk for p in page["page_obj"] if path_in_scope(p.org.path, edit_paths)}
    return render(
        request,
        "staffing/post_list.html",
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
    return render(request, "staffing/post_form.html", {"form": form}, status=_status(form))


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
        request, "staffing/post_form.html", {"form": form, "post": post}, status=_status(form)
    )


# --- appraisals ---------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def appraisal_list(request):
    filters = {
        k: request.GET.get(k, "").strip()
        for k in ("q", "kind", "status", "result", "year", "objection")
    }
    year = int(filters["year"]) if filters["year"].isdigit() else None
    rows = selectors.appraisal_list(request.user, **(filters | {"year": year}))
    return render(
        request,
        "staffing/appraisal_list.html",
        {
            **paginate_peek(request, rows),
            "filters": filters,
            "kind_choices": AppraisalKind.choices,
            "status_choices": AppraisalStatus.choices,
            "result_choices": AppraisalResult.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def appraisal_open(request):
    today = timezone.localdate()
    form = AppraisalOpenForm(
        request.POST or None,
        orgs=_orgs(request.user),
        initial={"year": today.year, "kind": "quarter", "quarter": (today.month - 1) // 3 + 1},
    )
    if request.method == "POST":
        org = posted_org_or_404(request, "org", MODULE, Action.EDIT)
        if form.is_valid():
            data = form.cleaned_data
            workers = list(
                selectors.worker_list(
                    request.user, status=WorkerStatus.ACTIVE, org=org, action=Action.EDIT
                )
            )
            try:
                opened = services.appraisals_open(
                    actor=request.user,
                    workers=workers,
                    kind=data["kind"],
                    year=data["year"],
                    quarter=data["quarter"],
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(
                    request, f"已开启 {len(opened)} 名社工的考核，实绩得分已按平台记录计算。"
                )
                return redirect(
                    f"{_url('staffing:appraisal_list')}?status=rating&year={data['year']}"
                )
    return render(request, "staffing/appraisal_open.html", {"form": form}, status=_status(form))


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


def _appraisal_context(request, appraisal, **extra) -> dict:
    can_edit = org_in_scope(request.user, MODULE, Action.EDIT, appraisal.org)
    can_approve = org_in_scope(request.user, MODULE, Action.APPROVE, appraisal.org)
    rating_open = appraisal.status == AppraisalStatus.RATING
    objection = selectors.objection_of(appraisal)
    group_labels = dict(RaterGroup.choices)
    summary = [
        row | {"label": group_labels.get(row["group"], row["group"])}
        for row in selectors.rating_summary(appraisal)
    ]
    return {
        "a": appraisal,
        "summary": summary,
        "named": selectors.named_ratings(appraisal),
        "scheme": selectors.scheme_for(appraisal.org),
        "objection": objection,
        "anonymous_min": selectors.ANONYMOUS_MIN,
        "rating_form": RatingForm() if can_edit and rating_open else None,
        "invites_form": InvitesForm() if can_edit and rating_open else None,
        "can_publish": can_approve and rating_open,
        "answer_form": AnswerForm()
        if can_approve and objection is not None and objection.answered_at is None
        else None,
        **extra,
    }


@requires(MODULE, Action.VIEW)
def appraisal_detail(request, pk):
    appraisal = selectors.appraisal_get(request.user, pk)
    return render(request, "staffing/appraisal_detail.html", _appraisal_context(request, appraisal))


@requires(MODULE, Action.EDIT)
@require_POST
def rating_add(request, pk):
    appraisal = selectors.appraisal_get(request.user, pk, Action.EDIT)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rating_submit(actor=request.user, appraisal=appraisal, **form.cleaned_data)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "评议已提交。")
            return redirect("staffing:appraisal_detail", pk=appraisal.pk)
    return render(
        request,
        "staffing/appraisal_detail.html",
        _appraisal_context(request, appraisal, rating_form=form),
        status=422,
    )


@requires(MODULE, Action.EDIT)
@require_POST
def invites_issue(request, pk):
    appraisal = selectors.appraisal_get(request.user, pk, Action.EDIT)
    form = InvitesForm(request.POST)
    tokens = []
    if form.is_valid():
        try:
            tokens = services.invites_issue(
                actor=request.user, appraisal=appraisal, count=form.cleaned_data["count"]
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
    if not tokens:
        return render(
            request,
            "staffing/appraisal_detail.html",
            _appraisal_context(request, appraisal, invites_form=form),
            status=422,
        )
    links = [request.build_absolute_uri(_url("staffing_portal:rate", t)) for t in tokens]
    return render(request, "staffing/invites.html", {"a": appraisal, "links": links})


@requires(MODULE, Action.APPROVE)
@require_POST
def appraisal_publish(request, pk):
    appraisal = selectors.appraisal_get(request.user, pk, Action.APPROVE)
    try:
        appraisal = services.appraisal_publish(actor=request.user, appraisal=appraisal)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"考核已公布：{appraisal.total} 分，{RESULT_LABELS[appraisal.result]}。"
        )
    return redirect("staffing:appraisal_detail", pk=appraisal.pk)


@requires(MODULE, Action.APPROVE)
@require_POST
def objection_answer(request, pk):
    appraisal = selectors.appraisal_get(request.user, pk, Action.APPROVE)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.objection_answer(
                actor=request.user, appraisal=appraisal, answer=form.cleaned_data["answer"]
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "异议已答复。")
            return redirect("staffing:appraisal_detail", pk=appraisal.pk)
    return render(
        request,
        "staffing/appraisal_detail.html",
        _appraisal_context(request, appraisal, answer_form=form),
        status=422,
    )


# --- pay sheet and promotion --------------------------------------------------------------


def _month(request) -> dt.date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(p) for p in raw.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


PAY_HEADERS = [
    "服务的工会",
    "姓名",
    "岗级",
    "档次",
    "岗位工资(元)",
    "考核等次",
    "考核奖励(元)",
    "应发合计(元)",
    "县级承担(元)",
    "乡镇承担(元)",
    "经费来源",
    "备注",
]


def _pay_rows(rows):
    for r in rows:
        yield [
            r.worker.org.name,
            r.worker.name,
            r.worker.grade,
            r.worker.band,
            float(r.pay.base),
            RESULT_LABELS.get(r.result, "—"),
            float(r.pay.bonus),
            float(r.pay.total),
            float(r.pay.county_part),
            float(r.pay.township_part),
            r.worker.get_funding_source_display(),
            "薪酬表缺少该岗级档次" if r.missing_cell else "",
        ]


@requires(MODULE, Action.VIEW)
def pay_sheet(request):
    month = _month(request)
    county = _county(request.user)
    rows = selectors.pay_sheet(request.user, county, month) if county else []
    totals = {
        "total": sum(r.pay.total for r in rows),
        "county": sum(r.pay.county_part for r in rows),
        "township": sum(r.pay.township_part for r in rows),
    }
    return render(
        request,
        "staffing/pay_sheet.html",
        {
            "rows": rows,
            "month": month,
            "county": county,
            "totals": totals,
            "result_labels": RESULT_LABELS,
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@requires(MODULE, Action.EXPORT)
def pay_sheet_export(request):
    month = _month(request)
    county = _county(request.user)
    rows = selectors.pay_sheet(request.user, county, month, Action.EXPORT) if county else []
    content = export_workbook(
        actor=request.user,
        what="staffing_pay_sheet",
        headers=PAY_HEADERS,
        rows=_pay_rows(rows),
        sheet_name="工资表",
        filters={"pay_month": f"{month:%Y-%m}"},
        title=f"{county.name if county else ''}社会化工会工作者{month:%Y年%m月}工资表",
    )
    return xlsx_response(content, f"社工工资表-{month:%Y-%m}")


def _candidates(request):
    county = _county(request.user)
    if county is None:
        return None, []
    return county, selectors.promotion_candidates(request.user, county, timezone.localdate())


@requires(MODULE, Action.VIEW)
def promotion_list(request):
    county, candidates = _candidates(request)
    return render(
        request,
        "staffing/promotion_list.html",
        {
            "county": county,
            "candidates": candidates,
            "scheme": selectors.scheme_for(county) if county else None,
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@requires(MODULE, Action.EXPORT)
def promotion_export(request):
    county, candidates = _candidates(request)
    content = export_workbook(
        actor=request.user,
        what="staffing_promotion",
        headers=["服务的工会", "姓名", "学历", "现岗级档次", "建议", "依据"],
        rows=(
            [
                c.worker.org.name,
                c.worker.name,
                c.worker.get_education_display(),
                f"{c.worker.grade}岗{c.worker.band}档",
                f"{'晋档' if c.step == 'band' else '推荐晋岗'}至{c.to_grade}岗{c.to_band}档",
                "；".join(c.evidence),
            ]
            for c in candidates
        ),
        sheet_name="晋升推荐",
        title="社会化工会工作者晋升(推荐)名单",
    )
    return xlsx_response(content, "社工晋升推荐名单")


# --- statistics ---------------------------------------------------------------------------


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@requires(MODULE, Action.VIEW)
def stats(request):
    year = _year(request)
    return render(
        request,
        "staffing/stats.html",
        {
            "year": year,
            "columns": [label for _code, label in selectors.STATS_COLUMNS],
            "rows": selectors.staffing_stats(request.user, year),
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@requires(MODULE, Action.EXPORT)
def stats_export(request):
    year = _year(request)
    rows = selectors.staffing_stats(request.user, year)
    content = export_workbook(
        actor=request.user,
        what="staffing_stats",
        headers=["组织", *(label for _code, label in selectors.STATS_COLUMNS)],
        rows=([org.name, *values] for org, values in rows),
        sheet_name="社工统计",
        filters={"stats_year": year},
        title=f"社会化工会工作者统计({year}年)",
    )
    return xlsx_response(content, f"社工统计-{year}")


# --- the county's rules -------------------------------------------------------------------


def _settings_page(request, county, *, form=None, status=200):
    scheme = selectors.scheme_for(county)
    can_edit = org_in_scope(request.user, MODULE, Action.EDIT, county)
    return render(
        request,
        "staffing/settings.html",
        {
            "county": county,
            "form": form or SchemeForm(initial=SchemeForm.initial_for(scheme)),
            "can_edit": can_edit,
            "pay_form": PayGradeForm() if can_edit else None,
            "table": sorted(selectors.pay_table(county).values(), key=lambda p: (p.grade, p.band)),
            "measures": _measure_names(),
        },
        status=status,
    )


@requires(MODULE, Action.VIEW)
def scheme_settings(request):
    """The rules of the user's county: editable by those who may edit at the county."""
    county = _county(request.user)
    if county is None:
        raise Http404
    return _settings_page(request, county)


def _county_for_edit(request, county_pk):
    return get_in_scope_or_404(Org.objects.all(), request.user, MODULE, Action.EDIT, pk=county_pk)


@requires(MODULE, Action.EDIT)
@require_POST
def scheme_save(request, county_pk):
    county = _county_for_edit(request, county_pk)
    form = SchemeForm(request.POST)
    if form.is_valid():
        try:
            services.scheme_save(actor=request.user, county=county, **form.service_values())
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "管理规则已保存。")
            return redirect("staffing:settings")
    return _settings_page(request, county, form=form, status=422)


def _measure_names():
    from gonghui.core import metrics

    return [(m.code, m.name) for m in metrics.measures() if not m.is_ratio]


@requires(MODULE, Action.EDIT)
@require_POST
def pay_grade_set(request, county_pk):
    county = _county_for_edit(request, county_pk)
    form = PayGradeForm(request.POST)
    if form.is_valid():
        try:
            services.pay_grade_set(actor=request.user, county=county, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "薪酬等级已保存。")
            return redirect("staffing:settings")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return _settings_page(request, county, status=422)


# --- the worker's own appraisals (我的考核) -------------------------------------------------


def _holds_social_worker_role(user) -> bool:
    """The 我的考核 menu link and page: social workers (the loaded role assignments, no query)."""
    return any(a.role.code == "social_worker" for a in role_assignments(user))


@requires(test=_holds_social_worker_role)
def my_appraisals(request):
    worker = selectors.worker_of_user(request.user)
    return render(
        request,
        "staffing/my_appraisals.html",
        {"worker": worker, "appraisals": selectors.own_appraisals(request.user)},
    )


def _my_context(request, appraisal, form=None):
    objection = selectors.objection_of(appraisal)
    today = timezone.localdate()
    can_object = (
        objection is None and appraisal.objection_until and today <= appraisal.objection_until
    )
    return {
        "a": appraisal,
        "objection": objection,
        "form": form or (ObjectionForm() if can_object else None),
        "result_labels": RESULT_LABELS,
    }


@login_required
def my_appraisal(request, pk):
    appraisal = selectors.own_appraisal_get(request.user, pk)
    return render(request, "staffing/my_appraisal.html", _my_context(request, appraisal))


@login_required
@require_POST
def my_objection(request, pk):
    appraisal = selectors.own_appraisal_get(request.user, pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.objection_submit(
                actor=request.user, appraisal=appraisal, text=form.cleaned_data["text"]
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "异议已提交，请等待答复。")
            return redirect("staffing:my_appraisal", pk=appraisal.pk)
    return render(
        request, "staffing/my_appraisal.html", _my_context(request, appraisal, form), status=422
    )


# --- the portal: a worker's anonymous rating ----------------------------------------------


@csrf_protect
def portal_rate(request, token):
    try:
        services.rating_rate_check(client_ip(request))
    except services.RateLimited as exc:
        return render(request, "portal/rate_limited.html", {"message": exc.message}, status=429)
    try:
        appraisal = services.invite_lookup(token)
    except ServiceError as exc:
        return render(
            request, "staffing/portal_rate_gone.html", {"message": exc.message}, status=404
        )
    form = AnonymousRatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_submit_anonymous(token=token, score=form.cleaned_data["score"])
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            return render(request, "staffing/portal_rate_done.html", {})
    return render(
        request,
        "staffing/portal_rate.html",
        {"a": appraisal, "form": form, "scheme": selectors.scheme_for(appraisal.org)},
        status=_status(form),
    )
