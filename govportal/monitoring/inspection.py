"""The national self-inspection (政府网站与政务新媒体检查指标, 国办秘函〔2019〕19号), computed from the site's data.

:func:`inspect` returns a :class:`Report`: the 单项否决 indicators (any one ⇒ 不合格), each veto with its
evidence, the 扣分 part as far as the platform's data can score it (each deduction with its evidence), the
questions only a person can answer, and a forecast of the next veto if nothing is published.

Veto codes (``Veto.code``) and what the platform checks:

``homepage_stale``          no item on the main site dated within the 14 days before the inspection date
``columns_stale``           (1) 动态/要闻 columns not updated in 14 days + 通知公告/政策文件 一级栏目 (directly below
                            the home page) not updated in 6 months, together ≥ 5; or (2) columns overdue by their
                            own update frequency ≥ 10
``empty_columns``           columns without any item ≥ 5
``interaction_unanswered``  a valid letter received in the year before the date unanswered more than 3 months
``no_interaction``          no letter types configured, so no 咨询建言 channel works
``service_guide_incomplete`` a live 办事指南 missing a key element (设定依据、申请条件、办理材料)
``no_service``              no 办事服务: no live service guide and no link to the 政务服务平台
``unreachable``             uptime probes of the week before: ≥ 5% not open after 15 s (≥ 20 a day)
``serious_error``           an open 严重表述错误 finding of the latest text scan on a live page
``secret_leak``             an open 涉密标识 finding of the latest text scan on a live page
``tampered``                an open tampering alert

An item without a 发布日期 counts as not updated. Which columns are 动态/要闻 and which 通知公告/政策文件 is the
column's inspection group (``models.ColumnInspectionGroup``): from the profile's ``[inspection]`` table, else
guessed from the column's name until an administrator confirms it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from wagtail.models import Page, Site

from govportal.interaction.models import Letter, LetterState
from govportal.interaction.rules import letter_rules
from govportal.portal.models import HomePage, PortalSettings, ServiceGuidePage, SubsiteIndexPage
from govportal.rules.frequency import add_period

from . import freshness as fr
from .models import (
    Alert,
    AlertState,
    ColumnGroup,
    ColumnInspectionGroup,
    FindingKind,
    FindingStatus,
    GroupSource,
    InspectionRun,
    ProbeResult,
    ScanStatus,
    TextScanFinding,
    TextScanRun,
)

REFERENCE = "国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》"

INDICATORS = {
    "homepage_stale": "首页不更新：监测时间点前2周内首页无更新",
    "columns_stale": "栏目不更新",
    "empty_columns": "栏目不更新：空白栏目数量≥5个",
    "interaction_unanswered": "互动回应差：1年内政务咨询类留言超过3个月未回应",
    "no_interaction": "互动回应差：无有效的咨询建言渠道",
    "service_guide_incomplete": "服务不实用：办事指南缺少设定依据、申请条件、办理材料等要素",
    "no_service": "服务不实用：未提供办事服务",
    "unreachable": "站点无法访问：1周内超过15秒仍无法打开的比例累计≥5%",
    "serious_error": "安全、泄密事故等严重问题：出现严重表述错误",
    "secret_leak": "安全、泄密事故等严重问题：泄露国家秘密",
    "tampered": "安全、泄密事故等严重问题：网页被篡改",
}
COLUMNS_GROUP_INDICATOR = (
    "栏目不更新：动态、要闻类栏目2周内未更新与通知公告、政策文件类一级栏目6个月内未更新的数量累计≥5个"
)
COLUMNS_OVERDUE_INDICATOR = "栏目不更新：应更新但长期未更新的栏目数量≥10个"

HOMEPAGE_DAYS = 14
NEWS_DAYS = 14
NOTICE_MONTHS = 6
GROUP_LIMIT = 5
OVERDUE_LIMIT = 10
EMPTY_LIMIT = 5
UNANSWERED_MONTHS = 3
PROBE_SLOW_SHARE = 0.05
PROBE_MIN_PER_DAY = 20
KEY_GUIDE_ELEMENTS = ("basis", "conditions", "materials")

_NEWS = re.compile(r"动态|要闻|新闻|资讯|头条|快讯|图片新闻|工作信息")
_NOTICE = re.compile(r"通知|公告|公示|政策文件|政府文件|部门文件|规范性文件|文件")
_NOT_NEWS = re.compile(r"发布会|发言人|新闻办")
_NOT_NOTICE = re.compile(r"解读|指南|目录|年报|报告")


# --- column groups ------------------------------------------------------------------------------------


def guess_group(title: str) -> str:
    """A guess from the column's name: 动态/要闻 → news; 通知公告/政策文件 → notice; otherwise other."""
    if _NEWS.search(title) and not _NOT_NEWS.search(title):
        return ColumnGroup.NEWS
    if _NOTICE.search(title) and not _NOT_NOTICE.search(title):
        return ColumnGroup.NOTICE
    return ColumnGroup.OTHER


def _profile_groups(locality: str) -> dict[tuple[str, ...], str]:
    profile = fr._profile(locality)
    if profile is None:
        return {}
    section = profile.sections.get("inspection") or {}
    out: dict[tuple[str, ...], str] = {}
    for key, group in (("news_columns", ColumnGroup.NEWS), ("notice_columns", ColumnGroup.NOTICE)):
        for p in section.get(key) or []:
            out[tuple(x.strip() for x in str(p).split("/") if x.strip())] = group
    return out


def ensure_groups(home: Page, statuses: list[fr.ColumnStatus]) -> dict[int, ColumnInspectionGroup]:
    """The inspection group of every column in ``statuses``; columns without one get the profile's group
    (confirmed) or a guess from their name (to be confirmed by an administrator)."""
    locality = getattr(home.specific, "locality", "") or ""
    table = _profile_groups(locality)
    ids = [s.column.pk for s in statuses]
    existing = {g.page_id: g for g in ColumnInspectionGroup.objects.filter(page_id__in=ids)}
    new = []
    for s in statuses:
        if s.column.pk in existing:
            g = existing[s.column.pk]
            if g.source == GroupSource.GUESS and s.path_titles in table and table[s.path_titles] != g.group:
                g.group, g.source = table[s.path_titles], GroupSource.PROFILE
                g.save(update_fields=["group", "source"])
            continue
        if s.path_titles in table:
            g = ColumnInspectionGroup(
                page_id=s.column.pk, group=table[s.path_titles], source=GroupSource.PROFILE
            )
        else:
            g = ColumnInspectionGroup(
                page_id=s.column.pk, group=guess_group(s.column.title), source=GroupSource.GUESS
            )
        new.append(g)
        existing[s.column.pk] = g
    if new:
        ColumnInspectionGroup.objects.bulk_create(new, ignore_conflicts=True)
    return existing


# --- the report ---------------------------------------------------------------------------------------


@dataclass
class Veto:
    code: str
    indicator: str
    evidence: list[dict]

    def to_json(self) -> dict:
        return {"code": self.code, "indicator": self.indicator, "evidence": self.evidence}


@dataclass
class Deduction:
    indicator: str
    points: int
    evidence: list[dict]
    category: str = ""

    def to_json(self) -> dict:
        return {"indicator": self.indicator, "points": self.points, "evidence": self.evidence}


@dataclass
class Report:
    site: str
    locality: str
    at: date
    vetoes: list[Veto] = field(default_factory=list)
    deductions: list[Deduction] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)  # every veto indicator: met or not, with figures
    forecast: list[dict] = field(default_factory=list)

    @property
    def score(self) -> int:
        return max(0, 100 - sum(d.points for d in self.deductions))

    @property
    def verdict(self) -> str:
        return "不合格" if self.vetoes or self.score < 60 else "合格"

    def to_json(self) -> dict:
        """Exactly the shape ``govportal inspect --json`` prints."""
        return {
            "site": self.site,
            "at": self.at.isoformat(),
            "verdict": self.verdict,
            "vetoes": [v.to_json() for v in self.vetoes],
            "score": self.score,
            "deductions": [d.to_json() for d in self.deductions],
        }


def _days(a: date, b: date) -> int:
    return (b - a).days


def _end_of(day: date):
    return timezone.make_aware(datetime.combine(day, time.max))


def _public(url_path: str) -> str:
    """The path on the public site ("/qinzhou/glqz/" → "/glqz/"): Wagtail's url_path starts with the home slug."""
    parts = url_path.split("/")
    return "/" + "/".join(parts[2:]) if len(parts) > 2 else url_path


def _short_units(s: fr.ColumnStatus) -> str:
    names = [u.name for u in s.units]
    return "、".join(names) if len(names) <= 5 else "、".join(names[:5]) + f"等{len(names)}个单位"


def _column_ev(s: fr.ColumnStatus, at: date, **extra) -> dict:
    ev = {
        "column": s.title,
        "page_id": s.column.pk,
        "url": _public(s.column.url_path),
        "units": _short_units(s),
        "last_update": s.last_update.isoformat() if s.last_update else None,
        "days_since_update": _days(s.last_update, at) if s.last_update else None,
    }
    if s.last_item is not None:
        ev["last_item"] = s.last_item.title
        ev["last_item_id"] = s.last_item.page_id
    if s.undated:
        ev["undated_items"] = [i.title for i in s.undated[:10]]
    ev.update(extra)
    return ev


def site_for(hostname: str | None) -> tuple[Site, Page]:
    """The Wagtail site (by hostname, else the default one) and its home page; LookupError with a Chinese
    message naming the known hostnames when there is none."""
    qs = Site.objects.select_related("root_page")
    site = qs.filter(hostname=hostname).first() if hostname else qs.filter(is_default_site=True).first()
    if site is None:
        known = "、".join(qs.values_list("hostname", flat=True)) or "无"
        raise LookupError(f"没有主机名为“{hostname}”的网站。已有网站：{known}")
    return site, site.root_page.specific


def inspect(home: Page, at: date | None = None, *, site_name: str = "") -> Report:
    """The inspection's conclusion about the site of ``home`` as of ``at`` (default today)."""
    at = at or timezone.localdate()
    locality = getattr(home, "locality", "") or ""
    if not site_name:
        site = Site.objects.filter(root_page=home).first()
        site_name = site.hostname if site else home.title
    report = Report(site=site_name, locality=locality, at=at)
    statuses = fr.column_statuses(home, at, include_subsites=False)
    groups = ensure_groups(home, statuses)
    _homepage(report, home, at)
    _columns(report, statuses, groups, at)
    _interaction(report, locality, at)
    _service(report, home)
    _availability(report, locality, at)
    _security(report, home, locality)
    _deductions(report, home, statuses, groups, locality, at)
    _forecast(report, statuses, groups, at)
    return report


def _check(report: Report, code: str, met: bool, figure: str, indicator: str | None = None) -> None:
    report.checks.append(
        {"code": code, "indicator": indicator or INDICATORS[code], "met": met, "figure": figure}
    )


def _homepage(report: Report, home: Page, at: date) -> None:
    subsites = list(SubsiteIndexPage.objects.child_of(home).values_list("path", flat=True))
    items = [
        i
        for i in fr.site_items(home)
        if i.day is not None and i.day <= at and not any(i.path.startswith(p) for p in subsites)
    ]
    last = max(items, key=lambda i: i.day, default=None)
    days = _days(last.day, at) if last else None
    stale = last is None or days > HOMEPAGE_DAYS
    if last is None:
        figure = "全站没有注明发布日期的信息"
    else:
        figure = f"最近更新 {last.day:%Y-%m-%d}（{days} 天前）"
    _check(report, "homepage_stale", stale, figure)
    if stale:
        ev = {"last_update": last.day.isoformat() if last else None, "days_since_update": days}
        if last:
            ev.update({"last_item": last.title, "last_item_id": last.page_id, "url": _public(last.url_path)})
        report.vetoes.append(Veto("homepage_stale", INDICATORS["homepage_stale"], [ev]))


def _is_news_stale(s: fr.ColumnStatus, at: date) -> bool:
    return s.last_update is None or _days(s.last_update, at) > NEWS_DAYS


def _is_notice_stale(s: fr.ColumnStatus, at: date) -> bool:
    return s.last_update is None or add_period(s.last_update, NOTICE_MONTHS, "month") < at


def _group_members(statuses, groups):
    news, notice = [], []
    for s in statuses:
        if s.is_external:
            continue
        g = groups.get(s.column.pk)
        if g is None:
            continue
        if g.group == ColumnGroup.NEWS and not s.is_container:
            news.append(s)
        elif g.group == ColumnGroup.NOTICE and s.level == 1:
            notice.append(s)
    return news, notice


def _columns(report: Report, statuses, groups, at: date) -> None:
    news, notice = _group_members(statuses, groups)
    ev = [_column_ev(s, at, group="动态、要闻类", limit="2周") for s in news if _is_news_stale(s, at)] + [
        _column_ev(s, at, group="通知公告、政策文件类一级栏目", limit="6个月")
        for s in notice
        if _is_notice_stale(s, at)
    ]
    for e in ev:
        g = groups.get(e["page_id"])
        e["group_confirmed"] = bool(g and g.confirmed)
    met = len(ev) >= GROUP_LIMIT
    _check(report, "columns_stale", met, f"{len(ev)} 个（≥{GROUP_LIMIT} 个即否决）", COLUMNS_GROUP_INDICATOR)
    if met:
        report.vetoes.append(Veto("columns_stale", COLUMNS_GROUP_INDICATOR, ev))

    overdue = [s for s in statuses if s.state == fr.OVERDUE]
    ev2 = [
        _column_ev(
            s, at, rule=s.rule, due=s.due.isoformat() if s.due else None, overdue_since=str(s.since or "")
        )
        for s in overdue
    ]
    met2 = len(ev2) >= OVERDUE_LIMIT
    _check(
        report,
        "columns_stale",
        met2,
        f"{len(ev2)} 个（≥{OVERDUE_LIMIT} 个即否决）",
        COLUMNS_OVERDUE_INDICATOR,
    )
    if met2:
        report.vetoes.append(Veto("columns_stale", COLUMNS_OVERDUE_INDICATOR, ev2))

    empty = [s for s in statuses if s.state == fr.EMPTY]
    ev3 = [_column_ev(s, at, since=str(s.since or "")) for s in empty]
    met3 = len(ev3) >= EMPTY_LIMIT
    _check(report, "empty_columns", met3, f"{len(ev3)} 个（≥{EMPTY_LIMIT} 个即否决）")
    if met3:
        report.vetoes.append(Veto("empty_columns", INDICATORS["empty_columns"], ev3))


def _interaction(report: Report, locality: str, at: date) -> None:
    from django.urls import NoReverseMatch, reverse

    try:
        types = letter_rules(locality).types
    except Exception:
        types = []
    try:
        url = reverse("interaction:write")
    except NoReverseMatch:
        url = ""
    ok = bool(types) and bool(url)
    _check(
        report,
        "no_interaction",
        not ok,
        f"信件类型 {len(types)} 种" + (f"，写信入口 {url}" if url else "，无写信入口"),
    )
    if not ok:
        report.vetoes.append(
            Veto(
                "no_interaction",
                INDICATORS["no_interaction"],
                [{"letter_types": [t.name for t in types], "write_url": url}],
            )
        )
    start = add_period(at, -1, "year")
    letters = (
        Letter.objects.filter(locality=locality, received_at__gte=_end_of(start - timedelta(days=1)))
        .filter(received_at__lte=_end_of(at))
        .exclude(state__in=[LetterState.REJECTED, LetterState.MERGED])
        .exclude(type_name__contains="信访")
        .exclude(type_name__contains="纪检")
        .order_by("received_at")
    )
    ev = []
    for letter in letters.iterator():
        received = timezone.localtime(letter.received_at).date()
        limit = add_period(received, UNANSWERED_MONTHS, "month")
        answered = timezone.localtime(letter.concluded_at).date() if letter.concluded_at else None
        if answered is not None and answered > at:
            answered = None
        end = answered or at
        if end > limit:
            ev.append(
                {
                    "letter_id": letter.pk,
                    "query_code": letter.query_code,
                    "subject": letter.subject,
                    "type": letter.type_name,
                    "received": received.isoformat(),
                    "answered": answered.isoformat() if answered else None,
                    "days": _days(received, end),
                    "unit": letter.lead_unit.name if letter.lead_unit_id else "",
                }
            )
    _check(report, "interaction_unanswered", bool(ev), f"超过3个月未回应 {len(ev)} 件")
    if ev:
        report.vetoes.append(Veto("interaction_unanswered", INDICATORS["interaction_unanswered"], ev))


def _service(report: Report, home: Page) -> None:
    guides = list(ServiceGuidePage.objects.descendant_of(home).live())
    site = Site.objects.filter(root_page=home).first()
    platform = PortalSettings.for_site(site).service_platform_url if site else ""
    has = bool(guides) or bool(platform)
    _check(
        report,
        "no_service",
        not has,
        f"办事指南 {len(guides)} 项" + ("，已链接政务服务平台" if platform else ""),
    )
    if not has:
        report.vetoes.append(
            Veto("no_service", INDICATORS["no_service"], [{"service_guides": 0, "platform_url": ""}])
        )
    labels = dict(ServiceGuidePage.REQUIRED_ELEMENTS)
    ev = []
    for g in guides:
        missing = [
            labels[k] for k in KEY_GUIDE_ELEMENTS if not ServiceGuidePage.element_filled(getattr(g, k, None))
        ]
        if missing:
            ev.append({"title": g.title, "page_id": g.pk, "url": _public(g.url_path), "missing": missing})
    _check(report, "service_guide_incomplete", bool(ev), f"缺少关键要素的办事指南 {len(ev)} 项")
    if ev:
        report.vetoes.append(Veto("service_guide_incomplete", INDICATORS["service_guide_incomplete"], ev))


def availability(locality: str, at: date) -> dict:
    """The week before ``at`` (7 days ending on it) as the inspection counts it: probes, probes not open
    within 15 s, their share, and the days with fewer than 20 probes."""

    start = at - timedelta(days=6)
    qs = ProbeResult.objects.filter(
        target__locality=locality, at__gte=_end_of(start - timedelta(days=1)), at__lte=_end_of(at)
    )
    total = qs.count()
    failed = qs.filter(ok=False).count()
    per_day: dict[date, int] = {}
    for t in qs.values_list("at", flat=True):
        d = timezone.localtime(t).date()
        per_day[d] = per_day.get(d, 0) + 1
    thin = [
        (start + timedelta(days=i)).isoformat()
        for i in range(7)
        if per_day.get(start + timedelta(days=i), 0) < PROBE_MIN_PER_DAY
    ]
    return {
        "from": start.isoformat(),
        "to": at.isoformat(),
        "probes": total,
        "failed": failed,
        "share": (failed / total) if total else None,
        "thin_days": thin,
    }


def _availability(report: Report, locality: str, at: date) -> None:

    a = availability(locality, at)
    if not a["probes"]:
        _check(report, "unreachable", False, "未配置或未运行可用性监测（govportal probe），无法判断")
        report.questions.append(
            "一周内没有可用性监测记录：请运行 govportal probe（宜在另一台机器上）后再判断“站点无法访问”。"
        )
        return
    share = a["share"]
    met = share >= PROBE_SLOW_SHARE
    _check(report, "unreachable", met, f"{a['failed']}/{a['probes']} 次未能在15秒内打开（{share:.1%}）")
    if a["thin_days"]:
        report.questions.append(
            f"以下日期监测少于{PROBE_MIN_PER_DAY}次，可用性数据不足：{'、'.join(a['thin_days'])}"
        )
    if met:
        failures = (
            ProbeResult.objects.filter(target__locality=locality, ok=False, at__lte=_end_of(at))
            .filter(at__gte=_end_of(at - timedelta(days=7)))
            .select_related("target")[:50]
        )
        ev = [
            {
                "summary": f"{a['from']} 至 {a['to']}：{a['failed']}/{a['probes']} 次（{share:.1%}）",
                "probes": a["probes"],
                "failed": a["failed"],
            }
        ] + [
            {
                "url": f.target.url,
                "at": timezone.localtime(f.at).isoformat(timespec="seconds"),
                "status": f.status,
                "error": f.error,
            }
            for f in failures
        ]
        report.vetoes.append(Veto("unreachable", INDICATORS["unreachable"], ev))


def _security(report: Report, home: Page, locality: str) -> None:

    run = (
        TextScanRun.objects.filter(locality=locality, status=ScanStatus.DONE).order_by("-finished_at").first()
    )
    found = {"serious_error": [], "secret_leak": []}
    if run is not None:
        qs = (
            TextScanFinding.objects.filter(run=run, status=FindingStatus.OPEN, page__live=True)
            .filter(kind__in=[FindingKind.EXPRESSION, FindingKind.SECRET], severity="blocking")
            .select_related("page", "unit")
        )
        for f in qs:
            code = "secret_leak" if f.kind == FindingKind.SECRET else "serious_error"
            found[code].append(
                {
                    "page": f.page.title,
                    "page_id": f.page_id,
                    "url": _public(f.page.url_path),
                    "text": f.text,
                    "rule": f.rule,
                    "unit": f.unit.name if f.unit else "",
                    "scan": run.pk,
                }
            )
    else:
        report.questions.append(
            "尚未完成全站错敏信息扫描：请先运行 govportal textcheck-site 再判断严重表述错误和泄密。"
        )
    for code, ev in found.items():
        _check(report, code, bool(ev), f"最近一次扫描待整改 {len(ev)} 处" if run else "无扫描结果")
        if ev:
            report.vetoes.append(Veto(code, INDICATORS[code], ev))
    tampered = Alert.objects.filter(locality=locality, kind="tampering").exclude(state=AlertState.RESOLVED)
    ev = [
        {"subject": a.subject, "url": a.url, "first_seen": a.first_seen.isoformat(), "alert_id": a.pk}
        for a in tampered
    ]
    _check(report, "tampered", bool(ev), f"未处置的篡改告警 {len(ev)} 条")
    if ev:
        report.vetoes.append(Veto("tampered", INDICATORS["tampered"], ev))


# --- 扣分 ---------------------------------------------------------------------------------------------


def _deductions(report: Report, home: Page, statuses, groups, locality: str, at: date) -> None:

    # 发布解读：政策文件类一级栏目6个月未更新 −5 (国管局2019Q2 self-check)
    policy = [
        s
        for s in statuses
        if s.level == 1
        and "文件" in s.column.title
        and (g := groups.get(s.column.pk)) is not None
        and g.group == ColumnGroup.NOTICE
        and _is_notice_stale(s, at)
    ]
    if policy:
        report.deductions.append(
            Deduction(
                "发布解读：政策文件类一级栏目6个月内未更新",
                5,
                [_column_ev(s, at) for s in policy],
                "发布解读",
            )
        )
    # 互动交流：留言答复2个月未更新 −3
    since = _end_of(add_period(at, -2, "month"))
    published = Letter.objects.filter(
        locality=locality, published_at__gt=since, published_at__lte=_end_of(at)
    )
    if not published.exists():
        last = (
            Letter.objects.filter(locality=locality, published_at__lte=_end_of(at))
            .order_by("-published_at")
            .first()
        )
        report.deductions.append(
            Deduction(
                "互动交流：超过2个月未公开留言及答复",
                3,
                [
                    {
                        "last_published": timezone.localtime(last.published_at).date().isoformat()
                        if last
                        else None,
                        "subject": last.public_subject or last.subject if last else "",
                    }
                ],
                "互动交流",
            )
        )
    # 办事服务：办事统计数据3个月未更新 −2 (a column named 办事统计/办件统计, if the site has one)
    stats = [s for s in statuses if re.search(r"办件|办事统计|办理统计", s.column.title)]
    stale_stats = [s for s in stats if s.last_update is None or add_period(s.last_update, 3, "month") < at]
    if stale_stats:
        report.deductions.append(
            Deduction(
                "办事服务：办事统计数据3个月内未更新", 2, [_column_ev(s, at) for s in stale_stats], "办事服务"
            )
        )
    unconfirmed = sum(1 for g in groups.values() if not g.confirmed and g.group != ColumnGroup.OTHER)
    if unconfirmed:
        report.questions.append(
            f"有 {unconfirmed} 个栏目的检查分组（动态要闻类／通知公告政策文件类）是按名称推测的，请网站管理员在“栏目检查分组”中确认。"
        )
    report.questions += [
        "发布解读：政策文件与解读是否关联、解读形式是否多样、回应关切是否及时（需人工判断）。",
        "办事服务：办事指南内容是否准确、在线办理是否可用（需人工判断）。",
        "互动交流：答复质量是否合格、是否存在敷衍答复（需人工判断）。",
        "功能设计：网站标识、域名、IPv6 改造、搜索结果是否分类展现（需人工核对；链接可用性扣分值未核实，未计分）。",
    ]


# --- forecast -----------------------------------------------------------------------------------------


def _forecast(report: Report, statuses, groups, at: date) -> None:
    """If nothing is published from ``at`` on: when the 动态要闻 group reaches 5 and the overdue count 10."""
    news, notice = _group_members(statuses, groups)
    now_stale, future = [], []
    for s in news:
        if _is_news_stale(s, at):
            now_stale.append(s)
        else:
            future.append((s.last_update + timedelta(days=NEWS_DAYS + 1), s))
    for s in notice:
        if _is_notice_stale(s, at):
            now_stale.append(s)
        else:
            future.append((add_period(s.last_update, NOTICE_MONTHS, "month") + timedelta(days=1), s))
    future.sort(key=lambda x: (x[0], x[1].column.path))
    if len(now_stale) < GROUP_LIMIT and len(now_stale) + len(future) >= GROUP_LIMIT:
        need = GROUP_LIMIT - len(now_stale)
        day = future[need - 1][0]
        cols = [s.title for d, s in future if d <= day]
        report.forecast.append(
            {
                "code": "columns_stale",
                "date": day.isoformat(),
                "columns": cols,
                "text": f"如不再发布信息，{day.month}月{day.day}日起{'、'.join('“' + c + '”' for c in cols)}"
                f"这 {len(cols)} 个栏目将使动态要闻类与通知公告类未更新栏目达到 {GROUP_LIMIT} 个，触发单项否决",
            }
        )
    overdue = [s for s in statuses if s.state == fr.OVERDUE]
    upcoming = sorted(
        ((s.due + timedelta(days=1), s) for s in statuses if s.state in (fr.FRESH, fr.DUE_SOON) and s.due),
        key=lambda x: (x[0], x[1].column.path),
    )
    if len(overdue) < OVERDUE_LIMIT and len(overdue) + len(upcoming) >= OVERDUE_LIMIT:
        need = OVERDUE_LIMIT - len(overdue)
        day = upcoming[need - 1][0]
        cols = [s.title for d, s in upcoming if d <= day]
        report.forecast.append(
            {
                "code": "columns_stale",
                "date": day.isoformat(),
                "columns": cols,
                "text": f"如不再发布信息，{day.month}月{day.day}日起{'、'.join('“' + c + '”' for c in cols)}"
                f"这 {len(cols)} 个栏目超期后，超期栏目将达到 {OVERDUE_LIMIT} 个，触发单项否决",
            }
        )
    homepage = next((c for c in report.checks if c["code"] == "homepage_stale"), None)
    if homepage and not homepage["met"]:
        last = max((s.last_update for s in statuses if s.last_update), default=None)
        if last:
            day = last + timedelta(days=HOMEPAGE_DAYS + 1)
            report.forecast.append(
                {
                    "code": "homepage_stale",
                    "date": day.isoformat(),
                    "columns": [],
                    "text": f"如不再发布信息，{day.month}月{day.day}日起首页将2周无更新，触发单项否决",
                }
            )
    report.forecast.sort(key=lambda f: f["date"])


# --- history ------------------------------------------------------------------------------------------


def run_and_keep(home: Page, at: date | None = None) -> tuple[Report, object]:
    """Inspect and keep the result as the run of that day (a later run the same day replaces it)."""

    report = inspect(home, at)
    data = report.to_json()
    data["questions"] = report.questions
    data["checks"] = report.checks
    data["forecast"] = report.forecast
    run, _ = InspectionRun.objects.update_or_create(
        locality=report.locality,
        at=report.at,
        defaults={
            "site": report.site,
            "verdict": report.verdict,
            "score": report.score,
            "result": data,
            "created_at": timezone.now(),
        },
    )
    return report, run


def scheduled_inspection() -> str:
    """Periodic job: today's self-inspection of every site, kept as the day's run."""

    parts = []
    for home in HomePage.objects.live():
        report, _ = run_and_keep(home)
        codes = "、".join(sorted({v.code for v in report.vetoes})) or "无否决项"
        parts.append(f"{report.site}：{report.verdict}（{codes}，扣分项 {report.score} 分）")
    return "；".join(parts) or "没有网站"
