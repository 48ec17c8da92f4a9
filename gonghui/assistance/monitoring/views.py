"""Monitoring and early-warning pages (预警): alerts, the overdue list, the map by org, rules,
runs and fact entry. Views parse input, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.assistance.category import multiple, percent
from gonghui.assistance.monitoring import selectors, services, tasks
from gonghui.assistance.monitoring.definitions import (
    AlertStatus,
    RiskLevel,
    RuleCode,
    RunStatus,
    parameters_display,
)
from gonghui.assistance.monitoring.forms import (
    AlertCloseForm,
    DisasterForm,
    JobLossForm,
    MedicalExpenseForm,
    RuleParametersForm,
    SchoolingExpenseForm,
)
from gonghui.assistance.standards.selectors import (
    counties_for,
    is_county_admin,
    thresholds_in_force,
    today,
)
from gonghui.core.errors import ServiceError
from gonghui.core.masking import mask_id_number
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, get_in_scope_or_404, org_in_scope, requires, scope_queryset
from gonghui.core.todos import session_cached
from gonghui.orgs.models import Org, OrgLevel

MODULE = "assistance"
FILTER_KEYS = ("rule", "risk", "status", "org", "overdue", "mine")


def _require(request, action: str) -> None:
    if not can(request.user, MODULE, action):
        raise Http404


def _filters(request) -> tuple[dict, Org | None]:
    filters = {k: request.GET.get(k, "").strip() for k in FILTER_KEYS}
    within = None
    if filters["org"].isdigit():
        within = get_in_scope_or_404(
            Org.objects.all(), request.user, MODULE, Action.VIEW, pk=int(filters["org"])
        )
    return filters, within


def _org_choices(request):
    return scope_queryset(
        Org.objects.filter(level__lte=OrgLevel.TOWNSHIP),
        request.user,
        MODULE,
        Action.VIEW,
        org_field="",
    ).order_by("path")[:300]


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else today().year


@requires(MODULE, Action.VIEW)
def alert_list(request):
    filters, within = _filters(request)
    query = {k: v for k, v in filters.items() if k != "org"}
    alerts = selectors.alert_list(request.user, org=within, **query)
    year = _year(request)
    return render(
        request,
        "assistance/monitoring/alert_list.html",
        {
            **paginate_peek(request, alerts),
            "filters": filters,
            "within": within,
            "org_choices": _org_choices(request),
            "rule_choices": RuleCode.choices,
            "risk_choices": RiskLevel.choices,
            "status_choices": AlertStatus.choices,
            "today": today(),
            # The year's figures change slowly: a minute in the session (gone when they post).
            "stats": session_cached(
                request,
                f"alert_stats:{year}",
                lambda: selectors.alert_stats(request.user, year=year),
            ),
            "runs": selectors.runs_recent(request.user, limit=3),
            "can_run": bool(services.run_counties(request.user, None)),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.VIEW)
def alert_overdue(request):
    alerts = selectors.alerts_overdue(request.user)
    return render(
        request,
        "assistance/monitoring/alert_overdue.html",
        {**paginate_peek(request, alerts), "today": today()},
    )


@login_required
def alert_map(request):
    _require(request, Action.VIEW)
    rows = selectors.alert_map(request.user)
    chart = {
        "orgs": [r.org.name for r in rows],
        "open": [r.open for r in rows],
        "overdue": [r.overdue for r in rows],
        "high": [r.high for r in rows],
    }
    return render(
        request,
        "assistance/monitoring/alert_map.html",
        {
            "rows": rows,
            "chart_data": chart,
            "totals": {
                "open": sum(r.open for r in rows),
                "overdue": sum(r.overdue for r in rows),
                "high": sum(r.high for r in rows),
            },
        },
    )


def _detail_context(request, detail, form=None) -> dict:
    alert = detail.alert
    target = alert.archive or alert.member
    return {
        "alert": alert,
        "d": detail,
        "target": target,
        "target_id_masked": mask_id_number(target.id_number) if target else "",
        "overdue": alert.is_overdue(today()),
        "can_close": alert.status == AlertStatus.OPEN
        and org_in_scope(request.user, MODULE, Action.EDIT, alert.org),
        "can_open_member": alert.member_id is not None
        and can(request.user, "members", Action.VIEW),
        "form": form or AlertCloseForm(),
        "parameters": parameters_display(alert.facts.get("parameters", {})),
    }


@login_required
def alert_detail(request, pk):
    _require(request, Action.VIEW)
    detail = selectors.alert_detail(request.user, pk)
    return render(
        request, "assistance/monitoring/alert_detail.html", _detail_context(request, detail)
    )


@login_required
@require_POST
def alert_close(request, pk):
    _require(request, Action.EDIT)
    alert = selectors.alert_get(request.user, pk, Action.EDIT)
    form = AlertCloseForm(request.POST)
    if form.is_valid():
        try:
            services.alert_close(actor=request.user, alert=alert, **form.cleaned_data)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "预警已办结。")
            return redirect("assistance:alert_detail", pk=alert.pk)
    else:
        messages.error(request, "请选择处置结果并填写处置说明。")
    detail = selectors.alert_detail(request.user, pk)
    return render(
        request,
        "assistance/monitoring/alert_detail.html",
        _detail_context(request, detail, form),
        status=200,
    )


# --- runs -----------------------------------------------------------------------------------------


@login_required
@require_POST
def run_start(request):
    _require(request, Action.EDIT)
    try:
        run = tasks.monitoring_run_start(actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("assistance:alert_list")
    messages.success(request, "已提交监测任务，完成后将在此显示结果。")
    return redirect("assistance:run_detail", pk=run.pk)


@login_required
def run_detail(request, pk):
    _require(request, Action.VIEW)
    run = selectors.run_get(request.user, pk)
    names = dict(RuleCode.choices)
    context = {
        "run": run,
        "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "rule_counts": [(names.get(code, code), c) for code, c in (run.counts or {}).items()],
    }
    if request.headers.get("HX-Request"):
        return render(request, "assistance/monitoring/_run_status.html", context)
    return render(request, "assistance/monitoring/run_detail.html", context)


# --- rules ------------------------------------------------------------------------------------------


def _admin_county(request) -> Org | None:
    counties = [c for c in counties_for(request.user) if is_county_admin(request.user, c)]
    return counties[0] if counties else None


@requires(MODULE, Action.VIEW)
def rules(request):
    counties = counties_for(request.user)
    county = _admin_county(request)
    rows = selectors.rules_overview(counties)
    forms = {}
    if county is not None:
        in_force = services.settings_in_force(county, today())
        for row in rows:
            setting = in_force.get(row.current.code)
            forms[row.current.code] = {
                "version": RuleParametersForm(
                    parameters=row.current.parameters, prefix=f"v-{row.current.code}"
                ),
                "county": RuleParametersForm(
                    parameters={
                        k: (setting.overrides.get(k) if setting else None)
                        for k in row.current.parameters
                    },
                    with_enabled=True,
                    prefix=f"c-{row.current.code}",
                    initial={
                        "enabled": setting.enabled if setting else True,
                        "effective_from": today(),
                    },
                ),
                "setting": setting,
            }
    # The income rule's lines are the counties' assistance figures: show those in force.
    county_figures = []
    for c in counties[:5]:
        t = thresholds_in_force(c, today())
        county_figures.append(
            (
                f"{c.name}现行建档线与临界幅度",
                f"低保的 {multiple(t.relative_multiplier)} 倍，高出不超过 "
                f"{percent(t.near_line_margin)}(帮扶标准参数)",
            )
        )
    return render(
        request,
        "assistance/monitoring/rules.html",
        {
            "rows": [
                {
                    "row": row,
                    "forms": forms.get(row.current.code),
                    "params": parameters_display(row.current.parameters)
                    + (county_figures if row.current.code == RuleCode.INCOME_NEAR_LINE else []),
                    "settings": [
                        (s, parameters_display(s.overrides))
                        for settings in row.settings.values()
                        for s in settings
                    ],
                    "history": [(v, parameters_display(v.parameters)) for v in row.history],
                }
                for row in rows
            ],
            "county": county,
            "counties": counties,
            "can_run": bool(services.run_counties(request.user, None)),
            "runs": selectors.runs_recent(request.user, limit=1),
        },
    )


@login_required
@require_POST
def rule_save(request, code, which):
    """POST a new rule version (`version`) or the county's setting (`county`)."""
    _require(request, Action.EDIT)
    if code not in RuleCode.values or which not in ("version", "county"):
        raise Http404
    county = _admin_county(request)
    if county is None:
        messages.error(request, "只有县总工会管理员可以修改监测规则。")
        return redirect("assistance:rules")
    rule = services.rule_current(code)
    prefix = f"{'v' if which == 'version' else 'c'}-{code}"
    form = RuleParametersForm(
        request.POST, parameters=rule.parameters, with_enabled=which == "county", prefix=prefix
    )
    if not form.is_valid():
        messages.error(
            request, "；".join(str(e) for errors in form.errors.values() for e in errors)
        )
        return redirect("assistance:rules")
    try:
        if which == "version":
            new = services.rule_update(
                actor=request.user,
                code=code,
                parameters=form.parameters(),
                note=form.cleaned_data["note"],
            )
            messages.success(request, f"已新增规则版本 v{new.version}。")
        else:
            overrides = form.parameters()
            services.rule_setting_set(
                actor=request.user,
                county=county,
                rule_code=code,
                enabled=form.cleaned_data["enabled"],
                overrides=overrides,
                effective_from=form.cleaned_data["effective_from"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, "已保存本县规则设置。")
    except ServiceError as exc:
        details = "；".join(m for errors in exc.fields.values() for m in errors)
        messages.error(request, f"{exc.message}{details}")
    return redirect("assistance:rules")


# --- facts ------------------------------------------------------------------------------------------


def _fact_page(request, form_class, service, title: str, success: str, import_kind: str, validate):
    _require(request, Action.EDIT)
    day = today()
    form = form_class(
        request.POST or None,
        initial={} if request.POST else {"occurred_on": day, "lost_on": day, "paid_on": day},
        check=lambda data: validate(actor=request.user, **data),
    )
    if request.method == "POST" and form.is_valid():
        try:
            _fact, created = service(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            if created:
                messages.success(request, success)
            else:
                messages.info(request, "这条记录已经登记过，未重复登记。")
            return redirect(request.path)
    return render(
        request,
        "assistance/monitoring/fact_form.html",
        {"form": form, "title": title, "import_kind": import_kind},
    )


@login_required
def medical_new(request):
    return _fact_page(
        request,
        MedicalExpenseForm,
        services.medical_expense_record,
        "登记医疗支出",
        "已登记医疗支出，将在下次监测时参与预警。",
        "medical_list",
        services.medical_expense_validate,
    )


@login_required
def job_loss_new(request):
    return _fact_page(
        request,
        JobLossForm,
        services.job_loss_record,
        "登记失业报告",
        "已登记失业报告，将在下次监测时参与预警。",
        "job_loss_list",
        services.job_loss_validate,
    )


@login_required
def disaster_new(request):
    return _fact_page(
        request,
        DisasterForm,
        services.disaster_event_record,
        "登记灾害或意外事故",
        "已登记灾害或意外事故，将在下次监测时参与预警。",
        "disaster_list",
        services.disaster_event_validate,
    )


@login_required
def schooling_new(request):
    return _fact_page(
        request,
        SchoolingExpenseForm,
        services.schooling_expense_record,
        "登记教育支出",
        "已登记教育支出，将在下次监测时参与预警。",
        "schooling_list",
        services.schooling_expense_validate,
    )
