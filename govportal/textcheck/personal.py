"""Personal data: resident ID numbers, mobile numbers, bank cards, e-mail addresses, home addresses.

One regular-expression pass finds runs of digits (ASCII or full-width, optionally grouped by single
spaces or hyphens); each run is then validated in Python: a number that fails its checksum or
carries an impossible date is not reported. A run is taken whole: a valid number embedded in a
longer run of digits (an order number, a serial) is not matched.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from .findings import BLOCKING, PERSONAL_DATA, WARNING, Finding

ID_CARD = "身份证号"
MOBILE = "手机号码"
BANK_CARD = "银行卡号"
EMAIL = "电子邮箱"
ADDRESS = "家庭住址"

_PRIVACY = "《政府信息公开条例》第十五条：涉及个人隐私的政府信息不得公开"
RULES = {
    ID_CARD: "公民身份号码（GB 11643-1999 校验码、出生日期、地址码均有效）；" + _PRIVACY,
    "身份证号15": "15位旧公民身份号码（地址码、出生日期有效）；" + _PRIVACY,
    MOBILE: "手机号码（1[3-9]开头的11位号码）；《个人信息保护法》；" + _PRIVACY,
    BANK_CARD: "银行卡号（ISO/IEC 7812 Luhn 校验通过）；《个人信息保护法》第二十八条：金融账户属敏感个人信息",
    EMAIL: "个人电子邮箱（.gov.cn 机构邮箱除外）；《个人信息保护法》；" + _PRIVACY,
    ADDRESS: "详细家庭住址（门牌、楼栋、单元、房号）；" + _PRIVACY,
}

# GB/T 2260 province-level codes, plus 81/82/83 used by residence permits of Hong Kong, Macao, Taiwan.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Words just before a long number that say it is an identifier of a thing, not of a person.
NOT_PERSONAL_CONTEXT = (
    "订单",
    "单号",
    "编号",
    "编码",
    "流水号",
    "发票",
    "代码",
    "批号",
    "文号",
    "合同号",
    "案号",
    "条码",
    "工号",
    "注册号",
    "档案号",
    "证书号",
    "证号",
    "备案号",
    "序列号",
    "登记号",
    "凭证号",
    "交易号",
    "索引号",
    "标段",
    "项目号",
    "批次",
    "型号",
    "快递",
    "运单",
)

# Words just before a card-like number that say the account belongs to an organisation.
ORGANISATION_ACCOUNT_CONTEXT = (
    "对公",
    "单位账户",
    "收款单位",
    "缴款单位",
    "开户单位",
    "账户名称",
    "户名：",
    "户名:",
    "财政局",
    "非税",
)
# A number followed by one of these is an amount or a count, not an identifier.
_QUANTITY_AFTER = set("元万亿个件人户次台吨斤米份张条号")

_DIGIT = "0-9\uff10-\uff19"
# A run of digits (ASCII or full-width) possibly grouped by spaces or hyphens. The pattern starts with
# a character set so that the regular-expression engine can skip ahead quickly (400+ MB/s); the
# boundaries (no letter or digit glued to either end) are checked in Python.
_RUN = re.compile(rf"[+\uff0b{_DIGIT}][{_DIGIT} \-]{{9,}}")
_GROUP = re.compile(r"[0-9]+")
_ALNUM = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    + "".join(chr(c) for c in range(0xFF10, 0xFF1A))
    + "".join(chr(c) for c in range(0xFF21, 0xFF3B))
    + "".join(chr(c) for c in range(0xFF41, 0xFF5B))
)
_X = frozenset("XxＸｘ")
_TO_ASCII = str.maketrans("０１２３４５６７８９Ｘｘx＋", "0123456789XXX+")

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9\-])"
)

_NUM = r"(?:[0-9０-９]+|[一二三四五六七八九十百零〇]+)"
_UNIT = r"(?:号楼|号院|号|室|组|栋|幢|单元|户|楼|层|座|弄|巷)"
ADDRESS_CONTEXT_WORDS = (
    "家庭住址",
    "家庭地址",
    "现住址",
    "现居住地",
    "居住地址",
    "户籍地址",
    "户籍所在地",
    "户口所在地",
    "户籍地",
    "住所地",
    "住所",
    "住址",
    "家住",
    "现住",
    "现居",
    "居住在",
    "居住于",
    "住在",
)
ADDRESS_ANCHORS = (*ADDRESS_CONTEXT_WORDS, "单元")
_ADDR_CONTEXT = re.compile(
    r"\s*[:：]?\s*"
    rf"(?P<addr>[\u4e00-\u9fa5A-Za-z0-9０-９\-－#（）()]{{2,40}}?{_NUM}{_UNIT}(?:[A-Za-z0-9０-９\-－]*{_NUM}{_UNIT})*)"
)
_PLACE_SUFFIX = re.compile(r"[省市县区镇乡村屯寨庄组路街道巷弄里苑园社区楼厦]")
_PLACE = r"[\u4e00-\u9fa5]"
_ADDR_UNIT = re.compile(
    rf"(?P<addr>{_PLACE}{{1,12}}?(?:小区|花园|花苑|家园|新村|公寓|宿舍|大院|社区|苑|庭|府|城|路|街|巷|弄|里)"
    rf"(?:{_NUM}号院?)?[ ]?{_NUM}(?:栋|幢|号楼|座|区)[ ]?{_NUM}单元[ ]?[0-9０-９]+(?:室|号|房)?)"
)
_ADDR_TRIM = re.compile(r"^.*[的在住于是和与及向到从对把被将了址]")


def id18_valid(number: str, *, today: datetime.date | None = None) -> bool:
    """True if *number* is an 18-character resident ID: province code, real birth date, GB 11643 check."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    number = number.upper()
    if number[:2] not in PROVINCE_CODES:
        return False
    if not _birth_date_ok(number[6:14], today):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def id15_valid(number: str, *, today: datetime.date | None = None) -> bool:
    """True if *number* is a 15-digit resident ID of the old kind (before 1999): 19YYMMDD birth date."""
    if len(number) != 15 or not number.isdigit() or number[:2] not in PROVINCE_CODES:
        return False
    return _birth_date_ok("19" + number[6:12], today)


def _birth_date_ok(yyyymmdd: str, today: datetime.date | None) -> bool:
    try:
        born = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= (today or datetime.date.today())


def luhn_valid(number: str) -> bool:
    if not number.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        if i & 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def bank_card_valid(number: str) -> bool:
    """16-19 digits, Luhn check passes, and an issuer prefix a card can have (2x/3x/4x/5x/6x/9x)."""
    if not 16 <= len(number) <= 19 or number[0] not in "234569":
        return False
    if number[0] == "2" and not ("22" <= number[:2] <= "27"):
        return False
    return luhn_valid(number)


def mobile_valid(number: str) -> bool:
    return len(number) == 11 and number[0] == "1" and number[1] in "3456789" and number.isdigit()


def mask(value: str, subkind: str) -> str:
    """The masked form to publish instead, e.g. ``138****5678``."""
    if subkind == MOBILE:
        return value[:3] + "****" + value[-4:]
    if subkind == EMAIL:
        local, _, domain = value.partition("@")
        return local[:1] + "***@" + domain
    keep = 4
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def _classify(digits: str, context: str, today: datetime.date | None, after: str = "") -> str | None:
    if after and after in _QUANTITY_AFTER:
        return None
    n = len(digits)
    if n == 18 and id18_valid(digits, today=today):
        return ID_CARD
    if n == 11 and mobile_valid(digits):
        return MOBILE
    if n == 15 and id15_valid(digits, today=today) and _personal_context(context):
        return "身份证号15"
    if 16 <= n <= 19 and bank_card_valid(digits) and _personal_context(context):
        if any(word in context for word in ORGANISATION_ACCOUNT_CONTEXT):
            return None
        return BANK_CARD
    return None


def _personal_context(context: str) -> bool:
    """False when the words just before say the number identifies a thing (编号, 订单号, …)."""
    near = context[-10:]
    return "身份" in near or "卡" in near or not any(word in near for word in NOT_PERSONAL_CONTEXT)


def _layout_ok(lengths: list[int]) -> bool:
    """Groupings in which a whole number is commonly written."""
    if lengths in ([3, 4, 4], [3, 8], [6, 8, 4]):
        return True
    if len(lengths) >= 4 and all(x == 4 for x in lengths[:-1]) and 1 <= lengths[-1] <= 4:
        return True
    return lengths in ([6, 13], [6, 12], [6, 10], [6, 11], [6, 7, 6])


def find_numbers(text: str, *, today: datetime.date | None = None) -> Iterator[Finding]:
    """Resident IDs (18 and 15 digits), mobile numbers and bank cards."""
    n = len(text)
    for m in _RUN.finditer(text):
        start, end = m.span()
        while text[end - 1] in " -":
            end -= 1
        if start and text[start - 1] in _ALNUM:
            continue  # glued to letters or digits: part of a code such as "DD2023..."
        if end < n and text[end] in _X:
            end += 1
        if end < n and text[end] in _ALNUM:
            continue
        norm = text[start:end].translate(_TO_ASCII)
        if norm[-1] == "X":
            norm = norm[:-1] + "9"  # keep the group together; the real character is checked below
        spans = [(start + g.start(), start + g.end()) for g in _GROUP.finditer(norm)]
        if not spans:
            continue
        groups = [text[s:e].translate(_TO_ASCII) for s, e in spans]
        if text[end - 1] in _X:
            groups[-1] = groups[-1][:-1] + "X"
        # country code before a mobile number: "+86 138 1234 5678", "86-13812345678"
        first = 0
        code_start = start
        if groups[0] == "86" and len(groups) > 1:
            first = 1
        elif norm.startswith("+"):
            if groups[0].startswith("86") and len(groups[0]) == 13:
                groups[0] = groups[0][2:]
                spans[0] = (spans[0][0] + 2, spans[0][1])
            elif groups[0] == "86" and len(groups) > 1:
                first = 1
        i = first
        while i < len(groups):
            for k in range(min(6, len(groups) - i), 0, -1):
                if k > 1 and not _layout_ok([len(g) for g in groups[i : i + k]]):
                    continue
                gstart, gend = spans[i][0], spans[i + k - 1][1]
                digits = "".join(groups[i : i + k])
                after = text[gend] if gend < n else ""
                subkind = _classify(digits, text[max(0, gstart - 40) : gstart], today, after)
                if subkind:
                    if subkind == MOBILE and i == first and (first or code_start != spans[0][0]):
                        gstart = code_start  # include the country code
                    yield _number_finding(text, gstart, gend, digits, subkind)
                    i += k
                    break
            else:
                i += 1


def _number_finding(text: str, start: int, end: int, digits: str, subkind: str) -> Finding:
    public = ID_CARD if subkind == "身份证号15" else subkind
    severity = BLOCKING if public in (ID_CARD, BANK_CARD) else WARNING
    return Finding(
        kind=PERSONAL_DATA,
        severity=severity,
        start=start,
        end=end,
        text=text[start:end],
        suggestion=mask(digits.upper(), public),
        rule=RULES[subkind],
        subkind=public,
    )


def find_emails(text: str, *, official_suffixes: tuple[str, ...] = (".gov.cn",)) -> Iterator[Finding]:
    if "@" not in text:
        return
    for m in _EMAIL.finditer(text):
        domain = m.group().rpartition("@")[2].lower()
        if any(domain == s.lstrip(".") or domain.endswith(s) for s in official_suffixes):
            continue
        yield Finding(
            kind=PERSONAL_DATA,
            severity=WARNING,
            start=m.start(),
            end=m.end(),
            text=m.group(),
            suggestion=mask(m.group(), EMAIL),
            rule=RULES[EMAIL],
            subkind=EMAIL,
        )


def find_addresses(text: str, anchors: list[tuple[int, int, str]] | None = None) -> Iterator[Finding]:
    """Home addresses: after 住址/家住/户籍地… down to a house number, or down to building-unit-room.

    *anchors* are the (start, end, word) occurrences of :data:`ADDRESS_ANCHORS` in *text*, as the
    checker's multi-pattern matcher finds them; without them the words are searched here.
    """
    if anchors is None:
        anchors = []
        for word in ADDRESS_ANCHORS:
            i = text.find(word)
            while i != -1:
                anchors.append((i, i + len(word), word))
                i = text.find(word, i + 1)
    if not anchors:
        return
    seen: list[tuple[int, int]] = []
    # context words ending at the same place ("现住址", "住址") are tried once
    context_ends = sorted({e for s, e, w in anchors if w != "单元" and not _organisation_seat(text, s, w)})
    for end in context_ends:
        m = _ADDR_CONTEXT.match(text, end)
        if not m:
            continue
        addr = m.group("addr")
        if not _PLACE_SUFFIX.search(addr[:-1]):
            continue
        start, stop = m.start("addr"), m.end("addr")
        if any(s <= start < e for s, e in seen):
            continue
        seen.append((start, stop))
        yield _address_finding(text, start, stop)
    for idx, _, word in sorted(anchors):
        if word != "单元":
            continue
        lo = max(0, idx - 30)
        window = text[lo : idx + 12]
        for m in _ADDR_UNIT.finditer(window):
            start, end = lo + m.start("addr"), lo + m.end("addr")
            if not start <= idx < end:
                continue
            trim = _ADDR_TRIM.match(text[start:end])
            if trim and trim.end() < end - start - 4:
                start += trim.end()
            if any(s <= start < e or start <= s < end for s, e in seen):
                continue
            seen.append((start, end))
            yield _address_finding(text, start, end)


_ORGANISATION_BEFORE_SEAT = (
    "公司",
    "企业",
    "单位",
    "机构",
    "机关",
    "法人",
    "注册",
    "经营",
    "社团",
    "协会",
    "中心",
)


def _organisation_seat(text: str, start: int, word: str) -> bool:
    """ "公司住所", "企业住所地": the registered seat of an organisation, not a person's home."""
    if not word.startswith("住所"):
        return False
    near = text[max(0, start - 6) : start]
    return any(w in near for w in _ORGANISATION_BEFORE_SEAT)


def _address_finding(text: str, start: int, end: int) -> Finding:
    return Finding(
        kind=PERSONAL_DATA,
        severity=WARNING,
        start=start,
        end=end,
        text=text[start:end],
        suggestion="删除或隐去门牌号、楼栋单元和房号",
        rule=RULES[ADDRESS],
        subkind=ADDRESS,
    )


def find_personal_data(text: str, *, today: datetime.date | None = None) -> list[Finding]:
    out = list(find_numbers(text, today=today))
    out.extend(find_emails(text))
    out.extend(find_addresses(text))
    return out
