"""Staff pages of annual plans and targets: list, plan with live progress, target detail with
its breakdown, create, split to lower orgs, manual report, .xlsx export."""

import datetime as dt

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from gonghui.core.errors import ServiceError
from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error, paginate, posted_org_or_404
from gonghui.core.scope import can, org_in_scope, requires, scope_queryset
from gonghui.orgs.models import Org, OrgLevel, OrgStatus
from gonghui.plans.targets import progress as pace
from gonghui.plans.targets import selectors, services
from gonghui.plans.targets.forms import ManualReportForm, PlanForm, SplitForm, TargetForm
from gonghui.plans.targets.models import TargetEvidence

MODULE = "plans"


def _orgs(user, *, within=None):
    orgs = scope_queryset(
        Org.objects.filter(level__lte=OrgLevel.TOWNSHIP, status=OrgStatus.ACTIVE),
        user,
        MODULE,
        Action.EDIT,
        org_field="",
    )
    if within is not None:
        orgs = orgs.filter(path__startswith=within.path)
    return orgs.order_by("path")


def _as_of(request) -> dt.date:
    raw = request.GET.get("as_of", "")
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        messages.error(request, "统计日期格式不正确，已按今天统计。")
        return timezone.localdate()


@requires(MODULE, Action.VIEW)
def plan_list(request):
    plans = selectors.plans_visible(request.user).order_by("-year", "org__path")
    year = request.GET.get("year", "")
    if year.isdigit():
        plans = plans.filter(year=int(year))
    return render(
        request,
        "plans/targets/plan_list.html",
        {
            **paginate(request, plans),
            "year": year,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def plan_create(request):
    orgs = _orgs(request.user)
    form = PlanForm(
        request.POST or None,
        orgs=orgs,
        initial={"year": timezone.localdate().year},
        check=lambda d: services.plan_validate(
            org=orgs.filter(pk=d.get("org")).first(), year=d.get("year"), title=d.get("title")
        ),
    )
    if request.method == "POST":
        org = posted_org_or_404(request, "org", MODULE, Action.EDIT)
        if form.is_valid():
            try:
                plan = services.plan_create(
                    actor=request.user,
                    org=org,
                    year=form.cleaned_data["year"],
                    title=form.cleaned_data["title"],
                    source_document=form.cleaned_data["source_document"],
                    note=form.cleaned_data["note"],
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "已创建年度工作计划。")
                return redirect("plans:plan_detail", plan.pk)
    return render(request, "plans/targets/plan_form.html", {"form": form})


@requires(MODULE, Action.VIEW)
def plan_detail(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    as_of = _as_of(request)
    rows = selectors.plan_progress(request.user, plan, as_of=as_of)
    counts = selectors.pace_counts([r for row in rows for r in (row, *row.shares)])
    return render(
        request,
        "plans/targets/plan_detail.html",
        {
            "plan": plan,
            "rows": rows,
            "as_of": as_of,
            "pace_summary": [
                (label, counts[key]) for key, label in pace.PACE_LABELS.items() if key in counts
            ],
            "pace_rule": pace.PACE_RULE,
            "can_edit": org_in_scope(request.user, MODULE, Action.EDIT, plan.org),
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@requires(MODULE, Action.EDIT)
def target_create(request, pk: int):
    plan = selectors.plan_owned_get(request.user, pk, Action.EDIT)
    orgs = _orgs(request.user, within=plan.org)

    def check(d):
        services.target_validate(
            plan=plan,
            org=orgs.filter(pk=d.get("org")).first(),
            name=d.get("name", ""),
            measure_code=d.get("measure_code", ""),
            comparator=d.get("comparator", ""),
            value=d.get("value"),
            starts_on=d.get("starts_on"),
            deadline=d.get("deadline"),
        )

    form = TargetForm(request.POST or None, orgs=orgs, initial={"org": plan.org_id}, check=check)
    if request.method == "POST":
        org = posted_org_or_404(request, "org", MODULE, Action.EDIT)
        if form.is_valid():
            data = form.cleaned_data
            try:
                target = services.target_create(
                    actor=request.user,
                    plan=plan,
                    org=org,
                    name=data["name"],
                    measure_code=data["measure_code"],
                    comparator=data["comparator"],
                    value=data["value"],
                    basis=data["basis"],
                    starts_on=data["starts_on"],
                    deadline=data["deadline"],
                    lead_unit=data["lead_unit"],
                    co_units=data["co_units"],
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "已添加目标。")
                return redirect("plans:target_detail", target.pk)
    return render(request, "plans/targets/target_form.html", {"form": form, "plan": plan})


@requires(MODULE, Action.VIEW)
def target_detail(request, pk: int):
    target = selectors.target_get(request.user, pk)
    as_of = _as_of(request)
    family = [target, *target.shares.select_related("org").order_by("org__path")]
    actual = selectors.evaluate_targets(family, as_of=as_of)
    rows = [selectors.target_row(t, actual[t.pk], as_of=as_of) for t in family]
    measure = rows[0].measure
    return render(
        request,
        "plans/targets/target_detail.html",
        {
            "target": target,
            "row": rows[0],
            "shares": rows[1:],
            "measure": measure,
            "as_of": as_of,
            "drilldown": rows[0].records,
            "evidence": target.evidence.all()[:50],
            "pace_rule": pace.PACE_RULE,
            "can_edit": can(request.user, MODULE, Action.EDIT)
            and selectors.targets_scoped(request.user, Action.EDIT).filter(pk=pk).exists(),
        },
    )


@requires(MODULE, Action.EDIT)
def target_split(request, pk: int):
    target = selectors.target_get(request.user, pk, Action.EDIT)
    lower = scope_queryset(
        Org.objects.filter(parent=target.org, status=OrgStatus.ACTIVE),
        request.user,
        MODULE,
        Action.EDIT,
        org_field="",
    ).order_by("code", "id")
    current = dict(target.shares.values_list("org_id", "value"))
    form = SplitForm(request.POST or None, orgs=lower, initial_shares=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_split(actor=request.user, target=target, shares=form.shares())
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "已分解目标。")
            return redirect("plans:target_detail", target.pk)
    return render(request, "plans/targets/target_split.html", {"form": form, "target": target})


@requires(MODULE, Action.EDIT)
def target_report(request, pk: int):
    target = selectors.target_get(request.user, pk, Action.EDIT)
    form = ManualReportForm(
        request.POST or None,
        request.FILES or None,
        initial={"manual_status": target.manual_status, "recorded_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.target_manual_report(
                actor=request.user, target=target, upload=data.pop("file"), **data
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "已记录完成情况。")
            return redirect("plans:target_detail", target.pk)
    return render(request, "plans/targets/target_report.html", {"form": form, "target": target})


def _export_rows(rows, as_of):
    for row in rows:
        for r in [row, *row.shares]:
            t = r.target
            yield [
                t.name,
                t.org.name,
                t.measure_code or "手工填报",
                t.get_comparator_display() if not t.is_manual else "",
                t.goal,
                r.progress.actual if not t.is_manual else t.get_manual_status_display(),
                r.progress.reached,
                r.progress.elapsed,
                r.progress.pace_label,
                t.deadline,
                t.lead_unit,
            ]


@requires(MODULE, Action.EXPORT)
def plan_export(request, pk: int):
    plan = selectors.plan_get(request.user, pk, Action.EXPORT)
    as_of = _as_of(request)
    rows = selectors.plan_progress(request.user, plan, as_of=as_of)
    content = export_workbook(
        actor=request.user,
        what="annual_plan",
        headers=[
            "目标",
            "责任组织",
            "统计指标",
            "比较方式",
            "目标值",
            "当前值",
            "完成比例(%)",
            "时间进度(%)",
            "进度判断",
            "截止日期",
            "牵头单位",
        ],
        rows=_export_rows(rows, as_of),
        sheet_name="目标进度",
        filters={"plan": plan.pk, "as_of": as_of.isoformat()},
        title=f"{plan} 目标进度(截至 {as_of:%Y-%m-%d})",
    )
    return xlsx_response(content, f"年度目标进度-{plan.year}.xlsx")


@requires(MODULE, Action.VIEW)
def evidence_download(request, pk: int):
    """An evidence file of a manual target the user may see (404 otherwise)."""
    evidence = (
        TargetEvidence.objects.filter(pk=pk, target__in=selectors.targets_scoped(request.user))
        .exclude(file="")
        .first()
    )
    if evidence is None:
        raise Http404
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.file_name)
