from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from gonghui.audit.models import AuditAction, AuditResult
from gonghui.audit.selectors import audit_event_list
from gonghui.audit.templatetags.audit_tags import audit_detail, audit_object_type
from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.modules import Action
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, requires

FILTER_KEYS = ("action", "result", "username", "date_from", "date_to", "q")
EXPORT_ROW_LIMIT = 200_000


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request) -> tuple[dict, dict, list[str]]:
    raw = {k: request.GET.get(k, "").strip() for k in FILTER_KEYS}
    parsed = dict(raw)
    errors = []
    for key in ("date_from", "date_to"):
        parsed[key] = _parse_date(raw[key])
        if raw[key] and parsed[key] is None:
            errors.append("日期格式应为 YYYY-MM-DD。")
    return raw, parsed, errors


@requires("audit", Action.VIEW)
def event_list(request):
    raw, parsed, errors = _filters(request)
    events = audit_event_list(request.user, **parsed).select_related("user")
    return render(
        request,
        "audit/event_list.html",
        {
            **paginate_peek(request, events, per_page=50),
            "filters": raw,
            "filter_errors": errors,
            "action_choices": AuditAction.choices,
            "result_choices": AuditResult.choices,
            "can_export": can(request.user, "audit", Action.EXPORT),
        },
    )


@login_required
def event_export(request):
    if not can(request.user, "audit", Action.EXPORT):
        raise Http404
    raw, parsed, _ = _filters(request)
    events = audit_event_list(request.user, export=True, **parsed)[:EXPORT_ROW_LIMIT]
    headers = [
        "时间",
        "用户",
        "组织",
        "操作",
        "对象类型",
        "对象编号",
        "对象",
        "结果",
        "来源 IP",
        "详情",
    ]
    rows = (
        [
            e.at,
            e.username,
            e.org.name if e.org else "",
            e.get_action_display(),
            audit_object_type(e),
            e.object_id,
            e.object_repr,
            e.get_result_display(),
            e.ip or "",
            audit_detail(e),
        ]
        for e in events.iterator(chunk_size=2000)
    )
    content = export_workbook(
        actor=request.user,
        what="audit_events",
        headers=headers,
        rows=rows,
        sheet_name="审计日志",
        filters=raw,
    )
    return xlsx_response(content, "审计日志")
