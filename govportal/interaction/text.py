"""Text helpers: keywords (jieba), near-duplicate detection, and masking personal data for publication."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from govportal.textcheck import PERSONAL_DATA, default_checker

# Words too common in letters to say anything about where one should go.
STOPWORDS = frozenset(
    "你好 您好 请问 领导 市长 区长 县长 政府 部门 相关 问题 情况 我们 你们 他们 什么 怎么 如何 为什么 "
    "是否 可以 能否 希望 谢谢 感谢 反映 关于 一个 这个 那个 没有 现在 已经 还是 一下 需要 目前 "
    "本人 自己 时候 多少 办理 咨询 投诉 建议 举报 求助 请求 帮助 解决 处理 回复 答复".split()
)
_WS = re.compile(r"\s+")
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def normalize(text: str) -> str:
    """Width-folded, lower-cased, punctuation and whitespace removed: for duplicate detection."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _PUNCT.sub("", text)


def fingerprint(text: str) -> str:
    return hashlib.sha256(normalize(text).encode()).hexdigest()


def contact_key(contact: str) -> str:
    """A stable key for a phone number or e-mail address (digits only for phones), hashed."""
    value = unicodedata.normalize("NFKC", contact or "").strip().lower()
    digits = re.sub(r"\D", "", value)
    if "@" not in value and len(digits) >= 7:
        value = digits[-11:]
    return hashlib.sha256(value.encode()).hexdigest() if value else ""


def similarity(a: str, b: str) -> float:
    a, b = normalize(a), normalize(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a[:2000], b[:2000], autojunk=False).ratio()


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokens(text: str) -> list[str]:
    """Content words of *text*: jieba search-mode words of two or more characters, stop words dropped."""
    jieba = _jieba()
    out = []
    for w in jieba.cut_for_search(unicodedata.normalize("NFKC", text or "")):
        w = w.strip().lower()
        if len(w) >= 2 and w not in STOPWORDS and not w.isdigit():
            out.append(w)
    return out


def keywords_for(text: str, limit: int = 12) -> list[str]:
    """The most telling words of *text* (TF-IDF over jieba's shipped corpus), stop words dropped."""
    jieba = _jieba()  # jieba.analyse is imported there
    text = unicodedata.normalize("NFKC", text or "")
    words = [w.lower() for w in jieba.analyse.extract_tags(text, topK=limit * 2) if len(w) >= 2]
    return [w for w in words if w not in STOPWORDS and _CJK.search(w)][:limit]


# --- masking -----------------------------------------------------------------------------------------


def _mask_span(value: str, subkind: str, suggestion: str | None) -> str:
    if subkind == "家庭住址":
        # Keep the area (up to the first digit), hide house number, building, unit and room.
        m = re.search(r"[0-9０-９一二三四五六七八九十]+[号栋幢楼单元室弄巷]", value)
        head = value[: m.start()] if m else value[: max(2, len(value) // 2)]
        return head + "＊＊"
    if suggestion and "*" in suggestion and len(suggestion) <= len(value) + 4:
        return suggestion
    return value[:1] + "＊" * max(2, len(value) - 2) + value[-1:] if len(value) > 2 else "＊＊"


def mask_personal_data(text: str, *, names: tuple[str, ...] = (), extra: tuple[str, ...] = ()) -> str:
    """*text* with personal data hidden, for everything shown to the public.

    Uses the text checker's personal-data detectors (ID numbers, mobile numbers, bank cards, e-mail
    addresses, home addresses), and hides the writer's own name and contact wherever they appear.
    """
    if not text:
        return text
    findings = [f for f in default_checker().check(text) if f.kind == PERSONAL_DATA]
    spans = sorted((f.start, f.end, _mask_span(f.text, f.subkind, f.suggestion)) for f in findings)
    out, pos = [], 0
    for start, end, replacement in spans:
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    masked = "".join(out)
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2:
            masked = masked.replace(name, name[0] + "＊" * (len(name) - 1))
    for value in extra:
        value = (value or "").strip()
        if len(value) >= 5:
            masked = masked.replace(value, value[:2] + "＊" * (len(value) - 4) + value[-2:])
    return masked


def personal_data_findings(text: str):
    return [f for f in default_checker().check(text or "") if f.kind == PERSONAL_DATA]
