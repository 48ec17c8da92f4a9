"""Session security: idle timeout and the second factor for admins who enabled it."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from gonghui.audit.services import AuditAction, audit_record

_LAST_SEEN = "last_seen"
# The idle timestamp is written at most this often: a session write (an UPDATE) on every
# request costs more than the timeout's precision is worth. The timeout itself stays
# strict, so a session may end up to this much earlier than 30 idle minutes, never later.
LAST_SEEN_RESOLUTION_SECONDS = 60


class IdleTimeoutMiddleware:
    """Log out a session idle for longer than SESSION_IDLE_TIMEOUT_SECONDS.

    The session is saved only when something in it changes, so requests within a minute
    of the last recorded one write nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                user = request.user
                logout(request)
                audit_record(action=AuditAction.SESSION_EXPIRED, user=user, org=user.org)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.warning(
                    request, "您已超过 30 分钟未操作，为保护数据安全已自动退出，请重新登录。"
                )
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


_NO_DEVICE_SEEN = "otp_none_seen"


class OtpRequiredMiddleware:
    """A user with a confirmed TOTP device must pass the second step before using the app.

    A session whose user had no confirmed device is asked again at most once a minute (the
    answer is kept in the session): a device confirmed in one session verifies that
    session at once, and the user's other sessions ask for the second step within the minute.
    """

    EXEMPT_PREFIXES = ("/accounts/login", "/accounts/logout", "/accounts/otp/", "/static/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and not user.is_verified()
            and _has_confirmed_device(request, user)
        ):
            return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
        return self.get_response(request)


def _has_confirmed_device(request, user) -> bool:
    from django_otp import user_has_device

    now = int(time.time())
    seen = request.session.get(_NO_DEVICE_SEEN)
    if seen is not None and 0 <= now - seen < LAST_SEEN_RESOLUTION_SECONDS:
        return False
    if user_has_device(user, confirmed=True):
        request.session.pop(_NO_DEVICE_SEEN, None)
        return True
    request.session[_NO_DEVICE_SEEN] = now
    return False
