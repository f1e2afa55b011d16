"""The figures of the 政府网站工作年度报表 the platform holds, for one site (the portal or a sub-site) and
one year, and the whole national table with what people typed in (``website_table``).

Counting rules (each figure says where it comes from, shown next to it in the back office):

- an item counts for the year when its 发布日期 (``date``) falls in the year and it is published (live);
- a site's items are the pages below its home page; the portal's exclude the sub-sites';
- 概况类: organisation and leader pages, and items of columns whose title has a word of the profile's
  ``overview_columns`` (platform's choice: 概况、简介、机构、领导、职能); 政务动态: items of columns in the
  inspection's 动态、要闻 group (``govportal.monitoring``: confirmed group, else guessed from the title);
  信息公开目录: items with an index number (the disclosure catalogue);
- letters: the letter statistics of ``govportal.interaction.stats`` (the portal: every letter of the
  locality, the one mailbox; a sub-site: letters its unit led), average time in working days;
- security: the monitoring's check runs (self-inspection, text scan, link check) and its outage and
  tampering alerts; the security log's lockouts and refused actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import Q

from govportal.accounts.models import EventKind, SecurityEvent
from govportal.interaction.stats import letter_stats
from govportal.monitoring.inspection import guess_group
from govportal.monitoring.models import (
    Alert,
    AlertState,
    ColumnGroup,
    ColumnInspectionGroup,
    InspectionRun,
    LinkCheckRun,
    ScanStatus,
    TextScanRun,
)
from govportal.monitoring.textcheck import locality_of
from govportal.participation.models import (
    ConsultationComment,
    ConsultationPage,
    InterviewPage,
    InterviewQuestion,
    QuestionState,
    SurveyAnswer,
    SurveyPage,
)
from govportal.portal.columns import home_for
from govportal.portal.models import (
    ITEM_KINDS,
    HomePage,
    InterpretationKind,
    InterpretationPage,
    LeaderProfilePage,
    OrganisationPage,
    PortalSettings,
    ServiceGuidePage,
    SpecialTopicPage,
    SubsiteHomePage,
)

from .models import WebsiteReport
from .rules import annual_rules

SHANGHAI = ZoneInfo("Asia/Shanghai")
SECURITY_ALERT_KINDS = ("tampering", "outage")


@dataclass
class Figure:
    key: str
    label: str
    value: object
    source: str = ""  # where the platform took it from ("" = typed in by the unit)
    typed: bool = False


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)

    def add(self, key, label, value, source="", typed=False):
        self.figures.append(Figure(key, label, value, source, typed))


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return (
        datetime.combine(datetime(year, 1, 1), time.min, tzinfo=SHANGHAI),
        datetime.combine(datetime(year + 1, 1, 1), time.min, tzinfo=SHANGHAI),
    )


def item_models():
    return [apps.get_model(dotted) for dotted in ITEM_KINDS]


def site_locality(site) -> str:
    return getattr(site, "locality", "") or locality_of(site)


def sites_of(locality: str) -> list:
    """The sites of the platform: the portal's home page, then every live sub-site."""

    home = home_for(locality)
    if home is None:
        return []
    subsites = SubsiteHomePage.objects.live().descendant_of(home).select_related("unit").order_by("path")
    return [home, *subsites]


def is_portal(site) -> bool:
    return isinstance(site.specific, HomePage)


def site_unit(site):
    return getattr(site.specific, "unit", None)


def _in_site(qs, site):
    qs = qs.filter(path__startswith=site.path).exclude(pk=site.pk)
    if is_portal(site):
        for sub_path in SubsiteHomePage.objects.filter(path__startswith=site.path).values_list(
            "path", flat=True
        ):
            qs = qs.exclude(path__startswith=sub_path)
    return qs


def items_of(site, year: int, model=None):
    """Live items of ``site`` (of ``model``, or of every item kind) dated in ``year``: a list of querysets."""
    start, end = year_bounds(year)
    models_ = [model] if model is not None else item_models()
    return [_in_site(m.objects.live(), site).filter(date__gte=start, date__lt=end) for m in models_]


def _count(querysets) -> int:
    return sum(qs.count() for qs in querysets)


def _column_groups(parent_paths: set[str], overview_words: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """Of the given column paths: those of 概况类 columns and those of 动态、要闻 columns."""
    from wagtail.models import Page

    pages = list(Page.objects.filter(path__in=parent_paths).values_list("pk", "path", "title"))
    confirmed = dict(
        ColumnInspectionGroup.objects.filter(page_id__in=[pk for pk, _, _ in pages]).values_list(
            "page_id", "group"
        )
    )
    overview, news = set(), set()
    for pk, path, title in pages:
        if any(word in title for word in overview_words):
            overview.add(path)
        if confirmed.get(pk, guess_group(title)) == ColumnGroup.NEWS:
            news.add(path)
    return overview, news


def site_figures(site, year: int) -> list[Section]:
    """Every figure of the national form the platform holds, for ``site`` and ``year``."""

    locality = site_locality(site)
    rules = annual_rules(locality)
    start, end = year_bounds(year)
    portal = is_portal(site)
    unit = None if portal else site_unit(site)

    # 信息发布
    sections: list[Section] = []
    info = Section("信息发布")
    all_items = items_of(site, year)
    rows = [row for qs in all_items for row in qs.values("path", "index_number")]
    parents = {r["path"][:-4] for r in rows}
    overview_cols, news_cols = _column_groups(parents, rules.overview_columns)
    profile_pages = {
        p
        for m in (OrganisationPage, LeaderProfilePage)
        for qs in items_of(site, year, m)
        for p in qs.values_list("path", flat=True)
    }
    info.add("info_total", "信息发布总数（条）", len(rows), "本年发布日期在本年度、已发布的全部信息")
    info.add(
        "info_overview",
        "概况类信息（条）",
        sum(1 for r in rows if r["path"] in profile_pages or r["path"][:-4] in overview_cols),
        "机构、领导信息页及名称含“" + "、".join(rules.overview_columns) + "”的栏目中的信息",
    )
    info.add(
        "info_news",
        "政务动态信息（条）",
        sum(1 for r in rows if r["path"][:-4] in news_cols),
        "“动态、要闻类”栏目中的信息（栏目检查分组）",
    )
    info.add(
        "info_catalogue",
        "信息公开目录信息（条）",
        sum(1 for r in rows if r["index_number"]),
        "有索引号、编入政府信息公开目录的信息",
    )
    sections.append(info)

    # 专栏专题
    topics = Section("专栏专题")
    kept = _in_site(SpecialTopicPage.objects.live(), site).filter(date__lt=end)
    topics.add("topics_kept", "维护数量（个）", kept.count(), "发布日期在本年末以前、在线的专题")
    topics.add(
        "topics_new",
        "新开设数量（个）",
        _count(items_of(site, year, SpecialTopicPage)),
        "发布日期在本年度的专题",
    )
    sections.append(topics)

    # 解读回应
    interp = Section("解读回应")
    iqs = items_of(site, year, InterpretationPage)[0]
    products = [
        InterpretationKind.GRAPHIC,
        InterpretationKind.AUDIO,
        InterpretationKind.VIDEO,
        InterpretationKind.ANIMATION,
        InterpretationKind.INTERVIEW,
    ]
    interp.add("interp_total", "解读信息发布总数（条）", iqs.count(), "本年发布的政策解读")
    interp.add(
        "interp_material",
        "其中：解读材料数量（条）",
        iqs.filter(form=InterpretationKind.TEXT).count(),
        "文字解读",
    )
    interp.add(
        "interp_product",
        "其中：解读产品数量（个）",
        iqs.filter(form__in=products).count(),
        "图表图解、音频、视频、动漫解读和专家访谈",
    )
    interp.add(
        "interp_media",
        "其中：媒体评论数量（篇）",
        iqs.filter(form=InterpretationKind.COMMENTARY).count(),
        "媒体评论",
    )
    sections.append(interp)

    # 办事服务
    service = Section("办事服务")
    guides = _in_site(ServiceGuidePage.objects.live(), site).filter(date__lt=end)
    service.add(
        "service_catalogue", "是否发布服务事项目录", "是" if guides.exists() else "否", "本站在线的办事指南"
    )
    service.add("service_items", "服务事项数量（项）", guides.count(), "发布日期在本年末以前、在线的办事指南")
    service.add(
        "service_online",
        "可全程在线办理政务服务事项数量（项）",
        guides.exclude(online_url="").count(),
        "填有网上办理地址的办事指南",
    )
    sections.append(service)

    # 互动交流
    talk = Section("互动交流")
    stats = letter_stats(locality, year, unit=unit)
    talk.add("talk_platform", "是否使用统一平台", "是", "集约化平台统一的政民互动信箱")
    mailbox = "本地区全部来信" if portal else "本单位主办的来信"
    talk.add(
        "letters_received", "留言办理：收到留言数量（条）", stats.total.received, mailbox + "，按来信时间"
    )
    talk.add(
        "letters_concluded", "留言办理：办结留言数量（条）", stats.total.concluded, mailbox + "中已办结的"
    )
    talk.add(
        "letters_avg_days",
        "留言办理：平均办理时间（工作日）",
        stats.total.avg_workdays,
        "期限起算日至办结日的工作日数的平均值",
    )
    talk.add("letters_published", "留言办理：公开答复数量（条）", stats.published, mailbox + "中已公开的")
    surveys = items_of(site, year, SurveyPage)[0]
    consults = items_of(site, year, ConsultationPage)[0]
    talk.add(
        "surveys",
        "征集调查：征集调查期数（期）",
        surveys.count() + consults.count(),
        "本年发布的调查征集和意见征集",
    )
    talk.add(
        "survey_opinions",
        "征集调查：收到意见数量（条）",
        SurveyAnswer.objects.filter(survey__in=surveys).count()
        + ConsultationComment.objects.filter(page__in=consults).count(),
        "问卷答卷和收到的意见",
    )
    talk.add(
        "surveys_published",
        "征集调查：公布调查结果期数（期）",
        surveys.filter(results_published=True).count() + consults.filter(feedback_published=True).count(),
        "已公布结果或意见采纳情况的",
    )
    interviews = items_of(site, year, InterviewPage)[0]
    questions = InterviewQuestion.objects.filter(page__in=interviews)
    talk.add("interviews", "在线访谈：访谈期数（期）", interviews.count(), "本年发布的在线访谈")
    talk.add("interview_questions", "在线访谈：网民留言数量（条）", questions.count(), "网民提问")
    talk.add(
        "interview_answers",
        "在线访谈：答复网民提问数量（条）",
        questions.filter(status__in=[QuestionState.ANSWERED_LIVE, QuestionState.ANSWERED_AFTER]).count(),
        "访谈中或会后已答复的提问",
    )
    sections.append(talk)

    # 安全防护
    sections.append(security_section(locality, year, unit))
    return sections


def security_section(locality: str, year: int, unit=None) -> Section:
    start, end = year_bounds(year)
    sec = Section("安全防护")
    checks = (
        InspectionRun.objects.filter(locality=locality, at__year=year).count()
        + TextScanRun.objects.filter(
            locality=locality, status=ScanStatus.DONE, finished_at__gte=start, finished_at__lt=end
        ).count()
        + LinkCheckRun.objects.filter(
            locality=locality, status=ScanStatus.DONE, finished_at__gte=start, finished_at__lt=end
        ).count()
    )
    sec.add(
        "security_checks",
        "安全检测评估次数（次）",
        checks,
        "集约化平台的网站自查、错敏信息扫描、链接检查（全平台）",
    )
    alerts = Alert.objects.filter(
        locality=locality, kind__in=SECURITY_ALERT_KINDS, first_seen__gte=start, first_seen__lt=end
    )
    if unit is not None:
        alerts = alerts.filter(unit=unit)
    sec.add("security_found", "发现问题数量（个）", alerts.count(), "网页篡改、站点无法访问告警")
    sec.add(
        "security_fixed",
        "问题整改数量（个）",
        alerts.filter(state=AlertState.RESOLVED).count(),
        "上述告警中已解决的",
    )
    events = SecurityEvent.objects.filter(at__gte=start, at__lt=end).filter(
        Q(locality=locality) | Q(locality="")
    )
    if unit is not None:
        events = events.filter(unit_name=unit.name)
    sec.add(
        "audit_lockouts",
        "安全审计：登录锁定次数（次）",
        events.filter(kind=EventKind.LOCKOUT).count(),
        "安全审计日志",
    )
    sec.add(
        "audit_denied",
        "安全审计：越权操作被拒绝次数（次）",
        events.filter(kind=EventKind.DENIED).count(),
        "安全审计日志",
    )
    return sec


# --- the whole national table ---------------------------------------------------------------------------

TYPED_SECTIONS: list[tuple[str, list[str]]] = [
    ("网站基本信息", ["visitors_unique", "visits_total"]),
    ("解读回应", ["hot_responses"]),
    ("办事服务", ["registered_users", "handled_total", "handled_person", "handled_legal"]),
    ("安全防护", ["monitoring_mechanism", "emergency_drill", "security_officer"]),
    (
        "移动新媒体",
        [
            "weibo_name",
            "weibo_posts",
            "weibo_followers",
            "wechat_name",
            "wechat_posts",
            "wechat_followers",
            "other_media",
        ],
    ),
    ("创新发展", ["innovation"]),
]
ORDER = [
    "网站基本信息",
    "信息发布",
    "专栏专题",
    "解读回应",
    "办事服务",
    "互动交流",
    "安全防护",
    "移动新媒体",
    "创新发展",
]


def header_section(site, report) -> Section:
    head = Section("网站基本信息")
    portal = is_portal(site)
    home = site if portal else site.get_parent().get_parent()
    settings_ = None
    wsite = home.get_site() if home else None
    if wsite is not None:
        settings_ = PortalSettings.for_site(wsite)
    host = site_unit(site).name if not portal and site_unit(site) else getattr(settings_, "host_unit", "")
    url = site.specific.full_url or site.url or ""
    head.add("site_name", "网站名称", site.title if not portal else (site.title or ""), "网站")
    head.add("site_url", "首页网址", url, "网站")
    head.add("host_unit", "主办单位", host, "网站设置（页脚）")
    head.add("site_kind", "网站类型", "政府门户网站" if portal else "部门网站（集约化平台子站）", "网站")
    head.add(
        "site_code",
        "政府网站标识码",
        getattr(settings_, "site_code", "") if portal else "",
        "网站设置（页脚）",
    )
    head.add("icp", "ICP备案号", getattr(settings_, "icp_number", ""), "网站设置（页脚）")
    head.add("police", "公安机关备案号", getattr(settings_, "police_number", ""), "网站设置（页脚）")
    return head


def typed_value(report, name: str):
    value = getattr(report, name, None) if report is not None else None
    return "" if value is None else value


def website_table(site, year: int, report=None) -> list[Section]:
    """The national table of ``site``: header, the platform's figures, and what was typed in."""

    by_title = {s.title: s for s in site_figures(site, year)}
    head = header_section(site, report)
    by_title[head.title] = head
    for title, names in TYPED_SECTIONS:
        section = by_title.setdefault(title, Section(title))
        for name in names:
            label = WebsiteReport._meta.get_field(name).verbose_name
            section.add(name, str(label), typed_value(report, name), "", typed=True)
    return [by_title[t] for t in ORDER if t in by_title]


def as_json(sections: list[Section]) -> list[dict]:
    return [
        {
            "title": s.title,
            "figures": [
                {"key": f.key, "label": f.label, "value": f.value, "source": f.source, "typed": f.typed}
                for f in s.figures
            ],
        }
        for s in sections
    ]


def from_json(data: list[dict]) -> list[Section]:
    return [Section(d["title"], [Figure(**f) for f in d["figures"]]) for d in data or []]
