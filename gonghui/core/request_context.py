"""The current request's source IP, for audit events written deep in services."""

from contextvars import ContextVar

_current_ip: ContextVar[str | None] = ContextVar("gonghui_current_ip", default=None)


def client_ip(request) -> str | None:
    # Behind a reverse proxy set GONGHUI_TRUSTED_PROXY so X-Forwarded-For is honoured.
    from django.conf import settings

    if getattr(settings, "TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


def current_ip() -> str | None:
    return _current_ip.get()


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _current_ip.reset(token)
