"""Flood and spam control for the public forms, without losing a genuine letter.

- **Form token.** Every form carries a signed one-time token. It is the idempotency key (a letter is
  stored at most once per token, so a resubmission after a crash or a double click returns the same
  letter) and the seed of the CAPTCHA, so no server-side session is needed.
- **CAPTCHA.** An arithmetic question drawn with Pillow (no third-party service), with a text version of
  the same question for people who cannot read the image.
- **Rate limits** per IP address and per contact, counted in the database (exact across processes) or
  in the cache (``GOVPORTAL_LETTER_THROTTLE=cache``). Above the *hold* limits a letter is still stored,
  held back for the centre to look at; only above the *refuse* limit is a submission refused, with the
  form and everything typed in it given back.
- **Duplicates.** The same text again, or a very similar text from the same contact, is held back.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import ipaddress
import os
import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

TOKEN_SALT = "govportal.interaction.form"
TOKEN_MAX_AGE = 24 * 3600
CN_DIGITS = "零一二三四五六七八九"


class TokenError(ValueError):
    pass


def issue_token() -> str:
    return signing.dumps({"n": secrets.token_hex(16), "t": int(time.time())}, salt=TOKEN_SALT, compress=True)


def read_token(token: str, max_age: int = TOKEN_MAX_AGE) -> str:
    """The nonce of a valid token; ``TokenError`` (message in Chinese) otherwise."""
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenError(
            "页面打开时间过长（超过24小时），验证码已失效。您填写的内容已保留，请输入新的验证码后再提交。"
        ) from exc
    except signing.BadSignature as exc:
        raise TokenError("表单校验信息无效，请输入新的验证码后再提交。您填写的内容已保留。") from exc
    return str(data["n"])


def _digest(nonce: str, purpose: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{nonce}".encode(), hashlib.sha256).digest()


# --- CAPTCHA -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    a: int
    op: str
    b: int

    @property
    def answer(self) -> int:
        return self.a + self.b if self.op == "+" else self.a - self.b

    @property
    def image_text(self) -> str:
        return f"{self.a} {self.op} {self.b} = ?"

    @property
    def words(self) -> str:
        """The same question in words, for screen readers and people who cannot read the image."""
        return f"{cn_number(self.a)}{'加' if self.op == '+' else '减'}{cn_number(self.b)}等于几？"


def cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("十" if tens == 1 else CN_DIGITS[tens] + "十") + (CN_DIGITS[ones] if ones else "")


def question_for(nonce: str) -> Question:
    d = _digest(nonce, "captcha")
    if d[0] % 2:
        return Question(d[1] % 20 + 1, "+", d[2] % 9 + 1)
    a = d[1] % 20 + 10
    return Question(a, "-", d[2] % 9 + 1)


def check_answer(nonce: str, answer: str) -> bool:
    text = (answer or "").strip().translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
    try:
        return int(text) == question_for(nonce).answer
    except ValueError:
        return False


def captcha_png(nonce: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    q = question_for(nonce)
    rnd = random.Random(_digest(nonce, "noise"))
    width, height = 180, 56
    img = Image.new("RGB", (width, height), (246, 248, 250))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        draw.line(
            [
                (rnd.randint(0, width), rnd.randint(0, height)),
                (rnd.randint(0, width), rnd.randint(0, height)),
            ],
            fill=(rnd.randint(150, 200), rnd.randint(150, 200), rnd.randint(150, 200)),
            width=1,
        )
    font = ImageFont.load_default(size=30)
    x = 10
    for ch in q.image_text:
        if ch == " ":
            x += 8
            continue
        glyph = Image.new("RGBA", (36, 44), (0, 0, 0, 0))
        ink = (20 + rnd.randint(0, 60), 40, 90, 255)
        if ch == "-":  # the font's hyphen is too small to read as a minus sign
            ImageDraw.Draw(glyph).rectangle([6, 21, 22, 24], fill=ink)
        else:
            ImageDraw.Draw(glyph).text((4, 2), ch, font=font, fill=ink)
        glyph = glyph.rotate(rnd.randint(-18, 18), resample=Image.Resampling.BICUBIC, expand=False)
        img.paste(glyph, (x, 4 + rnd.randint(-3, 5)), glyph)
        x += 22
    for _ in range(120):
        draw.point((rnd.randint(0, width - 1), rnd.randint(0, height - 1)), fill=(120, 120, 140))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


# --- derived secrets ---------------------------------------------------------------------------------

PASSWORD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def password_for(nonce: str, purpose: str = "letter") -> str:
    """The query password of the item stored under this token: the same on every retry of one form."""
    d = _digest(nonce, f"password:{purpose}")
    return "".join(PASSWORD_ALPHABET[b % len(PASSWORD_ALPHABET)] for b in d[:8])


# --- client address --------------------------------------------------------------------------------


def _trusted_proxies() -> list:
    raw = getattr(settings, "GOVPORTAL_TRUSTED_PROXIES", None) or os.environ.get(
        "GOVPORTAL_TRUSTED_PROXIES", ""
    )
    nets = []
    for part in str(raw).split(","):
        part = part.strip()
        if part:
            try:
                nets.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                continue
    return nets


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or the nearest untrusted address of X-Forwarded-For behind a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = _trusted_proxies()
    if not remote or not proxies:
        return remote

    def trusted(addr: str) -> bool:
        try:
            ip = ipaddress.ip_address(addr)
        except ValueError:
            return False
        return any(ip in net for net in proxies)

    if not trusted(remote):
        return remote
    chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    for addr in reversed(chain):
        if not trusted(addr):
            try:
                ipaddress.ip_address(addr)
            except ValueError:
                return remote
            return addr
    return remote


# --- rate limits and duplicates ------------------------------------------------------------------------


@dataclass
class Verdict:
    hold: list[str] = field(default_factory=list)
    refuse: str = ""


def throttle_backend() -> str:
    return getattr(settings, "GOVPORTAL_LETTER_THROTTLE", None) or os.environ.get(
        "GOVPORTAL_LETTER_THROTTLE", "db"
    )


def _cache_count(key: str) -> int:
    return int(cache.get(key) or 0)


def _bump(key: str, ttl: int) -> None:
    cache.add(key, 0, ttl)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, ttl)


def note_submission(ip: str | None, contact_key: str) -> None:
    """Count a stored submission (cache backend only; the database backend counts stored letters)."""
    if throttle_backend() != "cache":
        return
    if ip:
        _bump(f"letters:ip:{ip}:{int(time.time() // 3600)}", 3600)
    if contact_key:
        _bump(f"letters:contact:{contact_key}:{int(time.time() // 86400)}", 86400)


def flood_verdict(model, rules, ip: str | None, contact_key: str, ip_field: str = "client_ip") -> Verdict:
    """Hold or refuse by the number of recent submissions from this IP and this contact."""
    verdict = Verdict()
    now = timezone.now()
    if throttle_backend() == "cache":
        hour = int(time.time() // 3600)
        day = int(time.time() // 86400)
        per_ip = _cache_count(f"letters:ip:{ip}:{hour}") if ip else 0
        per_contact = _cache_count(f"letters:contact:{contact_key}:{day}") if contact_key else 0
    else:
        per_ip = (
            model.objects.filter(**{ip_field: ip, "received_at__gte": now - timedelta(hours=1)}).count()
            if ip
            else 0
        )
        per_contact = (
            model.objects.filter(contact_key=contact_key, received_at__gte=now - timedelta(days=1)).count()
            if contact_key and hasattr(model, "contact_key")
            else 0
        )
    refuse_at = int(rules.flood_refuse_per_ip_hour)
    if ip and refuse_at and per_ip >= refuse_at:
        verdict.refuse = (
            f"同一网络地址一小时内提交已达 {refuse_at} 件，暂停受理（防止恶意刷屏）。"
            "您填写的内容已保留在下方，请稍后再提交，或拨打 12345 热线反映。"
        )
        return verdict
    if ip and per_ip >= int(rules.flood_hold_per_ip_hour):
        verdict.hold.append(f"同一网络地址一小时内第 {per_ip + 1} 件来信")
    if contact_key and per_contact >= int(rules.flood_hold_per_contact_day):
        verdict.hold.append(f"同一联系方式一天内第 {per_contact + 1} 件来信")
    return verdict


def duplicate_of(letter_model, locality: str, content_key: str, contact_key: str, text: str, rules):
    """An earlier letter this one repeats: the same text, or a very similar one from the same contact."""
    since = timezone.now() - timedelta(days=int(rules.duplicate_window_days))
    recent = letter_model.objects.filter(locality=locality, received_at__gte=since)
    same = recent.filter(content_key=content_key).order_by("received_at").first()
    if same:
        return same, 1.0
    if not contact_key:
        return None, 0.0
    from .text import similarity

    threshold = float(rules.duplicate_similarity)
    best, score = None, 0.0
    for other in recent.filter(contact_key=contact_key).only("id", "query_code", "subject", "content")[:50]:
        s = similarity(text, f"{other.subject}\n{other.content}")
        if s >= threshold and s > score:
            best, score = other, s
    return best, score
