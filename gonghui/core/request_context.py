"""The current request's source IP, for audit events written deep in services."""

import ipaddress
from contextvars import ContextVar

_current_ip: ContextVar[str | None] = ContextVar("gonghui_current_ip", default=None)


def client_ip(request) -> str | None:
    """The client's address: behind a trusted proxy (GONGHUI_TRUSTED_PROXY) the last entry of
    X-Forwarded-For, the one the proxy itself wrote; entries before it come from the client and
    would let anyone choose the address the rate limits count. Not an address at all (a
    misconfigured proxy): the connection's address, never an error for the visitor."""
    from django.conf import settings

    if getattr(settings, "TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
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
