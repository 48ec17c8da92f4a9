"""Staff pages of the annual statistical return: list and create, a return with its items'
sources and logic checks, entry of the items no measure counts, refresh, submit, .xlsx."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error, paginate, posted_org_or_404
from gonghui.core.scope import can, requires, scope_queryset
from gonghui.dashboard.returns import selectors, services
from gonghui.dashboard.returns.forms import ManualEntryForm, ReturnCreateForm
from gonghui.dashboard.returns.items import CHECKS, reporting_period
from gonghui.dashboard.returns.models import ReturnStatus
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

MODULE = "plans"


@requires(MODULE, Action.VIEW)
def return_list(request):
    orgs = scope_queryset(
        Org.objects.filter(level__lte=OrgLevel.GRASSROOTS, status=OrgStatus.ACTIVE),
        request.user,
        MODULE,
        Action.EDIT,
        org_field="",
    ).order_by("path")
    form = ReturnCreateForm(
        request.POST or None,
        orgs=orgs,
        initial={"year": timezone.localdate().year},
        check=lambda d: services.return_validate(
            org=orgs.filter(pk=d.get("org")).first(), year=d.get("year")
        ),
    )
    if request.method == "POST":
        if not can(request.user, MODULE, Action.EDIT):
            from django.http import Http404

            raise Http404
        org = posted_org_or_404(request, "org", MODULE, Action.EDIT)
        if form.is_valid():
            try:
                annual = services.return_create(
                    actor=request.user, org=org, year=form.cleaned_data["year"]
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "已生成年报，统计指标可计数的项目已预填。")
                return redirect("dashboard:return_detail", annual.pk)
    return render(
        request,
        "dashboard/returns/return_list.html",
        {
            **paginate(
                request, selectors.returns_scoped(request.user).order_by("-year", "org__path")
            ),
            "form": form,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.VIEW)
def return_detail(request, pk: int):
    annual = selectors.return_get(request.user, pk)
    rows = selectors.return_rows(annual)
    can_edit = (
        annual.status == ReturnStatus.DRAFT
        and selectors.returns_scoped(request.user, Action.EDIT).filter(pk=pk).exists()
    )
    form = ManualEntryForm(request.POST or None, rows=rows)
    if request.method == "POST":
        if not can_edit:
            from django.http import Http404

            if (
                annual.status != ReturnStatus.DRAFT
                and selectors.returns_scoped(request.user, Action.EDIT).filter(pk=pk).exists()
            ):
                messages.error(request, services.FROZEN)
                return redirect("dashboard:return_detail", annual.pk)
            raise Http404
        if form.is_valid():
            try:
                services.return_manual_set(
                    actor=request.user, annual=annual, entries=form.cleaned_data
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "已保存手工填报的项目。")
                return redirect("dashboard:return_detail", annual.pk)
    start, end = reporting_period(annual.year)
    above = annual.org.level < OrgLevel.GRASSROOTS
    return render(
        request,
        "dashboard/returns/return_detail.html",
        {
            "grassroots": selectors.grassroots_counts(annual) if above else None,
            "annual": annual,
            "rows": rows,
            "failures": selectors.return_failures(annual),
            "checks": CHECKS,
            "form": form,
            "can_edit": can_edit,
            "start": start,
            "end": end,
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@require_POST
@requires(MODULE, Action.EDIT)
def return_refresh(request, pk: int):
    annual = selectors.return_get(request.user, pk, Action.EDIT)
    try:
        services.return_refresh(actor=request.user, annual=annual)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已按统计指标重新取数。")
    return redirect("dashboard:return_detail", annual.pk)


@require_POST
@requires(MODULE, Action.EDIT)
def return_submit(request, pk: int):
    annual = selectors.return_get(request.user, pk, Action.EDIT)
    try:
        services.return_submit(actor=request.user, annual=annual)
    except ServiceError as exc:
        for messages_ in exc.fields.values():
            for message in messages_:
                messages.error(request, message)
    else:
        messages.success(request, "年报已上报，数据已冻结。")
    return redirect("dashboard:return_detail", annual.pk)


@requires(MODULE, Action.EXPORT)
def return_export(request, pk: int):
    """The return in the layout of the paper forms (.xlsx; audited like every export)."""
    annual = selectors.return_get(request.user, pk, Action.EXPORT)
    content = services.return_export(
        actor=request.user,
        annual=annual,
        rows=selectors.return_rows(annual),
        failures=selectors.return_failures(annual),
    )
    return xlsx_response(content, f"工会统计年报-{annual.org.name}-{annual.year}.xlsx")


@requires(MODULE, Action.VIEW)
def return_grassroots(request, pk: int):
    """The 缺报清单: the grassroots unions under the return's org that have not submitted their
    基层工会调查表 for the year (or all of them), with what each still must fill or fix."""
    annual = selectors.return_get(request.user, pk)
    if annual.org.level >= OrgLevel.GRASSROOTS:
        from django.http import Http404

        raise Http404
    show = "all" if request.GET.get("show") == "all" else "missing"
    status = selectors.grassroots_status(annual, show=show)
    return render(
        request,
        "dashboard/returns/return_grassroots.html",
        {
            "annual": annual,
            "status": status,
            "show": show,
            **paginate(request, status.rows),
            "can_issue": annual.status == ReturnStatus.DRAFT
            and selectors.returns_scoped(request.user, Action.EDIT).filter(pk=pk).exists(),
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@require_POST
@requires(MODULE, Action.EDIT)
def return_issue(request, pk: int):
    annual = selectors.return_get(request.user, pk, Action.EDIT)
    try:
        issued = services.returns_issue(actor=request.user, annual=annual)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if issued:
            messages.success(
                request, f"已向 {issued} 个基层工会下发基层工会调查表(已预填统计指标可计数的项目)。"
            )
        else:
            messages.info(request, "所有基层工会都已有本年度的基层工会调查表。")
    return redirect("dashboard:return_grassroots", annual.pk)


@requires(MODULE, Action.EXPORT)
def return_grassroots_export(request, pk: int):
    annual = selectors.return_get(request.user, pk, Action.EXPORT)
    if annual.org.level >= OrgLevel.GRASSROOTS:
        from django.http import Http404

        raise Http404
    status = selectors.grassroots_status(annual, show="missing")
    content = export_workbook(
        actor=request.user,
        what="annual_return",
        headers=["组织编码", "基层工会", "调查表状态", "尚需填报的项目", "未通过的审核"],
        rows=(
            [
                r.org.code,
                r.org.name,
                r.state_label,
                "、".join(i.name.removeprefix("其中：") for i in r.missing)
                if r.annual is not None
                else "尚未生成调查表",
                "；".join(f.message for f in r.failures),
            ]
            for r in status.rows
        ),
        sheet_name="缺报清单",
        filters={"annual_return": annual.pk},
        title=f"{annual.org.name} {annual.year} 年度基层工会调查表缺报清单(共 {status.total} 个基层工会，已上报 {status.submitted} 个)",
    )
    return xlsx_response(content, f"基层工会调查表缺报清单-{annual.year}.xlsx")
