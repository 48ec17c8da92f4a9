"""The workforce statistics page (and its .xlsx) and the county's rule settings."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError, ValidationFailed
from gonghui.core.export import Sheet, SheetTable, export_workbook_sheets, xlsx_response
from gonghui.core.modules import Action
from gonghui.core.reports import report_rows
from gonghui.core.scope import can, requires
from gonghui.workforce import selectors
from gonghui.workforce.choices import MODULE, ContestLevel
from gonghui.workforce.competitions import services as competition_services
from gonghui.workforce.competitions.forms import TitleForm, TitleRuleForm, TradeForm
from gonghui.workforce.competitions.selectors import (
    title_choices,
    title_find,
    title_rule_find,
    title_rules,
    titles_all,
    trade_choices,
)
from gonghui.workforce.county import settings_county
from gonghui.workforce.mentorships import selectors as mentorship_selectors
from gonghui.workforce.mentorships import services as mentorship_services
from gonghui.workforce.mentorships.forms import PolicyForm
from gonghui.workforce.pioneers import selectors as pioneer_selectors
from gonghui.workforce.pioneers import services as pioneer_services
from gonghui.workforce.pioneers.forms import BarRuleForm
from gonghui.workforce.studios import selectors as studio_selectors
from gonghui.workforce.studios import services as studio_services
from gonghui.workforce.studios.forms import StandardItemForm


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _year(request) -> int:
    year = _int(request.GET.get("year"))
    today = datetime.date.today()
    return year if year and 2000 <= year <= today.year + 1 else today.year


# --- statistics -------------------------------------------------------------------------------


def _chart_data(stats) -> dict:
    rows = [r for r in stats.rows if not r.is_total and not r.is_empty]
    return {
        "orgs": [r.name for r in rows],
        "held": [r.values[0] for r in rows],
        "entrants": [r.values[1] for r in rows],
        "pairs": [r.values[7] for r in rows],
        "levels": [
            {"name": r["level"], "value": r["entrants"]} for r in stats.by_level if r["entrants"]
        ],
        "trades": [r["trade"] for r in stats.by_trade[:15]],
        "trade_entrants": [r["entrants"] for r in stats.by_trade[:15]],
        "studio_levels": [
            {"name": r["level"], "value": r["named"]} for r in stats.studios_by_level if r["named"]
        ],
    }


@requires(MODULE, Action.VIEW)
def stats(request):
    year = _year(request)
    level = request.GET.get("level") or ""
    if level not in ContestLevel.values:
        level = ""
    trade = _int(request.GET.get("trade"))
    data = selectors.workforce_stats(request.user, year=year, level=level, trade=trade)
    cells = [r.values for r in data.rows]
    return render(
        request,
        "workforce/stats.html",
        {
            "stats": data,
            "headers": ["组织", *data.headers],
            "table": report_rows(
                ["组织", *data.headers], [[r.name, *r.values] for r in data.rows], data.rows
            ),
            "cells": cells,
            "years": list(range(datetime.date.today().year, datetime.date.today().year - 6, -1)),
            "level_choices": ContestLevel.choices,
            "trade_choices": trade_choices(),
            "rules": selectors.measure_rules(),
            "chart_data": _chart_data(data),
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@requires(MODULE, Action.EXPORT)
def stats_export(request):
    year = _year(request)
    data = selectors.workforce_stats(request.user, year=year)
    sheets = [
        ("各组织", ["组织", *data.headers], [[r.name, *r.values] for r in data.rows]),
        (
            "按级别",
            ["级别", "举办竞赛(场)", "参赛(人次)"],
            [[r["level"], r["held"], r["entrants"]] for r in data.by_level],
        ),
        (
            "按工种",
            ["工种", "竞赛(场)", "参赛(人次)", "获得名次(人次)", "获得称号(人次)"],
            [
                [r["trade"], r["competitions"], r["entrants"], r["ranked"], r["titles"]]
                for r in data.by_trade
            ],
        ),
        (
            "创新工作室",
            ["命名级别", "已命名(个)"],
            [[r["level"], r["named"]] for r in data.studios_by_level],
        ),
        (
            "五小成果",
            ["类别", "成果(项)", "获奖(项)", "申报效益(元)"],
            [
                [r["category"], r["n"], r["awarded"], r["benefit"]]
                for r in data.innovations_by_category
            ],
        ),
    ]
    title = f"{year} 年产业工人工作统计"
    content = export_workbook_sheets(
        actor=request.user,
        what="workforce_stats",
        sheets=[
            Sheet(name, [SheetTable(headers, rows)], title=title) for name, headers, rows in sheets
        ],
        filters={"year": year},
    )
    return xlsx_response(content, f"{year}年产业工人统计")


# --- the county's rules ---------------------------------------------------------------------


def _settings_county(request):
    """(the county shown, whether the user may change its rules, the counties they admin)."""
    return settings_county(
        request.user, _int(request.GET.get("county") or request.POST.get("county"))
    )


@requires(MODULE, Action.VIEW)
def settings_page(request):
    county, editable, counties = _settings_county(request)
    context = {
        "county": county,
        "editable": editable,
        "counties": counties,
        "trades": trade_choices(),
        "titles": titles_all(),
    }
    if county is not None:
        # Reads only: the defaults show unsaved until an admin saves (checklist, rule).
        policy = mentorship_selectors.policy_of(county) if editable else None
        context.update(
            rules=title_rules(county),
            bar_rules=pioneer_selectors.bar_rules(county),
            standards=studio_selectors.standards_for(county)
            if editable
            else studio_selectors.standards_active(county),
            policy=policy or mentorship_selectors.policy_get(county),
            policy_form=PolicyForm(initial=_policy_initial(policy)) if editable else None,
            rule_form=TitleRuleForm(titles=title_choices()),
            trade_form=TradeForm(),
            title_form=TitleForm(),
            bar_form=BarRuleForm(initial={"is_active": True}),
            standard_form=StandardItemForm(initial={"is_active": True}),
        )
    return render(request, "workforce/settings.html", context)


def _policy_initial(policy) -> dict:
    if policy is None:
        return {}
    return {k: getattr(policy, k) for k in PolicyForm.base_fields}


SETTINGS_FORMS = {
    "trade": TradeForm,
    "title": TitleForm,
    "title_rule": TitleRuleForm,
    "bar_rule": BarRuleForm,
    "standard": StandardItemForm,
    "policy": PolicyForm,
    "title_rule_toggle": None,
}


@requires(MODULE, Action.EDIT)
@require_POST
def settings_save(request, what):
    """Change one of the county's rules (county admins only; others are told so)."""
    if what not in SETTINGS_FORMS:
        raise Http404
    county, editable, _counties = _settings_county(request)
    target = (
        f"/workforce/settings/?county={county.pk}" if county is not None else "/workforce/settings/"
    )
    if not editable or county is None:
        messages.error(request, "只有县总工会管理员可以修改产业工人工作的规则设置。")
        return redirect(target)
    form_class = SETTINGS_FORMS[what]
    form = None
    if form_class is TitleRuleForm:
        form = form_class(request.POST, titles=titles_all())
    elif form_class is not None:
        form = form_class(request.POST)
    try:
        if form is not None and not form.is_valid():
            raise ValidationFailed("；".join(e for errors in form.errors.values() for e in errors))
        data = form.cleaned_data if form is not None else {}
        actor = request.user
        if what == "trade":
            competition_services.trade_create(actor=actor, county=county, **data)
        elif what == "title":
            competition_services.title_create(actor=actor, county=county, **data)
        elif what == "title_rule":
            data["title"] = title_find(_int(data.get("title")))
            competition_services.title_rule_create(actor=actor, county=county, **data)
        elif what == "title_rule_toggle":
            rule = title_rule_find(county, _int(request.POST.get("rule")))
            if rule is None:
                raise Http404
            competition_services.title_rule_set_active(
                actor=actor, rule=rule, active=not rule.is_active
            )
        elif what == "bar_rule":
            pioneer_services.bar_rule_set(actor=actor, county=county, **data)
        elif what == "standard":
            studio_services.standard_item_set(
                actor=actor,
                county=county,
                **{k: v for k, v in data.items() if v is not None},
            )
        else:
            mentorship_services.policy_set(actor=actor, county=county, **data)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "规则已保存；尚未表彰的竞赛已按新规则重新计算。"
            if what.startswith("title_rule")
            else "已保存。",
        )
    return redirect(target + f"#{what}")
