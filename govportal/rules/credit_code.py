"""统一社会信用代码 (unified social credit code, GB 32100-2015): check digits and validation.

18 characters: 登记管理部门码 (1), 机构类别码 (1), 登记管理机关行政区划码 (6), 主体标识码 (the
9-character organisation code of GB 11714, its own check character last) and a check character.
"""

from __future__ import annotations

import re

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_SHAPE = re.compile(rf"^[{CHARSET}]{{2}}\d{{6}}[0-9A-Z]{{8}}[0-9X][{CHARSET}]$")


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015 §5)."""
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_check_char(body8: str) -> str:
    """The 9th character of a GB 11714 organisation code for its first 8."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def is_valid(code: str) -> bool:
    """True for a well-formed code whose two check characters are right."""
    code = (code or "").strip().upper()
    if not _SHAPE.match(code):
        return False
    return org_check_char(code[8:16]) == code[16] and check_char(code[:17]) == code[17]


def make(prefix2: str, division: str, org_body8: str) -> str:
    """A code from its parts, both check characters computed (used to make demo placeholders)."""
    first17 = prefix2 + division + org_body8 + org_check_char(org_body8)
    return first17 + check_char(first17)
