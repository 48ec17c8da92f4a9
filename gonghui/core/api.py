"""Shared machinery of the JSON API (/api/v1/): authentication, the one error shape,
keyset pagination and schemas every app's router uses.

Every error answers `{"code": "...", "message": "<Chinese>", "fields": {...}}`:

==================  ======  ====================================================
code                status  when
==================  ======  ====================================================
not_authenticated   401     no/invalid/revoked token, no session
csrf_failed         403     session auth on an unsafe method without CSRF token
permission_denied   403     the user has no access to the module (or action) at all
grant_out_of_scope  403     role grant at an org outside the actor's scope
grant_too_strong    403     role grant stronger than the actor's own
not_found           404     missing *or outside the user's scope* (indistinguishable)
method_not_allowed  405     the path exists but not with this method
conflict            409     a concurrent write clashed
stale_version       409     the version sent is not the current one (optimistic lock)
validation_error    422     bad input; `fields` = {field: [Chinese messages]}
bad_request         400     a body that is not JSON; too many query or form fields
payload_too_large   413     a body over DATA_UPLOAD_MAX_MEMORY_SIZE (25 MiB)
rate_limited        429     too many requests
server_error        500     anything unexpected (logged, never shown)
==================  ======  ====================================================

Service errors (gonghui.core.errors.ServiceError) pass through with their own
`code` and `status`, so codes such as `move_into_own_subtree` (422) reach clients.
"""

import base64
import binascii
import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.urls import re_path, register_converter
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic import Field

from gonghui.core.errors import (
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationFailed,
    request_error_text,
)
from gonghui.core.scope import can, path_in_scope, scope_paths

logger = logging.getLogger("gonghui.api")

NOT_FOUND_MESSAGE = NotFound().message  # one message for missing and out of scope alike
MESSAGES = {
    "not_authenticated": "请先登录，或在 Authorization 头中提供有效的 API 令牌(Bearer)。",
    "csrf_failed": "CSRF 校验失败，请刷新页面后重试。",
    "permission_denied": "您没有使用该功能的权限。",
    "not_found": NOT_FOUND_MESSAGE,
    "method_not_allowed": "该地址不支持此请求方法。",
    "conflict": "数据已被他人修改或与现有记录冲突，请刷新后重试。",
    "validation_error": "请检查填写的内容。",
    "bad_request": "请求格式不正确，请求体应为有效的 JSON。",
    "rate_limited": "请求过于频繁，请稍后再试。",
    "server_error": "服务器内部错误，请稍后重试。",
}
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
    413: "payload_too_large",
    429: "rate_limited",
}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


# --- schemas shared by the routers ----------------------------------------------------


class ErrorOut(Schema):
    code: str = Field(description="稳定的错误代码，客户端可据此判断")
    message: str = Field(description="中文错误说明")
    fields: dict[str, list[str]] = Field(description="字段错误：{字段名: [中文说明]}")


class OrgRef(Schema):
    id: int
    name: str


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Error responses for an operation's OpenAPI entry (401 is added everywhere)."""
    return {status: ErrorOut for status in sorted({401, *statuses})}


# --- the error shape -------------------------------------------------------------------


def payload_too_large_message() -> str:
    return f"请求体过大，不能超过 {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)} MB。"


def error_body(code: str, message: str | None = None, fields=None) -> dict[str, Any]:
    return {"code": code, "message": message or MESSAGES.get(code, code), "fields": fields or {}}


class CsrfFailed(Exception):
    pass


_PYDANTIC_MESSAGES = {
    "missing": "此项为必填项。",
    "extra_forbidden": "不支持该字段。",
    "string_type": "应为文本。",
    "string_too_short": "至少需要 {min_length} 个字符。",
    "string_too_long": "最多 {max_length} 个字符。",
    "string_pattern_mismatch": "格式不正确。",
    "int_type": "应为整数。",
    "int_parsing": "应为整数。",
    "int_from_float": "应为整数。",
    "int_parsing_size": "数值超出范围。",
    "float_type": "应为数字。",
    "float_parsing": "应为数字。",
    "bool_type": "应为 true 或 false。",
    "bool_parsing": "应为 true 或 false。",
    "date_type": "日期格式不正确，应为 YYYY-MM-DD。",
    "date_parsing": "日期格式不正确，应为 YYYY-MM-DD。",
    "date_from_datetime_parsing": "日期格式不正确，应为 YYYY-MM-DD。",
    "date_from_datetime_inexact": "日期格式不正确，应为 YYYY-MM-DD。",
    "datetime_type": "时间格式不正确。",
    "datetime_parsing": "时间格式不正确。",
    "datetime_from_date_parsing": "时间格式不正确。",
    "greater_than": "必须大于 {gt}。",
    "greater_than_equal": "不能小于 {ge}。",
    "less_than": "必须小于 {lt}。",
    "less_than_equal": "不能大于 {le}。",
    "json_invalid": "不是有效的 JSON。",
    "json_type": "不是有效的 JSON。",
    "model_type": "应为 JSON 对象。",
    "model_attributes_type": "应为 JSON 对象。",
    "dict_type": "应为 JSON 对象。",
    "list_type": "应为列表。",
    "too_long": "最多 {max_length} 项。",
    "too_short": "至少 {min_length} 项。",
}


def pydantic_message(error: dict) -> str:
    """A Chinese message for one pydantic/ninja validation error."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in {"enum", "literal_error"}:
        expected = str(ctx.get("expected", "")).replace(" or ", ", ").replace("'", "")
        return f"取值无效，可选值：{expected.replace(', ', '、')}。"
    if kind == "value_error":
        # Our own validators raise ValueError with a Chinese message.
        return str(ctx.get("error") or "格式不正确。")
    template = _PYDANTIC_MESSAGES.get(kind)
    if template is None:
        return "格式不正确。"
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def pydantic_fields(
    errors_: Iterable[dict], body_params: Iterable[str] = ()
) -> dict[str, list[str]]:
    """{field: [messages]} from ninja's error list; the location prefix is dropped."""
    body_params = set(body_params)
    fields: dict[str, list[str]] = {}
    for error in errors_:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in _SOURCES:
            source = loc.pop(0)
            if source == "body" and len(loc) > 1 and loc[0] in body_params:
                loc.pop(0)  # the view's parameter name, e.g. "payload"
            elif source == "body" and len(loc) == 1 and loc[0] in body_params:
                loc = ["__all__"]  # the whole body is missing or not an object
        name = ".".join(loc) or "__all__"
        message = pydantic_message(error)
        if name == "__all__" and error.get("type") == "missing":
            message = "请求体不能为空。"
        bucket = fields.setdefault(name, [])
        if message not in bucket:
            bucket.append(message)
    return fields


# Endpoints name their body parameter `payload`; it is not part of a field's name.
BODY_PARAMS = frozenset({"payload"})


def register_error_handlers(api: NinjaAPI) -> None:
    """Every error the API can produce answers in the one shape."""

    def respond(request, status, code, message=None, fields=None) -> HttpResponse:
        response = api.create_response(request, error_body(code, message, fields), status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def on_service_error(request, exc: ServiceError):
        if exc.status == 404:
            return respond(request, 404, "not_found")
        return respond(request, exc.status, exc.code, exc.message, exc.fields)

    def on_not_found(request, exc):
        return respond(request, 404, "not_found")

    def on_django_permission_denied(request, exc):
        return respond(request, 403, "permission_denied")

    def on_django_validation_error(request, exc: DjangoValidationError):
        from gonghui.core.errors import validation_error_fields

        return respond(request, 422, "validation_error", fields=validation_error_fields(exc))

    def on_ninja_validation_error(request, exc: NinjaValidationError):
        fields = pydantic_fields(exc.errors, BODY_PARAMS)
        return respond(request, 422, "validation_error", fields=fields)

    def on_authentication_error(request, exc):
        return respond(request, 401, "not_authenticated")

    def on_csrf_failed(request, exc):
        return respond(request, 403, "csrf_failed")

    def on_throttled(request, exc: Throttled):
        response = respond(request, 429, "rate_limited")
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait) + 1)
        return response

    def on_http_error(request, exc: HttpError):
        fallback = "bad_request" if exc.status_code < 500 else "server_error"
        code = STATUS_CODES.get(exc.status_code, fallback)
        return respond(request, exc.status_code, code)

    def on_body_too_big(request, exc):
        # Raised when the body is first read: parsing JSON, or the session's CSRF check.
        logger.warning("API request body too big on %s %s", request.method, request.path)
        return respond(request, 413, "payload_too_large", payload_too_large_message())

    def on_bad_request(request, exc):
        # Django's own refusals: too many fields, an unreadable multipart body.
        logger.warning("API request refused on %s %s: %s", request.method, request.path, exc)
        known = request_error_text(exc)
        return respond(request, 400, "bad_request", known[1] if known else "请求格式不正确。")

    def on_integrity_error(request, exc):
        logger.warning("API integrity error: %s", exc)
        return respond(request, 409, "conflict")

    def on_exception(request, exc):
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500, "server_error")

    api.add_exception_handler(Exception, on_exception)
    api.add_exception_handler(ServiceError, on_service_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(DjangoPermissionDenied, on_django_permission_denied)
    api.add_exception_handler(DjangoValidationError, on_django_validation_error)
    api.add_exception_handler(NinjaValidationError, on_ninja_validation_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(CsrfFailed, on_csrf_failed)
    api.add_exception_handler(IntegrityError, on_integrity_error)
    api.add_exception_handler(RequestDataTooBig, on_body_too_big)
    api.add_exception_handler(SuspiciousOperation, on_bad_request)
    api.add_exception_handler(MultiPartParserError, on_bad_request)


# --- rendering ------------------------------------------------------------------------


class ApiJSONEncoder(NinjaJSONEncoder):
    """Times in the installation's time zone (Asia/Shanghai), to the second."""

    def default(self, o):
        if isinstance(o, dt.datetime):
            if timezone.is_aware(o):
                o = timezone.localtime(o)
            return o.isoformat(timespec="seconds")
        return super().default(o)


class ApiRenderer(JSONRenderer):
    encoder_class = ApiJSONEncoder
    json_dumps_params = {"ensure_ascii": False}


# --- authentication ---------------------------------------------------------------------


_token_authenticator: Callable[[str], Any] | None = None


def token_authenticator_set(authenticate: Callable[[str], Any]) -> None:
    """Install the function that maps an API token to its user, or None (the accounts app's
    `token_authenticate`, installed from its AppConfig.ready())."""
    global _token_authenticator
    _token_authenticator = authenticate


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>` (tokens from `gonghui token create`).

    A bearer header that does not name a live token is refused outright (401),
    never passed on to session auth.
    """

    def authenticate(self, request: HttpRequest, token: str):
        token = (token or "").strip()
        user = _token_authenticator(token) if token and _token_authenticator else None
        if user is None:
            raise AuthenticationError()
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The Django login session of the web pages. Unsafe methods need the CSRF token
    (X-CSRFToken header). Checked after authentication, so an anonymous caller gets
    401 rather than a CSRF complaint. A session still owing its second factor is not
    authenticated here either."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked in __call__, after the user is known

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if second_factor_pending(user):
            return None
        unsafe = request.method not in SAFE_METHODS
        if unsafe and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return user

    def authenticate(self, request: HttpRequest, key: str | None):  # pragma: no cover
        return self(request)


def second_factor_pending(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None or is_verified():
        return False
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


# --- helpers for endpoints --------------------------------------------------------------


def require(user, module: str, action: str) -> None:
    """403 only when the user has no access to the module's action anywhere; records out
    of scope are the selectors' business (404)."""
    if not can(user, module, action):
        raise PermissionDenied(MESSAGES["permission_denied"])


def in_view_scope(user, module: str, org) -> bool:
    return org is not None and path_in_scope(org.path, scope_paths(user, module, "view"))


def scoped_ref(context, org, module: str = "orgs") -> dict | None:
    """{id, name} of an org the requesting user may see; None for one outside their scope,
    so a response never names an org the user could not open."""
    if org is None:
        return None
    request = (context or {}).get("request")
    user = getattr(request, "auth", None)
    if user is None or not in_view_scope(user, module, org):
        return None
    return {"id": org.pk, "name": org.name}


@contextmanager
def field_names(**aliases: str):
    """Rename service field keys to the API's names: field_names(org="org_id")."""
    try:
        yield
    except ServiceError as exc:
        exc.fields = {aliases.get(key, key): value for key, value in exc.fields.items()}
        raise


def required_not_null(changes: dict, nullable: Iterable[str] = ()) -> None:
    """A PATCH may omit a field but not null one that cannot be empty."""
    nullable = set(nullable)
    fields = {
        key: ["此项不能为空。"]
        for key, value in changes.items()
        if value is None and key not in nullable
    }
    if fields:
        raise ValidationFailed(MESSAGES["validation_error"], fields=fields)


def plain(values: dict) -> dict:
    """Enum members from schemas to their plain values for the services."""
    return {key: getattr(value, "value", value) for key, value in values.items()}


# --- ids in paths -----------------------------------------------------------------------


class IdConverter:
    """`{pk:id}` in a path: a positive id that fits a bigint. Anything else matches no
    route and answers not_found, rather than reaching the database."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "pk")


# --- keyset pagination -------------------------------------------------------------------

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数(1–200)")
    cursor: str | None = Field(None, description="上一页返回的 next_cursor；不传为第一页")


def cursor_encode(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode().rstrip("=")


def cursor_decode(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        pk = int(value)
        if kind != "id" or pk < 0:
            raise ValueError
        return pk
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed(
            MESSAGES["validation_error"], fields={"cursor": ["分页游标无效，请从第一页重新获取。"]}
        ) from None


def paginate(queryset, page: PageParams, *, descending: bool = False) -> dict:
    """Keyset pagination on id: stable under inserts, constant cost at any depth."""
    after = cursor_decode(page.cursor)
    rows = queryset.order_by("-id" if descending else "id")
    if after is not None:
        rows = rows.filter(id__lt=after) if descending else rows.filter(id__gt=after)
    items = list(rows[: page.limit + 1])
    more = len(items) > page.limit
    items = items[: page.limit]
    return {"items": items, "next_cursor": cursor_encode(items[-1].pk) if more else None}


# --- the API class ----------------------------------------------------------------------


class GonghuiAPI(NinjaAPI):
    """NinjaAPI whose every error, even for an unknown path or a wrong method, is JSON in
    the one error shape, and whose answers are never stored by shared caches."""

    def __init__(self, **kwargs):
        kwargs.setdefault("renderer", ApiRenderer())
        kwargs.setdefault("auth", [BearerAuth(), SessionAuth()])
        kwargs.setdefault("docs_url", None)  # ninja's Swagger UI loads from a CDN
        super().__init__(**kwargs)
        register_error_handlers(self)

    def error_response(self, request, status: int, code: str, message: str | None = None):
        return self.create_response(request, error_body(code, message), status=status)

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            pattern.callback = self._json_errors(pattern.callback)
        urls.append(re_path(r"^.*$", self._unknown_path))
        return urls

    def _json_errors(self, view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                response = self.error_response(request, 404, "not_found")
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                response = self.error_response(request, 405, "method_not_allowed")
                response["Allow"] = allowed
            # Answers carry personal data (masked or not): never kept by shared caches.
            response.setdefault("Cache-Control", "private, no-store")
            return response

        return wrapper

    def _unknown_path(self, request, *args, **kwargs):
        response = self.error_response(request, 404, "not_found")
        response["Cache-Control"] = "private, no-store"
        return response

    _unknown_path.csrf_exempt = True  # type: ignore[attr-defined]
