"""Whether a title says something in words: a title needs Chinese characters or Latin letters.

A title of emoji, symbols, punctuation or digits alone tells a reader nothing in a list, a search result
or a screen reader, and is refused (issue #19). Used by the letter form and by the page forms.
"""

from __future__ import annotations

import unicodedata

TITLE_NEEDS_WORDS = "标题须含有汉字或字母，不能只由表情符号、符号或数字组成。"


def has_words(text: str) -> bool:
    """True when *text* holds at least one CJK ideograph or Latin letter."""
    for ch in text or "":
        if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff":
            return True
        if "\U00020000" <= ch <= "\U0003134f":
            return True
        if ch.isalpha() and "LATIN" in unicodedata.name(ch, ""):
            return True
    return False


def title_problem(title: str) -> str | None:
    """The message for a title without words, or ``None`` when the title is fine (or empty)."""
    if title and title.strip() and not has_words(title):
        return TITLE_NEEDS_WORDS
    return None
