"""Signing in to the back office: lockout (django-axes), logout, idle expiry, one session, two-factor."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import PASSWORD, login, refused


def _admin_ok(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_wrong_password_message_is_chinese_and_names_the_lockout(client, make_person):
    user = make_person("市教育局", "editor")
    page = login(client, user.username, "wrong")
    assert page.status_code == 200
    assert "用户名或密码不正确" in page.content.decode()


def test_thirty_wrong_then_right_does_not_log_in(client, make_person):
    from govportal.accounts.models import EventKind, SecurityEvent

    user = make_person("市教育局", "editor")
    for _ in range(4):
        assert login(client, user.username, "wrong").status_code == 200
    assert login(client, user.username, "wrong").status_code == 429  # the fifth failure locks
    page = login(client, user.username, PASSWORD)  # right password, but locked
    text = page.content.decode()
    assert page.status_code == 429
    assert "已被锁定 30 分钟" in text and "后自动解除" in text
    assert "即使输入正确的密码也不能登录" in text
    assert not _admin_ok(client)
    for _ in range(25):
        login(client, user.username, "wrong")
    assert login(client, user.username, PASSWORD).status_code == 429
    assert not _admin_ok(client)
    assert SecurityEvent.objects.filter(kind=EventKind.LOCKOUT, username=user.username).exists()
    assert SecurityEvent.objects.filter(kind=EventKind.LOGIN_FAILED, username=user.username).count() >= 5


def test_four_failures_still_let_the_right_password_in(client, make_person):
    user = make_person("市教育局", "editor")
    for _ in range(4):
        login(client, user.username, "wrong")
    assert login(client, user.username, PASSWORD).status_code == 302
    assert _admin_ok(client)


def test_lock_lifts_at_the_time_shown(client, make_person):
    from axes.models import AccessAttempt

    user = make_person("市教育局", "editor")
    for _ in range(5):
        login(client, user.username, "wrong")
    page = login(client, user.username, PASSWORD)
    lifts = timezone.localtime(
        AccessAttempt.objects.get(username=user.username).attempt_time + timedelta(minutes=30)
    )
    assert f"{lifts:%Y-%m-%d %H:%M} 后自动解除" in page.content.decode()
    # the time the lock lifts heads the message, in a line of its own
    assert f"账号已锁定，{lifts.month}月{lifts.day}日 {lifts:%H:%M} 自动解除" in page.content.decode()
    # 29 minutes later: still locked; 31 minutes later: the right password works
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=29))
    assert login(client, user.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert login(client, user.username, PASSWORD).status_code == 302
    assert _admin_ok(client)


def test_lockout_per_account_from_any_address(client, make_person):
    user = make_person("市教育局", "editor")
    for i in range(5):
        login(client, user.username, "wrong", ip=f"10.0.1.{i}")
    assert login(client, user.username, PASSWORD, ip="10.9.9.9").status_code == 429


def test_lockout_per_address_across_accounts(client, make_person):
    victim = make_person("市教育局", "editor")
    for i in range(5):
        login(client, f"guess{i}", "wrong", ip="10.7.7.7")
    assert login(client, victim.username, PASSWORD, ip="10.7.7.7").status_code == 429
    assert login(client, victim.username, PASSWORD, ip="10.7.7.8").status_code == 302


def test_login_page_has_no_remember_me_and_session_ends_with_the_browser(client, make_person):
    user = make_person("市教育局", "editor")
    page = client.get("/admin/login/")
    assert 'name="remember"' not in page.content.decode()
    login(client, user.username, PASSWORD)
    assert client.session.get_expire_at_browser_close()


@pytest.mark.parametrize("method", ["get", "post"])
def test_logout_invalidates_the_session_either_way(client, make_person, method):
    from django.contrib.sessions.models import Session

    user = make_person("市教育局", "editor")
    assert login(client, user.username).status_code == 302
    old = client.cookies["sessionid"].value
    assert _admin_ok(client)
    response = getattr(client, method)("/admin/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=old).exists()
    client.cookies["sessionid"] = old  # an attacker replays the old cookie
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_idle_session_ends_after_30_minutes(client, make_person):
    user = make_person("市教育局", "editor")
    login(client, user.username)
    assert _admin_ok(client)
    session = client.session
    session["gp_seen"] = int(time.time()) - 29 * 60
    session.save()
    assert _admin_ok(client)
    session = client.session
    session["gp_seen"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/admin/pages/")
    assert response["Location"].startswith("/admin/login/")
    page = client.get(response["Location"])
    assert "30 分钟没有操作" in page.content.decode()
    assert not _admin_ok(client)


def test_one_session_per_account_when_configured(settings, client, make_person):
    from django.test import Client

    settings.GOVPORTAL_SINGLE_SESSION = True
    user = make_person("市教育局", "editor")
    login(client, user.username)
    assert _admin_ok(client)
    other = Client()
    login(other, user.username, ip="10.0.0.2")
    assert other.get("/admin/").status_code == 200
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/login/")
    assert "已在其他地方登录" in client.get(response["Location"]).content.decode()


# --- two-factor -------------------------------------------------------------------------------------


def _token(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _unthrottle(device) -> None:
    """As if the throttle's wait after a wrong code (django-otp: 1 s, doubling) had passed."""
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()


@pytest.fixture
def two_factor(settings):
    settings.GOVPORTAL_TWO_FACTOR = True


def test_site_admin_enrols_then_verifies_on_each_login(two_factor, client, make_person):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from govportal.accounts.models import EventKind, SecurityEvent

    admin = make_person("市人民政府办公室电子政务中心", "site_admin")
    login(client, admin.username)
    response = client.get("/admin/pages/")
    assert response["Location"].startswith("/admin/security/2fa/enrol/")
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "启用双因素认证" in text and "data:image/svg+xml;base64," in text
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    wrong = client.post(
        "/admin/security/2fa/enrol/", {"token": "000000" if _token(device) != "000000" else "111111"}
    )
    assert "验证码不正确" in wrong.content.decode()
    _unthrottle(device)
    done = client.post("/admin/security/2fa/enrol/?next=/admin/pages/", {"token": _token(device)})
    assert done["Location"] == "/admin/pages/"
    assert _admin_ok(client)
    assert SecurityEvent.objects.filter(kind=EventKind.TWO_FACTOR_ENROLLED, username=admin.username).exists()

    # next login: password alone is not enough
    client.post("/admin/logout/")
    login(client, admin.username)
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/security/2fa/verify/")
    assert client.get("/admin/security/log/").status_code == 302
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    bad = client.post("/admin/security/2fa/verify/", {"token": "12345a"})
    assert "验证码不正确" in bad.content.decode()
    _unthrottle(device)
    ok = client.post("/admin/security/2fa/verify/", {"token": _token(device)})
    assert ok.status_code == 302
    assert _admin_ok(client)


def test_editor_is_not_asked_for_a_second_factor(two_factor, client, make_person):
    editor = make_person("市教育局", "editor")
    login(client, editor.username)
    assert _admin_ok(client)


@pytest.mark.parametrize("role", ["principal_leader", "deputy_leader"])
def test_leaders_are_asked_for_a_second_factor(two_factor, client, make_person, role):
    leader = make_person("市教育局", role)
    login(client, leader.username)
    assert client.get("/admin/")["Location"].startswith("/admin/security/2fa/enrol/")


def test_site_admin_recovers_a_lost_authenticator_recorded_not_across_localities(
    two_factor, client, make_person, youyang_person
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from govportal.accounts.models import EventKind, SecurityEvent

    admin = make_person("市人民政府办公室电子政务中心", "site_admin")
    hotline = make_person("市人民政府办公室", "hotline")
    TOTPDevice.objects.create(user=hotline, name="x", confirmed=True)
    stranger = youyang_person("hotline")
    TOTPDevice.objects.create(user=stranger, name="x", confirmed=True)
    TOTPDevice.objects.create(user=admin, name="x", confirmed=True)
    client.force_login(admin)
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=admin).persistent_id
    session.save()
    page = client.get("/admin/security/two-factor/")
    assert hotline.username in page.content.decode() and stranger.username not in page.content.decode()
    response = client.post(
        f"/admin/security/two-factor/{hotline.pk}/reset/", {"reason": "手机丢失，电话核实"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=hotline).exists()
    event = SecurityEvent.objects.get(kind=EventKind.TWO_FACTOR_RESET)
    assert event.target_name == hotline.username and "手机丢失" in event.detail
    assert refused(client.post(f"/admin/security/two-factor/{stranger.pk}/reset/", {"reason": "x"}))
    assert TOTPDevice.objects.filter(user=stranger).exists()
