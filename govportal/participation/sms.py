"""Text messages (短信) as a plug-in, and phone verification codes built on it.

No part of the platform sent SMS before; this is the one interface for all of it. A deployment sets
``SMS_SENDER`` (settings / environment) to the dotted path of a class with ``send(phone, text) -> None``
that talks to its SMS gateway (运营商或政务短信平台); the default, :class:`LoggingSender`, only writes
the message to the log (``govportal.sms``) and keeps the last ones in memory for tests and the demo.

Verification codes: 6 digits, kept only as a salted hash in the cache for 10 minutes, at most 5 wrong
tries, at most one code per phone per minute and 10 per phone per day (so the form cannot be used to
flood someone's phone or to guess a code).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections import deque
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

logger = logging.getLogger("govportal.sms")

CODE_TTL = 600
MAX_TRIES = 5
RESEND_AFTER = 60
PER_PHONE_DAY = 10
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingSender:
    """Writes each message to the log instead of sending it (development, tests, the demo)."""

    outbox: deque = deque(maxlen=50)

    def send(self, phone: str, text: str) -> None:
        masked = phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"
        logger.info("SMS to %s: %s", masked, text)
        LoggingSender.outbox.append((phone, text))


def sender() -> SmsSender:
    path = getattr(settings, "SMS_SENDER", "govportal.participation.sms.LoggingSender")
    return import_string(path)()


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
