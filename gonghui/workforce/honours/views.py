"""Honours ledger pages: search and export, one page per member, team and employer, and the
hand record of honours conferred elsewhere."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError, ValidationFailed
from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.modules import Action
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.workforce.choices import MODULE, ContestLevel
from gonghui.workforce.competitions.selectors import title_choices, trade_choices
from gonghui.workforce.honours import selectors, services
from gonghui.workforce.honours.forms import HonourForm, RevokeForm
from gonghui.workforce.honours.models import HonourKind
from gonghui.workforce.pioneers.prechecks import prechecks_for
from gonghui.workforce.pioneers.selectors import team_scoped

FILTER_KEYS = ("q", "kind", "title", "trade", "level", "year", "revoked")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filters(source) -> dict:
    return {k: (source.get(k) or "").strip() for k in FILTER_KEYS}


def _search(user, filters, action=Action.VIEW):
    return selectors.honour_search(
        user,
        q=filters["q"],
        kind=filters["kind"],
        title=_int(filters["title"]),
        trade=_int(filters["trade"]),
        level=filters["level"],
        year=_int(filters["year"]),
        include_revoked=filters["revoked"] == "1",
        action=action,
    )


@requires(MODULE, Action.VIEW)
def honour_list(request):
    filters = _filters(request.GET)
    return render(
        request,
        "workforce/honours/list.html",
        {
            **paginate_peek(request, _search(request.user, filters)),
            "filters": filters,
            "kind_choices": HonourKind.choices,
            "level_choices": ContestLevel.choices,
            "title_choices": title_choices(),
            "trade_choices": trade_choices(),
            "can_edit": can(request.user, MODULE, Action.EDIT),
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@requires(MODULE, Action.EXPORT)
def honour_export(request):
    """The search result as .xlsx (names and cards only; no personal data to mask)."""
    filters = _filters(request.GET)
    rows = _search(request.user, filters, Action.EXPORT)
    headers = [
        "荣誉",
        "类别",
        "级别",
        "年度",
        "授予日期",
        "获得者",
        "会员卡号",
        "单位",
        "工种",
        "授予单位",
        "状态",
    ]

    def lines():
        for h in rows.iterator(chunk_size=2000):
            yield [
                h.name,
                h.get_kind_display(),
                h.get_level_display(),
                h.year,
                h.awarded_on,
                h.holder_name,
                h.member.card_number if h.member_id else "",
                h.enterprise.name if h.enterprise_id else "",
                h.trade.name if h.trade_id else "",
                h.issuer,
                "已撤销" if h.revoked else "有效",
            ]

    content = export_workbook(
        actor=request.user,
        what="honours",
        headers=headers,
        rows=lines(),
        sheet_name="荣誉台账",
        title="荣誉台账",
        filters={k: v for k, v in filters.items() if v},
    )
    return xlsx_response(content, "荣誉台账")


@requires(MODULE, Action.EDIT)
def honour_create(request):
    form = HonourForm(
        request.POST or None,
        teams=team_scoped(request.user, Action.EDIT).select_related("enterprise")[:500],
        titles=title_choices(),
        trades=trade_choices(),
        user=request.user,
        validate=lambda **values: services.honour_validate(actor=request.user, **values),
    )
    if request.method == "POST" and form.is_valid():
        try:
            honour = services.honour_record(actor=request.user, **form.service_values())
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"已记录“{honour.name}”。")
            return redirect("workforce:honour_list")
    return render(
        request,
        "workforce/form.html",
        {
            "form": form,
            "title": "记录荣誉",
            "crumbs": [("荣誉台账", reverse("workforce:honour_list"))],
            "cancel": reverse("workforce:honour_list"),
            "intro": "记录在外获得的荣誉(如上级授予的劳模、五一劳动奖章、工匠称号)。竞赛称号、工人先锋号、优秀班组、五小奖项由相应记录自动写入，无需在此记录。",
            "submit": "记录",
        },
        status=422 if request.method == "POST" else 200,
    )


@requires(MODULE, Action.APPROVE)
@require_POST
def honour_revoke(request, pk):
    honour = selectors.honour_get(request.user, pk, Action.APPROVE)
    form = RevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed("请填写撤销原因。")
        services.honour_revoke(
            actor=request.user, honour=honour, reason=form.cleaned_data["reason"]
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤销该荣誉记录。")
    if honour.member_id:
        return redirect("workforce:member_ledger", pk=honour.member_id)
    return redirect("workforce:honour_list")


@requires(MODULE, Action.VIEW)
def member_ledger(request, pk):
    data = selectors.member_ledger(request.user, pk)
    return render(
        request,
        "workforce/honours/member.html",
        {
            **data,
            "can_revoke": org_in_scope(request.user, MODULE, Action.APPROVE, data["member"].org),
            "revoke_form": RevokeForm(),
            "is_recorded": services.is_recorded,
        },
    )


@requires(MODULE, Action.VIEW)
def team_ledger(request, pk):
    data = selectors.team_ledger(request.user, pk)
    return render(
        request,
        "workforce/honours/team.html",
        {**data, "can_edit": org_in_scope(request.user, MODULE, Action.EDIT, data["team"].org)},
    )


@requires(MODULE, Action.VIEW)
def enterprise_ledger(request, pk):
    data = selectors.enterprise_ledger(request.user, pk)
    enterprise = data["enterprise"]
    checks = prechecks_for([enterprise], on=datetime.date.today())[enterprise.pk]
    return render(request, "workforce/honours/enterprise.html", {**data, "checks": checks})
