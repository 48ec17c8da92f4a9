import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from gonghui.core.errors import request_error_text
from gonghui.core.selectors import home_summary
from gonghui.core.todos import todos_skip

logger = logging.getLogger("gonghui.errors")


@login_required
def home(request):
    return render(request, "core/home.html", home_summary(request))


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# --- error pages ------------------------------------------------------------------------
# Django calls these (handler400/403/404/500 in gonghui/urls.py, CSRF_FAILURE_VIEW) with
# DEBUG off. Each error answers in the layout of the part of the site it happened in: the
# JSON error shape under /api/, the workers' H5 layout under /portal/ and /join/, the
# staff layout for a signed-in user, else the plain public layout (login page style).

API_PREFIX = "/api/"
PORTAL_PREFIXES = ("/portal/", "/join/")


def _upload_limit_mb() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)


def _error_text(status: int, exception, audience: str) -> tuple[str, str]:
    """(title, message) in Chinese for an error; `audience` is "staff", "public" (not
    signed in, outside the portal) or "portal"."""
    if isinstance(exception, RequestDataTooBig):
        if audience == "portal":
            return "提交的内容过大", "提交的内容超出了上限，请删减后重新提交。"
        return (
            "提交的内容过大",
            f"一次提交的内容不能超过 {_upload_limit_mb()} MB，请删减后重新提交；"
            "大量数据请通过“数据导入”上传文件。",
        )
    known = request_error_text(exception)
    if known:
        return known
    if audience == "public" and status == 404:
        return "页面不存在", "您要找的页面不存在，可能是链接已失效或输入有误。"
    if audience == "portal":
        return {
            400: ("请求无效", "请求的内容不完整或格式不正确，请返回上一页重新操作。"),
            403: ("无法办理", "您无权进行此操作。"),
            404: ("页面不存在", "您要找的页面不存在，可能是链接已失效或输入有误。"),
            500: ("系统繁忙", "服务器暂时无法处理，请稍后再试。"),
        }[status]
    return {
        400: ("请求无效", "请求的内容不完整或格式不正确，无法处理。请返回上一页重新操作。"),
        403: ("无权访问", "您没有执行此操作的权限。如确需办理，请联系上级管理员。"),
        404: ("页面不存在", "页面不存在，或该记录不在您的数据范围内。"),
        500: (
            "系统繁忙",
            "服务器处理请求时出错，已记录。请稍后重试；如多次出现，请联系系统管理员。",
        ),
    }[status]


# The API's error codes (gonghui.core.api documents the shape).
_API_CODES = {
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    413: "payload_too_large",
}


def _signed_in(request) -> bool:
    """A user who may see the staff layout (menu included): signed in and past the
    second factor. Errors raised before the auth middleware ran have no user at all."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    from gonghui.core.api import second_factor_pending

    return not second_factor_pending(user)


def _layout(request) -> tuple[str, str]:
    """(audience, template) of an error page."""
    if (request.path_info or "/").startswith(PORTAL_PREFIXES):
        return "portal", "errors/portal.html"
    if _signed_in(request):
        return "staff", "errors/staff.html"
    return "public", "errors/public.html"


def error_response(request, status: int, exception=None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        status = 413
    path = request.path_info or "/"
    if path.startswith(API_PREFIX):
        from gonghui.core.api import error_body, payload_too_large_message

        code = _API_CODES.get(status, "server_error")
        _, message = _error_text(status, exception, "staff")
        if status == 413:
            message = payload_too_large_message()
        elif status in (403, 404, 500):
            message = None  # the API's own wording for these
        response = JsonResponse(
            error_body(code, message),
            status=status,
            content_type="application/json; charset=utf-8",
            json_dumps_params={"ensure_ascii": False},
        )
        response["Cache-Control"] = "private, no-store"
        return response
    audience, template = _layout(request)
    title, message = _error_text(status, exception, audience)
    todos_skip(request)
    context = {"status": status, "error_title": title, "error_message": message}
    return render(request, template, context, status=status)


def bad_request(request, exception=None):
    return error_response(request, 400, exception)


def permission_denied(request, exception=None):
    return error_response(request, 403, exception)


def page_not_found(request, exception=None):
    return error_response(request, 404, exception)


def server_error(request):
    try:
        return error_response(request, 500)
    except Exception:
        # The layout needs the database (menu, user); when that is what failed, a
        # page that needs nothing.
        logger.exception("the 500 page could not be rendered in the site's layout")
        return HttpResponse(loader.render_to_string("500.html"), status=500)


def csrf_failure(request, reason=""):
    _, template = _layout(request)
    context = {
        "status": 403,
        "error_title": "页面已过期",
        "error_message": "表单已失效(可能是长时间未操作或已在其他窗口退出)。请返回上一页刷新后重新提交。",
    }
    return render(request, template, context, status=403)
