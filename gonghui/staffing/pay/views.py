"""Pages of the monthly pay sheet (.xlsx for finance), the promotion list (.xlsx for the
organisation department) and the county's rules and pay table."""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error
from gonghui.core.scope import (
    can,
    get_in_scope_or_404,
    org_in_scope,
    requires,
)
from gonghui.orgs.models import Org
from gonghui.staffing.appraisals.models import AppraisalResult
from gonghui.staffing.pay import selectors, services
from gonghui.staffing.pay.forms import PayGradeForm, SchemeForm
from gonghui.staffing.shared import MODULE


def _county(user) -> Org | None:
    return selectors.county_of(user.org) if user.org_id else None


RESULT_LABELS = dict(AppraisalResult.choices)


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
        "staffing/pay/pay_sheet.html",
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
        "staffing/pay/promotion_list.html",
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


def _settings_page(request, county, *, form=None, status=200):
    scheme = selectors.scheme_for(county)
    can_edit = org_in_scope(request.user, MODULE, Action.EDIT, county)
    return render(
        request,
        "staffing/pay/settings.html",
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
