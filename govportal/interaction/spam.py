"""Flood and spam control for the public forms, without losing a genuine letter.

- **Form token.** Every form carries a signed one-time token. It is the idempotency key (a letter is
  stored at most once per token, so a resubmission after a crash or a double click returns the same
  letter) and the seed of the CAPTCHA, so no server-side session is needed.
- **CAPTCHA.** Shown only once an address nears a rate limit (``govportal.ratelimits``). A sum drawn with
  Pillow (no third-party service), and for people who cannot read the image a question in words with
  the same answer, drawn from a pool of everyday questions with varied phrasing and Chinese numerals.
  A speed bump, not a wall: see the app's README.
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

from .text import similarity

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
    """A CAPTCHA: an arithmetic sum in the image, and for people who cannot read the image a question in
    words with the same answer, drawn from a pool of everyday questions in varied phrasing with Chinese
    numerals (小写 or 大写). A person answers it at once; a program needs a solver per question kind."""

    answer: int
    image_text: str
    words: str


UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def cn_number(n: int, upper: bool = False) -> str:
    digits = UPPER_DIGITS if upper else CN_DIGITS
    ten = "拾" if upper else "十"
    if n < 10:
        return digits[n]
    if n >= 100:
        hundreds, rest = divmod(n, 100)
        head = digits[hundreds] + ("佰" if upper else "百")
        if not rest:
            return head
        return (
            head
            + (digits[0] if rest < 10 else "")
            + (
                digits[rest // 10] + ten + (digits[rest % 10] if rest % 10 else "")
                if rest >= 10
                else digits[rest]
            )
        )
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + ten + (digits[ones] if ones else "")


WEEKDAYS = "一二三四五六日"

# (template, answer) makers: each gets a seeded random source and a number writer.
_POOL = (
    lambda r, w: (
        ((a := r.randint(2, 9)), (b := r.randint(2, 9)))
        and (f"篮子里有{w(a)}个苹果，又放进去{w(b)}个，篮子里现在有几个苹果？", a + b)
    ),
    lambda r, w: (
        ((a := r.randint(12, 30)), (b := r.randint(2, 9)))
        and (f"书架上原有{w(a)}本书，借走了{w(b)}本，还剩几本？", a - b)
    ),
    lambda r, w: (a := r.randint(2, 5)) and (f"一个星期有七天，{w(a)}个星期一共有多少天？", 7 * a),
    lambda r, w: (
        ((a := r.randint(3, 9)), (b := r.randint(2, 4)))
        and (f"每张桌子坐{w(b)}个人，{w(a)}张桌子能坐多少人？", a * b)
    ),
    lambda r, w: (
        ((a := r.randint(10, 40)), (b := r.randint(41, 90)))
        and (f"{w(a)}和{w(b)}这两个数中，较大的那个数是多少？", b)
    ),
    lambda r, w: (
        ((a := r.randint(10, 40)), (b := r.randint(41, 90)))
        and (f"请在{w(b)}与{w(a)}之中，写出比较小的那个数。", a)
    ),
    lambda r, w: (
        (d := r.randint(0, 6)) is not None
        and ((n := r.randint(1, 5)) is not None)
        and (
            f"今天是星期{WEEKDAYS[d]}，再过{w(n)}天是星期几？（请填数字，星期日填七）",
            (d + n) % 7 + 1,
        )
    ),
    lambda r, w: (a := r.randint(2, 6)) and (f"一打鸡蛋是十二个，{w(a)}打鸡蛋是多少个？", 12 * a),
    lambda r, w: (
        ((a := r.randint(20, 60)), (b := r.randint(2, 9)))
        and (f"小王今年{w(a)}岁，他弟弟比他小{w(b)}岁，弟弟今年几岁？", a - b)
    ),
    lambda r, w: (a := r.randint(11, 99)) and (f"请把“{w(a)}”写成阿拉伯数字。", a),
    lambda r, w: (
        ((a := r.randint(2, 9)), (b := r.randint(2, 9)), (c := r.randint(1, 5)))
        and (f"先把{w(a)}和{w(b)}相加，再减去{w(c)}，得数是多少？", a + b - c)
    ),
    lambda r, w: (a := r.randint(2, 8)) and (f"一只手有五根手指，{w(a)}只手一共有几根手指？", 5 * a),
)


def question_for(nonce: str) -> Question:
    d = _digest(nonce, "captcha")
    rnd = random.Random(d)
    upper = rnd.random() < 0.3
    words, answer = _POOL[d[0] % len(_POOL)](rnd, lambda n: cn_number(n, upper))
    left = rnd.randint(1, max(1, answer - 1)) if answer > 1 else 0
    image = f"{left} + {answer - left} = ?"
    return Question(answer=answer, image_text=image, words=words)


def parse_answer(text: str) -> int | None:
    """The number a person typed: Arabic (half or full width) or Chinese numerals."""
    text = (text or "").strip().translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
    try:
        return int(text)
    except ValueError:
        pass
    values = {ch: i for i, ch in enumerate(CN_DIGITS)} | {ch: i for i, ch in enumerate(UPPER_DIGITS)}
    values["两"] = 2
    total, current = 0, 0
    for ch in text:
        if ch in values:
            current = values[ch]
        elif ch in "十拾":
            total += (current or 1) * 10
            current = 0
        elif ch in "百佰":
            total += current * 100
            current = 0
        else:
            return None
    return total + current if text else None


def check_answer(nonce: str, answer: str) -> bool:
    return parse_answer(answer) == question_for(nonce).answer


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


# --- client address: one function for the whole project, in govportal.ratelimits ----------------------

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

    threshold = float(rules.duplicate_similarity)
    best, score = None, 0.0
    for other in recent.filter(contact_key=contact_key).only("id", "query_code", "subject", "content")[:50]:
        s = similarity(text, f"{other.subject}\n{other.content}")
        if s >= threshold and s > score:
            best, score = other, s
    return best, score
