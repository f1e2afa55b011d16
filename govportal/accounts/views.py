"""Back-office views of the accounts app: lockout page, logout, two-factor enrolment and verification,
password change, security log, written reset requests, staff changes, training and responsibility."""

from __future__ import annotations

import base64
import io
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import staffing
from .admin_forms import (
    AdminChangeForm,
    LoginForm,
    PasswordChangeForm,
    ResetRequestForm,
    ResponsibilityForm,
    TokenForm,
    TrainingForm,
)
from .audit import record
from .models import (
    AdminChange,
    EventKind,
    PasswordResetRequest,
    SecurityEvent,
    TrainingRecord,
    Unit,
    retention_days,
)
from .passwords import password_change_reason
from .policy import locality_of, rules_for, two_factor_required

# --- login, lockout, logout -------------------------------------------------------------------------


def lockout_lifts_at(request, username: str):
    """When the lockout covering this account or this address ends (None if none)."""
    from axes.helpers import get_client_ip_address, get_cool_off
    from axes.models import AccessAttempt

    ip = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    q = Q(ip_address=ip)
    if username:
        q |= Q(username=username)
    last = (
        AccessAttempt.objects.filter(q, failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    cool_off = get_cool_off(request)
    if last is None or cool_off is None:
        return None
    return last + cool_off


def lockout_message(request, username: str) -> str:
    lifts = lockout_lifts_at(request, username)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    rules = rules_for(None)
    when = f"，{timezone.localtime(lifts):%Y-%m-%d %H:%M} 后自动解除" if lifts else ""
    return (
        f"登录失败次数过多（连续 {settings.AXES_FAILURE_LIMIT} 次），该账号和本机地址已被锁定 {minutes} 分钟{when}。"
        f"锁定期间即使输入正确的密码也不能登录。如忘记密码，请向网站管理员提交书面申请重置"
        f"（{rules.password_citation}）。"
    )


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout answer: the login page again, with the rule and the time the lock lifts."""
    username = ""
    if credentials:
        username = str(credentials.get("username", ""))[:150]
    username = username or str(request.POST.get("username", ""))[:150]
    form = LoginForm(request, initial={"username": username})
    context = {
        "form": form,
        "lockout_message": lockout_message(request, username),
        "lockout_lifts": lockout_lifts_at(request, username),
        "next": request.POST.get("next") or request.GET.get("next") or "",
        "username_field": "用户名",
    }
    return render(request, "wagtailadmin/login.html", context, status=429)


@never_cache
def logout_view(request):
    """GET or POST: the session is flushed on the server either way (a logout link must really log out)."""
    logout(request)
    messages.success(request, "您已安全退出。")
    response = redirect("wagtailadmin_login")
    response.delete_cookie(
        settings.SESSION_COOKIE_NAME, domain=settings.SESSION_COOKIE_DOMAIN, path=settings.SESSION_COOKIE_PATH
    )
    request.session.modified = False
    return response


def _next(request, default_name: str = "wagtailadmin_home") -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return reverse(default_name)


# --- two-factor -------------------------------------------------------------------------------------


def qr_svg_base64(uri: str) -> str:
    """The QR code of ``uri`` as a base64 SVG, drawn here (no outside service sees the secret)."""
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = io.BytesIO()
    img.save(svg)
    return base64.b64encode(svg.getvalue()).decode("ascii")


@never_cache
def two_factor_enrol(request):
    from django_otp import login as otp_login
    from django_otp import user_has_device
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        return redirect(f"{reverse('accounts_2fa_verify')}?{urlencode({'next': _next(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save()
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            record(EventKind.TWO_FACTOR_ENROLLED, request=request, detail="绑定 TOTP 身份验证器")
            messages.success(request, "双因素认证已启用：以后每次登录后台都要输入验证器上的动态验证码。")
            return redirect(_next(request))
        record(EventKind.TWO_FACTOR_FAILED, request=request, detail="绑定时验证码错误")
        form.add_error("token", "验证码不正确或已过期，请输入验证器当前显示的 6 位数字（手机时间须准确）。")
    key = device.key
    secret = base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")
    context = {
        "title": "启用双因素认证",
        "form": form,
        "qr_b64": qr_svg_base64(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next(request),
        "required": True,
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@never_cache
def two_factor_verify(request):
    from django_otp import devices_for_user
    from django_otp import login as otp_login

    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    devices = list(devices_for_user(user, confirmed=True))
    if not devices:
        return redirect(f"{reverse('accounts_2fa_enrol')}?{urlencode({'next': _next(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        for device in devices:
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                form.add_error("token", "验证码连续输错，已暂停验证，请稍后再试。")
                break
            if device.verify_token(token):
                otp_login(request, device)
                return redirect(_next(request))
        else:
            form.add_error("token", "验证码不正确或已过期，请输入验证器当前显示的 6 位数字。")
        record(EventKind.TWO_FACTOR_FAILED, request=request, detail="登录时动态验证码错误")
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"title": "双因素认证", "form": form, "next": _next(request)},
    )


# --- password change --------------------------------------------------------------------------------


@never_cache
def password_change(request):

    user = request.user
    reason = password_change_reason(user)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            update_session_auth_hash(request, form.user)
            record(EventKind.PASSWORD_CHANGED, request=request)
            messages.success(request, "密码已修改。")
            return redirect(_next(request))
        record(
            EventKind.PASSWORD_REFUSED,
            request=request,
            detail="；".join(e for errs in form.errors.values() for e in errs)[:400],
        )
    rules = rules_for(user)
    return render(
        request,
        "accounts/password_change.html",
        {"title": "修改密码", "form": form, "reason": reason, "rules": rules, "next": _next(request)},
    )


# --- security log -----------------------------------------------------------------------------------


def _locality_or_403(request, check, message: str) -> str:
    locality = locality_of(request.user)
    if not check(request.user, locality):
        raise PermissionDenied(message)
    return locality


def security_log(request):
    if request.method != "GET":
        return HttpResponse("安全审计日志只能查看和导出，不能修改或删除。", status=405)
    locality = _locality_or_403(
        request, staffing.can_read_security_log, "只有承办单位和网站管理员可以查看安全审计日志。"
    )
    qs = SecurityEvent.objects.all()
    if not request.user.is_superuser:
        qs = qs.filter(locality=locality)
    kind = request.GET.get("kind", "")
    if kind in EventKind.values:
        qs = qs.filter(kind=kind)
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(target_name__icontains=q)
            | Q(detail__icontains=q)
            | Q(ip__startswith=q)
            | Q(unit_name__icontains=q)
        )
    since, until = parse_date(request.GET.get("since") or ""), parse_date(request.GET.get("until") or "")
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    if request.GET.get("format") == "xlsx":
        from .audit import export_xlsx

        title = f"安全审计日志（{locality or '全部'}），导出于 {timezone.localtime():%Y-%m-%d %H:%M}"
        data = export_xlsx(qs[:100_000], title)
        record(
            EventKind.AUDIT_EXPORT,
            request=request,
            detail=f"导出 {min(qs.count(), 100_000)} 条，筛选：{request.GET.urlencode()[:300]}",
        )
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="security-log-{timezone.localdate():%Y%m%d}.xlsx"'
        )
        return response
    page = Paginator(qs, 50).get_page(request.GET.get("p"))
    params = request.GET.copy()
    params.pop("p", None)
    return render(
        request,
        "accounts/security_log.html",
        {
            "title": "安全审计日志",
            "page": page,
            "kinds": EventKind.choices,
            "kind": kind,
            "q": q,
            "since": request.GET.get("since", ""),
            "until": request.GET.get("until", ""),
            "query": params.urlencode(),
            "retention_days": retention_days(locality),
        },
    )


# --- written reset requests -------------------------------------------------------------------------


def reset_requests(request):
    locality = _locality_or_403(
        request, staffing.can_record_requests, "只有主办单位和网站管理员可以登记密码重置申请。"
    )
    people = staffing.people_of(locality)
    form = ResetRequestForm(request.POST or None, users=people)
    if request.method == "POST" and form.is_valid():
        staffing.record_reset_request(request.user, request=request, **form.cleaned_data)
        messages.success(request, "书面申请已登记，待网站管理员审批后重置密码。")
        return redirect("accounts_admin:resets")
    qs = PasswordResetRequest.objects.filter(unit__locality=locality).select_related(
        "user", "unit", "recorded_by", "decided_by"
    )
    return render(
        request,
        "accounts/reset_requests.html",
        {
            "title": "密码重置申请",
            "form": form,
            "page": Paginator(qs, 30).get_page(request.GET.get("p")),
            "can_decide": staffing.is_site_admin_of(request.user, locality),
            "rules": rules_for(request.user),
        },
    )


@require_POST
def reset_decide(request, pk: int):
    req = get_object_or_404(PasswordResetRequest.objects.select_related("user", "unit"), pk=pk)
    approve = request.POST.get("action") == "approve"
    try:
        temporary = staffing.decide_reset(
            req, request.user, approve=approve, note=request.POST.get("note", ""), request=request
        )
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect("accounts_admin:resets")
    if not approve:
        messages.info(request, "已不予批准。")
        return redirect("accounts_admin:resets")
    return render(
        request,
        "accounts/reset_done.html",
        {"title": "密码已重置", "req": req, "temporary": temporary},
    )


# --- changes, training, responsibility --------------------------------------------------------------


def admin_changes(request):
    locality = _locality_or_403(request, staffing.is_site_admin_of, "只有网站管理员可以登记管理员变更。")
    rules = rules_for(request.user)
    people = staffing.people_of(locality).filter(is_active=True)
    form = AdminChangeForm(request.POST or None, people=people, duties=rules.leaving_duties)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = staffing.register_change(request.user, request=request, **data)
        except ValidationError as e:
            form.add_error(None, "；".join(e.messages))
        else:
            messages.success(request, f"已登记：{change}。")
            return redirect("accounts_admin:changes")
    qs = AdminChange.objects.filter(unit__locality=locality).select_related(
        "person", "unit", "successor", "recorded_by"
    )
    return render(
        request,
        "accounts/admin_changes.html",
        {
            "title": "网站管理员变更备案",
            "form": form,
            "page": Paginator(qs, 30).get_page(request.GET.get("p")),
            "rules": rules,
        },
    )


def trainings(request):
    locality = _locality_or_403(
        request, staffing.can_record_requests, "只有主办单位和网站管理员可以登记上岗培训。"
    )
    people = staffing.people_of(locality)
    form = TrainingForm(request.POST or None, users=people)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        user = data.pop("user")
        staffing.record_training(request.user, user, **data)
        messages.success(request, f"已登记 {user.username} 的上岗培训。")
        return redirect("accounts_admin:trainings")
    qs = TrainingRecord.objects.filter(user__staff__unit__locality=locality).select_related(
        "user__staff__unit", "recorded_by"
    )
    return render(
        request,
        "accounts/trainings.html",
        {
            "title": "上岗培训记录",
            "form": form,
            "page": Paginator(qs, 30).get_page(request.GET.get("p")),
            "rules": rules_for(request.user),
        },
    )


def responsibility(request):
    locality = _locality_or_403(
        request,
        lambda u, loc: staffing.can_record_requests(u, loc) or staffing.can_read_security_log(u, loc),
        "您没有查看单位责任人记录的权限。",
    )
    return render(
        request,
        "accounts/responsibility.html",
        {
            "title": "单位责任人",
            "rows": staffing.responsibility_records(locality),
            "can_edit": staffing.is_site_admin_of(request.user, locality),
        },
    )


def responsibility_edit(request, unit_id: int):
    locality = _locality_or_403(request, staffing.is_site_admin_of, "只有网站管理员可以指定单位责任人。")
    unit = get_object_or_404(Unit, pk=unit_id, locality=locality)
    people = staffing.people_of(locality).filter(staff__unit=unit, is_active=True)
    current = getattr(unit, "responsibility", None)
    initial = {}
    if current:
        initial = {
            k: getattr(current, f"{k}_id")
            for k in ("first_responsible", "direct_responsible", "site_administrator")
        }
    form = ResponsibilityForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        staffing.set_responsibility(unit, request.user, **form.cleaned_data)
        messages.success(request, f"已更新{unit.name}的责任人。")
        return redirect("accounts_admin:responsibility")
    return render(
        request,
        "accounts/responsibility_edit.html",
        {"title": f"{unit.name} 责任人", "form": form, "unit": unit},
    )


@require_POST
def two_factor_reset(request, user_id: int):
    from django.contrib.auth import get_user_model

    target = get_object_or_404(get_user_model(), pk=user_id)
    try:
        count = staffing.reset_two_factor(
            request.user, target, request.POST.get("reason", ""), request=request
        )
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(
            request, f"已解除 {target.username} 的双因素认证（{count} 个验证器），其下次登录时须重新绑定。"
        )
    return redirect("accounts_admin:two_factor")


def two_factor_people(request):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    locality = _locality_or_403(request, staffing.is_site_admin_of, "只有网站管理员可以管理双因素认证。")
    people = list(staffing.people_of(locality).filter(is_active=True))
    enrolled = set(
        TOTPDevice.objects.filter(user__in=people, confirmed=True).values_list("user_id", flat=True)
    )
    rows = [{"user": u, "required": two_factor_required(u), "enrolled": u.pk in enrolled} for u in people]
    return render(request, "accounts/two_factor_people.html", {"title": "双因素认证", "rows": rows})
