"""Phone verification codes (短信验证码) for participation, sent through ``govportal.sms``.

The messages go through the platform's one SMS plug-in, ``govportal.sms`` (``GOVPORTAL_SMS_SENDER``).

Verification codes: 6 digits, kept only as a salted hash in the shared cache for 10 minutes, at most 5 wrong
tries, at most one code per phone per minute and 10 per phone per day (so the form cannot be used to
flood someone's phone or to guess a code).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.core.cache import caches

from govportal.sms import LoggingSender, SmsSender, sender  # noqa: F401  (the one SMS plug-in)

CODE_TTL = 600
# Codes and their counters in the cache every worker process shares (the rate-limit cache: Redis, or a file
# cache on one machine): a code sent by one process is checked by another.
cache = caches["ratelimit"]
MAX_TRIES = 5
RESEND_AFTER = 60
PER_PHONE_DAY = 10
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class CodeError(ValueError):
    """A code cannot be sent or is wrong; the message (Chinese) says why."""


def normalize_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not _MOBILE.match(digits):
        raise CodeError("请填写正确的11位手机号码。")
    return digits


def phone_key(phone: str) -> str:
    """A keyed hash of the phone number: the number itself is never stored with an answer."""
    return hmac.new(settings.SECRET_KEY.encode(), f"phone:{phone}".encode(), hashlib.sha256).hexdigest()


def _code_key(purpose: str, phone: str) -> str:
    return f"gp:sms:{purpose}:{phone_key(phone)[:32]}"


def _digest(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def send_code(purpose: str, phone: str, what: str) -> None:
    """Send a code for ``purpose`` (e.g. ``survey:12``) to ``phone``; ``what`` names it in the message."""
    phone = normalize_phone(phone)
    key = _code_key(purpose, phone)
    if not cache.add(key + ":recent", 1, RESEND_AFTER):
        raise CodeError(f"验证码已发送，请 {RESEND_AFTER} 秒后再重新获取。")
    day_key = f"gp:sms:day:{phone_key(phone)[:32]}"
    cache.add(day_key, 0, 86400)
    try:
        count = cache.incr(day_key)
    except ValueError:
        cache.set(day_key, 1, 86400)
        count = 1
    if count > PER_PHONE_DAY:
        raise CodeError("该手机号今日获取验证码次数过多，请明天再试。")
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(8)
    cache.set(key, {"salt": salt, "digest": _digest(code, salt), "tries": 0}, CODE_TTL)
    sender().send(phone, f"【政府网站】您正在参加“{what}”，验证码 {code}，10分钟内有效。如非本人操作请忽略。")


def check_code(purpose: str, phone: str, code: str) -> str:
    """The normalised phone when ``code`` is right (the code is then used up); ``CodeError`` otherwise."""
    phone = normalize_phone(phone)
    key = _code_key(purpose, phone)
    entry = cache.get(key)
    if not entry:
        raise CodeError("验证码已失效或未获取，请重新获取验证码。")
    if entry["tries"] >= MAX_TRIES:
        cache.delete(key)
        raise CodeError("验证码错误次数过多，请重新获取验证码。")
    if not hmac.compare_digest(entry["digest"], _digest((code or "").strip(), entry["salt"])):
        entry["tries"] += 1
        cache.set(key, entry, CODE_TTL)
        raise CodeError("验证码不正确，请核对短信中的6位数字。")
    cache.delete(key)
    return phone
