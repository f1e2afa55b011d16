"""Models of the monitoring app.

Text findings (错敏信息):

* the registries administrators maintain in the back office — sensitive words, fixed expressions,
  leaders and their titles, blocked and allowed link domains — from which ``monitoring.textcheck``
  builds each locality's checker (the shipped starter lists are copied in on first use);
* :class:`RegistryVersion`, a counter bumped on every registry change, so that every process
  rebuilds its cached checker;
* scans of everything already published (:class:`TextScanRun`) and what they found
  (:class:`TextScanFinding`), which a unit marks 已整改 or 误报 (酉阳办法第十八条 错敏信息整改).
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from govportal.portal.models import HomePage
from govportal.rules.profile import available_profiles
from govportal.textcheck.lexicon import normalise_domain


class Severity(models.TextChoices):
    BLOCKING = "blocking", "阻止发布"
    WARNING = "warning", "提醒"


class FindingKind(models.TextChoices):
    SECRET = "secret", "涉密标识"
    PERSONAL_DATA = "personal_data", "个人信息"
    EXPRESSION = "expression", "严重表述错误"
    LEADER_TITLE = "leader_title", "领导人姓名职务"
    SENSITIVE = "sensitive", "敏感词"
    LINK = "link", "链接"
    TYPO = "typo", "错别字"


def split_list(value: str) -> list[str]:
    """Entries written one a line, or separated by | 、 ， , ； ;"""
    return [x.strip() for x in re.split(r"[\n|、，,；;]+", value or "") if x.strip()]


def _check_locality(value: str) -> None:
    if not value:
        return

    known = set(available_profiles()) | set(HomePage.objects.values_list("locality", flat=True))
    if value not in known:
        raise ValidationError(
            f"没有代码为“{value}”的地区配置。留空表示适用于本平台所有网站，或填写：{'、'.join(sorted(known))}"
        )


# --- registries ---------------------------------------------------------------------------------------


class RegistryEntry(models.Model):
    locality = models.CharField(
        "适用地区",
        max_length=40,
        blank=True,
        db_index=True,
        help_text="留空＝本平台所有网站都适用；填写地区配置代码（如 qinzhou）＝只用于该地区的网站",
        validators=[_check_locality],
    )
    enabled = models.BooleanField("启用", default=True, help_text="停用的条目保留在库中，但不参与检查")
    note = models.CharField("说明", max_length=300, blank=True)
    shipped = models.BooleanField("来自起步清单", default=False, editable=False)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        abstract = True


_EXCEPTIONS_HELP = "含该词但属于正确用法的更长词语，每行一个（或用 | 分隔），如“环境保护部门”之于“环境保护部”"


class SensitiveWord(RegistryEntry):
    term = models.CharField("词语", max_length=100)
    category = models.CharField("类别", max_length=40, blank=True, help_text="如 违法广告、赌博、不当称谓")
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices, default=Severity.WARNING)
    suggestion = models.CharField("修改建议", max_length=100, blank=True)
    exceptions = models.TextField("例外", blank=True, help_text=_EXCEPTIONS_HELP)

    panels = [
        FieldPanel("term"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("severity")]),
        FieldPanel("suggestion"),
        FieldPanel("exceptions"),
        FieldPanel("note"),
        FieldRowPanel([FieldPanel("locality"), FieldPanel("enabled")]),
    ]

    class Meta:
        verbose_name = "敏感词"
        verbose_name_plural = "敏感词库"
        ordering = ["category", "term"]
        constraints = [models.UniqueConstraint(fields=["locality", "term"], name="sensitiveword_unique")]

    def __str__(self) -> str:
        return self.term

    def as_data(self) -> dict:
        return {
            "term": self.term,
            "category": self.category,
            "severity": self.severity,
            "suggestion": self.suggestion or None,
            "note": self.note,
            "exceptions": split_list(self.exceptions),
        }


class FixedExpression(RegistryEntry):
    wrong = models.CharField("错误写法", max_length=100)
    correct = models.CharField("正确写法", max_length=100)
    category = models.CharField(
        "类别", max_length=40, blank=True, help_text="如 国名、党的会议、政治表述、机构名称"
    )
    severity = models.CharField(
        "严重程度", max_length=10, choices=Severity.choices, default=Severity.BLOCKING
    )
    exceptions = models.TextField("例外", blank=True, help_text=_EXCEPTIONS_HELP)

    panels = [
        FieldRowPanel([FieldPanel("wrong"), FieldPanel("correct")]),
        FieldRowPanel([FieldPanel("category"), FieldPanel("severity")]),
        FieldPanel("exceptions"),
        FieldPanel("note"),
        FieldRowPanel([FieldPanel("locality"), FieldPanel("enabled")]),
    ]

    class Meta:
        verbose_name = "规范表述"
        verbose_name_plural = "规范表述库"
        ordering = ["category", "wrong"]
        constraints = [models.UniqueConstraint(fields=["locality", "wrong"], name="fixedexpression_unique")]

    def __str__(self) -> str:
        return f"{self.wrong} → {self.correct}"

    def clean(self) -> None:
        if self.wrong and self.wrong == self.correct:
            raise ValidationError({"correct": "正确写法与错误写法相同，这条规则不会起作用。"})

    def as_data(self) -> dict:
        return {
            "wrong": self.wrong,
            "correct": self.correct,
            "category": self.category,
            "severity": self.severity,
            "note": self.note,
            "exceptions": split_list(self.exceptions),
        }


class Leader(RegistryEntry):
    name = models.CharField("姓名", max_length=40)
    titles = models.TextField(
        "现任职务", help_text="每行一个（或用“、”分隔），含常用简称，如“市长”“市委副书记”"
    )
    outdated = models.TextField(
        "已不再担任的职务", blank=True, help_text="每行一个（或用“、”分隔）；“时任”“原”“前”之后的旧职务不报"
    )
    severity = models.CharField(
        "严重程度", max_length=10, choices=Severity.choices, default=Severity.BLOCKING
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("titles"),
        FieldPanel("outdated"),
        FieldRowPanel([FieldPanel("severity"), FieldPanel("sort_order")]),
        FieldPanel("note"),
        FieldRowPanel([FieldPanel("locality"), FieldPanel("enabled")]),
    ]

    class Meta:
        verbose_name = "领导人姓名职务"
        verbose_name_plural = "领导人姓名职务库"
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["locality", "name"], name="leader_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{'、'.join(split_list(self.titles)[:2])}）"

    def clean(self) -> None:
        titles, outdated = split_list(self.titles), split_list(self.outdated)
        if not titles:
            raise ValidationError({"titles": "请至少填写一个现任职务。"})
        both = sorted(set(titles) & set(outdated))
        if both:
            raise ValidationError({"outdated": f"“{'、'.join(both)}”同时写在现任职务和已不再担任的职务中。"})

    def as_data(self) -> dict:
        return {
            "name": self.name,
            "titles": split_list(self.titles),
            "outdated": split_list(self.outdated),
            "severity": self.severity,
            "note": self.note,
        }


class LinkDomain(RegistryEntry):
    domain = models.CharField(
        "域名", max_length=200, help_text="如 example.com，含其所有子域名；不要写 http://"
    )

    panels = [
        FieldPanel("domain"),
        FieldPanel("note"),
        FieldRowPanel([FieldPanel("locality"), FieldPanel("enabled")]),
    ]

    class Meta:
        abstract = True
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def clean(self) -> None:
        domain = normalise_domain(self.domain or "")
        if not domain or "." not in domain or not re.fullmatch(r"[a-z0-9\-.\u4e00-\u9fff]+", domain):
            raise ValidationError({"domain": f"“{self.domain}”不是有效的域名，请填写如 example.com 的形式。"})
        self.domain = domain


class BlockedDomain(LinkDomain):
    class Meta(LinkDomain.Meta):
        verbose_name = "链接黑名单域名"
        verbose_name_plural = "链接黑名单"
        constraints = [models.UniqueConstraint(fields=["locality", "domain"], name="blockeddomain_unique")]


class AllowedDomain(LinkDomain):
    class Meta(LinkDomain.Meta):
        verbose_name = "非政府网站白名单域名"
        verbose_name_plural = "非政府网站链接白名单"
        constraints = [models.UniqueConstraint(fields=["locality", "domain"], name="alloweddomain_unique")]


REGISTRY_MODELS = (SensitiveWord, FixedExpression, Leader, BlockedDomain, AllowedDomain)


class RegistryVersion(models.Model):
    """Bumped on every registry change: each process compares the token with the one its cached checker
    was built from (one cheap query) and rebuilds when they differ. The token is new on every bump, so a
    restored backup or a rolled-back transaction can never be mistaken for a version already built."""

    key = models.CharField(max_length=40, unique=True)
    version = models.PositiveBigIntegerField(default=0)
    token = models.CharField(max_length=32, blank=True)
    seeded_at = models.DateTimeField("起步清单导入时间", null=True, blank=True)

    KEY = "textcheck"

    class Meta:
        verbose_name = "检查词库版本"

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    @classmethod
    def current(cls) -> str:
        row = cls.objects.filter(key=cls.KEY).values_list("version", "token").first()
        return f"{row[0]}:{row[1]}" if row else "0"

    @classmethod
    def bump(cls) -> None:
        token = uuid.uuid4().hex
        if not cls.objects.filter(key=cls.KEY).update(version=F("version") + 1, token=token):
            cls.objects.get_or_create(key=cls.KEY, defaults={"version": 1, "token": token})


# --- scans of what is published ----------------------------------------------------------------------


class ScanStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "扫描中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class TextScanRun(models.Model):
    locality = models.CharField("地区配置", max_length=40, db_index=True)
    status = models.CharField("状态", max_length=10, choices=ScanStatus.choices, default=ScanStatus.QUEUED)
    include_documents = models.BooleanField("检查附件", default=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    pages_checked = models.PositiveIntegerField("检查页面数", default=0)
    documents_checked = models.PositiveIntegerField("检查附件数", default=0)
    documents_skipped = models.JSONField("未能提取文字的附件", default=list, blank=True)
    findings_total = models.PositiveIntegerField("问题数", default=0)
    marks_kept = models.PositiveIntegerField("沿用的整改/误报标记", default=0)
    registry_version = models.CharField("词库版本", max_length=60, blank=True)
    message = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "错敏信息扫描"
        verbose_name_plural = "错敏信息扫描"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.locality} 扫描 #{self.pk}（{self.get_status_display()}）"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def duration_text(self) -> str:
        d = self.duration
        if d is None:
            return ""
        seconds = int(round(d.total_seconds()))
        if seconds < 60:
            return f"{max(seconds, 1)} 秒"
        return f"{seconds // 60} 分 {seconds % 60} 秒"


class FindingStatus(models.TextChoices):
    OPEN = "open", "待整改"
    FIXED = "fixed", "已整改"
    FALSE_POSITIVE = "false_positive", "误报"


class TextScanFinding(models.Model):
    run = models.ForeignKey(TextScanRun, on_delete=models.CASCADE, related_name="findings")
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name="页面", on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="附件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    column = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="栏目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    field_label = models.CharField("位置", max_length=60, blank=True)
    kind = models.CharField("类别", max_length=20, choices=FindingKind.choices)
    subkind = models.CharField("细类", max_length=40, blank=True)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField("问题文字")
    suggestion = models.TextField("建议", blank=True)
    rule = models.TextField("规则")
    context_before = models.CharField(max_length=80, blank=True)
    context_after = models.CharField(max_length=80, blank=True)
    text_hash = models.CharField("全文摘要", max_length=32)
    status = models.CharField(
        "处理状态", max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="标记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField("标记时间", null=True, blank=True)
    mark_note = models.CharField("标记说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "扫描发现的问题"
        verbose_name_plural = "扫描发现的问题"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["run", "unit"], name="scanfinding_run_unit"),
            models.Index(fields=["run", "column"], name="scanfinding_run_column"),
            models.Index(fields=["run", "status"], name="scanfinding_run_status"),
            models.Index(fields=["run", "page"], name="scanfinding_run_page"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text}"


class DocumentText(models.Model):
    """The text extracted from an attachment, kept until its file changes (Wagtail's ``file_hash``)."""

    document = models.OneToOneField("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    file_hash = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True)
    ok = models.BooleanField(default=False)
    message = models.CharField(max_length=300, blank=True)
    extracted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "附件文字"


# --- watching the site (issue 15): column groups, alerts, inspection runs, uptime probes -----------------


class ColumnGroup(models.TextChoices):
    """The column groups of the national inspection's 栏目不更新 veto (国办秘函〔2019〕19号)."""

    NEWS = "news", "动态、要闻类"
    NOTICE = "notice", "通知公告、政策文件类"
    OTHER = "other", "其他"


class GroupSource(models.TextChoices):
    PROFILE = "profile", "地区配置栏目表"
    GUESS = "guess", "按栏目名称推测"
    ADMIN = "admin", "管理员确认"


class ColumnInspectionGroup(models.Model):
    """Which inspection group a column belongs to; kept here (keyed by page) rather than on the column
    model, so the portal app needs no migration. A guess from the column's name stays unconfirmed until an
    administrator confirms it."""

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    group = models.CharField(
        "检查指标分组", max_length=10, choices=ColumnGroup.choices, default=ColumnGroup.OTHER
    )
    source = models.CharField("来源", max_length=10, choices=GroupSource.choices, default=GroupSource.GUESS)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "栏目检查分组"
        verbose_name_plural = "栏目检查分组"

    @property
    def confirmed(self) -> bool:
        return self.source in (GroupSource.PROFILE, GroupSource.ADMIN)


class AlertSeverity(models.TextChoices):
    CRITICAL = "critical", "紧急"
    HIGH = "high", "严重"
    WARNING = "warning", "警告"
    INFO = "info", "提示"


SEVERITY_RANK = {
    AlertSeverity.CRITICAL: 0,
    AlertSeverity.HIGH: 1,
    AlertSeverity.WARNING: 2,
    AlertSeverity.INFO: 3,
}


class AlertState(models.TextChoices):
    OPEN = "open", "待处理"
    ACKNOWLEDGED = "acknowledged", "已知悉"
    RESOLVED = "resolved", "已解决"


class Alert(models.Model):
    """One alert for everything the monitor sees (a column due or overdue, an outage, a tampered page, …).

    ``key`` names the cause: while an alert with that key is open or acknowledged, raising it again only
    counts the repeat (``occurrences``, ``last_seen``) — nobody is told twice."""

    key = models.CharField("原因标识", max_length=250, db_index=True)
    kind = models.CharField("类别", max_length=40, db_index=True)
    severity = models.CharField("级别", max_length=10, choices=AlertSeverity.choices)
    subject = models.CharField("事项", max_length=300)
    locality = models.CharField("地区配置", max_length=40, blank=True, db_index=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    url = models.CharField("链接", max_length=500, blank=True)
    evidence = models.JSONField("证据", default=list, blank=True)
    state = models.CharField("状态", max_length=14, choices=AlertState.choices, default=AlertState.OPEN)
    first_seen = models.DateTimeField("首次发现", default=timezone.now)
    last_seen = models.DateTimeField("最近发现", default=timezone.now)
    occurrences = models.PositiveIntegerField("发现次数", default=1)
    recipients = models.JSONField("已通知", default=list, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField("知悉时间", null=True, blank=True)
    resolved_at = models.DateTimeField("解决时间", null=True, blank=True)

    class Meta:
        verbose_name = "监测告警"
        verbose_name_plural = "监测告警"
        ordering = ["-last_seen", "-id"]
        indexes = [models.Index(fields=["key", "state"], name="alert_key_state")]

    def __str__(self) -> str:
        return f"［{self.get_severity_display()}］{self.subject}"


class InspectionRun(models.Model):
    """The self-inspection's result on one day (one run a day kept: a later run the same day replaces it)."""

    locality = models.CharField("地区配置", max_length=40, db_index=True)
    site = models.CharField("网站", max_length=255)
    at = models.DateField("检查日期")
    verdict = models.CharField("结论", max_length=10)
    score = models.IntegerField("扣分项得分")
    result = models.JSONField("结果")
    created_at = models.DateTimeField("运行时间", default=timezone.now)

    class Meta:
        verbose_name = "网站自查"
        verbose_name_plural = "网站自查"
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["locality", "at"], name="inspectionrun_one_a_day")]


class ProbeTarget(models.Model):
    """An address the uptime probe visits (the home page and a few key pages)."""

    locality = models.CharField("地区配置", max_length=40, db_index=True)
    name = models.CharField("名称", max_length=60)
    url = models.URLField("地址", max_length=500)
    enabled = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "可用性监测地址"
        verbose_name_plural = "可用性监测地址"
        ordering = ["locality", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.url}）"


class ProbeResult(models.Model):
    """One visit of the uptime probe: HTTP status, time to first byte, whether the page opened in time."""

    target = models.ForeignKey(ProbeTarget, on_delete=models.CASCADE, related_name="results")
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    status = models.PositiveIntegerField("状态码", null=True, blank=True)
    ttfb_ms = models.PositiveIntegerField("首字节时间（毫秒）", null=True, blank=True)
    total_ms = models.PositiveIntegerField("打开用时（毫秒）", null=True, blank=True)
    ok = models.BooleanField("按时打开")
    error = models.CharField("错误", max_length=300, blank=True)

    class Meta:
        verbose_name = "可用性监测记录"
        verbose_name_plural = "可用性监测记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target", "at"], name="proberesult_target_at")]


class PageFingerprint(models.Model):
    """What a published page served at publication, normalised (``tamper.normalise``), to compare the served
    page with later."""

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    url = models.CharField("地址", max_length=500)
    digest = models.CharField("摘要（SHA-256）", max_length=64)
    content = models.TextField("规范化内容")
    taken_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "页面指纹"
        verbose_name_plural = "页面指纹"


class LinkCheckRun(models.Model):
    """One check of every link on a site's live pages; resumable (unchecked targets are picked up again)."""

    locality = models.CharField("地区配置", max_length=40, db_index=True)
    status = models.CharField("状态", max_length=10, choices=ScanStatus.choices, default=ScanStatus.QUEUED)
    created_at = models.DateTimeField("发起时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    total = models.PositiveIntegerField("链接数", default=0)
    checked = models.PositiveIntegerField("已检查", default=0)
    dead = models.PositiveIntegerField("失效", default=0)
    message = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "链接检查"
        verbose_name_plural = "链接检查"
        ordering = ["-created_at", "-id"]


class LinkState(models.TextChoices):
    PENDING = "pending", "待检查"
    OK = "ok", "正常"
    DEAD = "dead", "失效"
    SKIPPED = "skipped", "未检查"


class LinkTarget(models.Model):
    """One distinct link of a run and what became of it."""

    run = models.ForeignKey(LinkCheckRun, on_delete=models.CASCADE, related_name="targets")
    url = models.TextField("链接")
    host = models.CharField("主机", max_length=255, blank=True)
    internal = models.BooleanField("站内链接", default=False)
    state = models.CharField("结果", max_length=10, choices=LinkState.choices, default=LinkState.PENDING)
    status = models.PositiveIntegerField("状态码", null=True, blank=True)
    error = models.CharField("原因", max_length=300, blank=True)
    final_url = models.TextField("跳转后地址", blank=True)
    checked_at = models.DateTimeField("检查时间", null=True, blank=True)

    class Meta:
        verbose_name = "链接"
        verbose_name_plural = "链接"
        indexes = [models.Index(fields=["run", "state", "id"], name="linktarget_run_state")]


class LinkSource(models.Model):
    """A page that carries a link (the unit and column are the page's)."""

    target = models.ForeignKey(LinkTarget, on_delete=models.CASCADE, related_name="sources")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    column = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class ReadingMark(models.Model):
    """Daily reading (读网): a unit's reader read a page that day, or filed a problem with it."""

    READ, PROBLEM = "read", "problem"
    day = models.DateField("日期", db_index=True)
    unit = models.ForeignKey("accounts.Unit", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    state = models.CharField("结果", max_length=10, choices=[(READ, "已读"), (PROBLEM, "发现问题")])
    note = models.TextField("问题描述", blank=True)
    error_report = models.ForeignKey(
        "interaction.ErrorReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "读网记录"
        verbose_name_plural = "读网记录"
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["day", "unit", "page"], name="readingmark_one_a_day")]
