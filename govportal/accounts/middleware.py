"""Back-office session rules, applied to every request under /admin/ of a signed-in person, in order:

1. idle expiry: a session unused for the profile's ``idle_minutes`` (GOVPORTAL_IDLE_MINUTES) ends;
2. one session per account when GOVPORTAL_SINGLE_SESSION is on: a newer login ends the older session;
3. two-factor step: a person the profile asks for TOTP is sent to enrol or verify before anything else;
4. password change: an expired password, or one an administrator set, is changed before working on.

It also keeps the current request for signal receivers that record who made a change.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .audit import record
from .models import AccountSecurity, EventKind
from .passwords import password_change_reason
from .policy import rules_for, two_factor_required

_local = threading.local()

ADMIN_PREFIX = "/admin/"
# Reachable while a step is pending (else the person could never complete it).
_OPEN_PATHS = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/jsi18n/",
    "/admin/security/2fa/",
    "/admin/security/password/",
)


def current_request():
    return getattr(_local, "request", None)


class BackOfficeSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _local.request = request
        try:
            response = self._check(request)
            if response is None:
                response = self.get_response(request)
        finally:
            _local.request = None
        return response

    def _check(self, request):
        user = getattr(request, "user", None)
        if not request.path.startswith(ADMIN_PREFIX) or not getattr(user, "is_authenticated", False):
            return None

        session = request.session
        now = int(time.time())
        idle = rules_for(user).idle_minutes * 60
        seen = session.get("gp_seen")
        if idle and seen and now - int(seen) > idle:
            record(EventKind.SESSION_ENDED, request=request, detail=f"{idle // 60} 分钟无操作，会话结束")
            return self._end(
                request, f"您已 {idle // 60} 分钟没有操作，为保护账号安全已自动退出，请重新登录。"
            )
        if not seen or now - int(seen) >= 30:
            session["gp_seen"] = now

        if settings.GOVPORTAL_SINGLE_SESSION:
            key = AccountSecurity.objects.filter(user=user).values_list("session_key", flat=True).first()
            if key and session.session_key and key != session.session_key:
                record(EventKind.SESSION_ENDED, request=request, detail="同一账号在别处登录，本会话结束")
                return self._end(
                    request, "该账号已在其他地方登录，本会话已结束。如非本人操作，请立即修改密码。"
                )

        if request.path.startswith(_OPEN_PATHS):
            return None

        if two_factor_required(user) and not user.is_verified():
            from django_otp import user_has_device

            name = "accounts_2fa_verify" if user_has_device(user, confirmed=True) else "accounts_2fa_enrol"
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")

        if password_change_reason(user):
            return redirect(
                f"{reverse('accounts_password_change')}?{urlencode({'next': request.get_full_path()})}"
            )
        return None

    def _end(self, request, message: str):
        path = request.get_full_path()
        logout(request)
        messages.warning(request, message)
        return redirect(f"{reverse('wagtailadmin_login')}?{urlencode({'next': path})}")
