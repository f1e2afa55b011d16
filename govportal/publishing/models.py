"""Publishing under review: the review tasks (Wagtail ``Task`` types), the record of every decision,
withdrawals, the publication register, emergencies, feeds in and out, and the state of periodic jobs.

The review runs on Wagtail's own moderation machinery: one ``Workflow`` per locality (built from its
profile, ``workflow.ensure_workflow``) made of a :class:`MachineCheckTask` and one
:class:`UnitRoleTask` / :class:`CoSignTask` per stage of the profile's ``[[review.pipeline]]``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from wagtail.models import Page, Task, TaskState

from govportal.accounts.models import Role

from .forms import review_form_class

# The review's logic (``review.py``, which imports these models) is registered by ``PublishingConfig.ready()``:
# the task types below call it without importing it.
_review_logic = None


def register_review_logic(logic) -> None:
    global _review_logic
    _review_logic = logic


def _logic():
    return _review_logic


class ReviewTaskState(TaskState):
    """A stage of the review of one item: who may act (``units``), and what the machine check found."""

    units = models.ManyToManyField("accounts.Unit", verbose_name="办理单位", blank=True, related_name="+")
    category = models.CharField("信息类别", max_length=20, blank=True)
    findings = models.JSONField("机器检查结果", default=list, blank=True)

    class Meta:
        verbose_name = "审核环节状态"
        verbose_name_plural = "审核环节状态"

    def get_comment(self):
        """What the workflow history shows: the decisions taken at this stage, with what was ticked."""
        decisions = list(self.review_decisions.all())
        if not decisions:
            return self.comment
        rows = format_html_join(
            "",
            "<li>{}</li>",
            ((d.summary(),) for d in decisions),
        )
        return format_html("<ul class='publishing-decisions'>{}</ul>", rows)


class MachineCheckTask(Task):
    """First stage: the text check (错敏信息). Blocking findings return the item to its editor with the
    list; warnings travel with the item to the reviewers."""

    locality = models.CharField("地区配置", max_length=40, blank=True)

    task_state_class = ReviewTaskState
    admin_form_fields = ["name"]

    class Meta:
        verbose_name = "机器检查（错敏信息）"
        verbose_name_plural = "机器检查（错敏信息）"

    def start(self, workflow_state, user=None):
        return _logic().run_machine_check(self, workflow_state, user)

    def get_actions(self, obj, user):
        return []

    @classmethod
    def get_description(cls):
        return "提交后自动检查错敏信息：有必须修改的问题时退回信息员，其余提示随稿送审核人。"


class ReviewStageTask(Task):
    """A human stage of the review, configured from the locality's profile."""

    locality = models.CharField("地区配置", max_length=40)
    stage_code = models.CharField("环节代码", max_length=60)
    unit_spec = models.CharField(
        "办理单位", max_length=60, help_text="own＝发布单位，co＝各联合发布单位，*＝任一单位，其他为单位代码"
    )
    roles = models.JSONField("办理角色", default=list)
    categories = models.JSONField("适用信息类别", default=list)
    article = models.TextField("依据", blank=True)
    checklist = models.JSONField("审核清单", default=list, blank=True)
    gates = models.JSONField("审核把关", default=list, blank=True)
    distinct_reviewers = models.BooleanField("各环节须由不同的人签署", default=True)

    task_state_class = ReviewTaskState
    admin_form_fields = ["name"]

    class Meta:
        abstract = True

    def start(self, workflow_state, user=None):
        return _logic().start_stage(self, workflow_state, user)

    def may_act(self, state, user) -> bool:
        return _logic().may_act(self, state, user)

    def get_actions(self, obj, user):
        return _logic().actions_for(self, obj, user)

    def on_action(self, task_state, user, action_name, **kwargs):
        return _logic().perform(self, task_state, user, action_name, **kwargs)

    def get_form_for_action(self, action):

        return review_form_class(self, action)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        return _logic().states_user_can_moderate(self, user)

    def user_can_access_editor(self, obj, user):
        state = obj.current_workflow_task_state
        return bool(state) and self.may_act(state.specific, user)

    def locked_for_user(self, obj, user):
        return not self.user_can_access_editor(obj, user)

    def user_can_lock(self, obj, user):
        return False

    def user_can_unlock(self, obj, user):
        return False


class UnitRoleTask(ReviewStageTask):
    class Meta:
        verbose_name = "单位角色审核"
        verbose_name_plural = "单位角色审核"

    @classmethod
    def get_description(cls):
        return "由发布单位（或指定单位）中相应角色的人员逐项确认审核清单后通过或退回；一个流程服务所有单位。"


class CoSignTask(ReviewStageTask):
    class Meta:
        verbose_name = "联合发布会签"
        verbose_name_plural = "联合发布会签"

    @classmethod
    def get_description(cls):
        return "多个单位共同形成的信息，须每个联合发布单位各自同意后才能发布。"


class ReviewDecision(models.Model):
    """One person's decision at one stage: who, when, in which unit and role, what they ticked, what they said."""

    APPROVE, REJECT = "approve", "reject"
    ACTIONS = [(APPROVE, "同意"), (REJECT, "退回修改")]

    task_state = models.ForeignKey(TaskState, on_delete=models.CASCADE, related_name="review_decisions")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage_code = models.CharField("环节代码", max_length=60)
    stage_name = models.CharField("审核环节", max_length=120)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    user_name = models.CharField("审核人", max_length=150)
    unit = models.ForeignKey("accounts.Unit", null=True, on_delete=models.SET_NULL, related_name="+")
    unit_name = models.CharField("单位", max_length=120, blank=True)
    roles = models.JSONField("角色", default=list)
    action = models.CharField("决定", max_length=10, choices=ACTIONS)
    checklist = models.JSONField("已确认的审核清单", default=list, blank=True)
    gates = models.JSONField("已把好的关", default=list, blank=True)
    comment = models.TextField("意见", blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["created_at", "id"]

    def summary(self):
        when = timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M")
        who = f"{self.user_name}（{self.unit_name}·{self.role_labels}）"
        parts = [format_html("<strong>{}</strong> {} {}", self.get_action_display(), who, when)]
        if self.checklist:
            parts.append(format_html("已逐项确认审核清单 {} 项", len(self.checklist)))
        if self.gates:
            parts.append(format_html("把好{}", "、".join(self.gates)))
        if self.comment:
            parts.append(format_html("意见：{}", self.comment))
        return mark_safe("；".join(str(p) for p in parts))

    @property
    def role_labels(self) -> str:

        return "、".join(Role(r).label if r in Role.values else r for r in self.roles)


class WorkflowBinding(models.Model):
    """The review workflow built for a locality (one per locality; serves every unit there)."""

    locality = models.CharField("地区配置", max_length=40, unique=True)
    workflow = models.ForeignKey("wagtailcore.Workflow", on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "审核流程绑定"
        verbose_name_plural = "审核流程绑定"

    def __str__(self) -> str:
        return f"{self.locality} → {self.workflow}"


class Withdrawal(models.Model):
    """A published item taken off the public site (撤回), with the reason (象山制度第十三条)."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    title = models.CharField("标题", max_length=255)
    url = models.CharField("原网址", max_length=500, blank=True)
    unit_name = models.CharField("发布单位", max_length=120, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    user_name = models.CharField("撤回人", max_length=150)
    reason = models.TextField("撤回原因")
    created_at = models.DateTimeField("撤回时间", default=timezone.now)

    class Meta:
        verbose_name = "撤回记录"
        verbose_name_plural = "撤回记录"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title}（{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} 撤回）"


class RegisterEntry(models.Model):
    """The publication register (造册登记, 钦州办法第二十八条（一）): one line per document published in
    the government's name, numbered per locality and year, with its approval chain."""

    locality = models.CharField("地区配置", max_length=40, db_index=True)
    year = models.PositiveIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    page_ref = models.PositiveIntegerField("页面编号", unique=True)
    page = models.ForeignKey(Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField("标题", max_length=255)
    document_number = models.CharField("文号", max_length=120, blank=True)
    unit_name = models.CharField("发布单位", max_length=120, blank=True)
    column_path = models.CharField("栏目", max_length=500, blank=True)
    item_date = models.DateTimeField("成文/发布日期", null=True, blank=True)
    first_published_at = models.DateTimeField("首次上网时间")
    last_published_at = models.DateTimeField("最近上网时间")
    publish_count = models.PositiveIntegerField("上网次数", default=1)
    url = models.CharField("网址", max_length=500, blank=True)
    approval_chain = models.JSONField("审批链", default=list)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.TextField("撤回原因", blank=True)

    class Meta:
        verbose_name = "发布登记"
        verbose_name_plural = "发布登记簿"
        ordering = ["-year", "-serial"]
        constraints = [
            models.UniqueConstraint(fields=["locality", "year", "serial"], name="register_unique_serial")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"{self.year}-{self.serial:04d}"


class Incident(models.Model):
    """A major emergency or public concern the government must answer on the portal in time
    (钦州办法第十四条: first release within 1 hour, press conference within 24 hours, response within 48)."""

    ESPECIALLY_MAJOR, EMERGENCY, PUBLIC_CONCERN = "especially_major", "emergency", "public_concern"
    KINDS = [
        (ESPECIALLY_MAJOR, "特别重大突发事件"),
        (EMERGENCY, "重大突发事件、应急事件"),
        (PUBLIC_CONCERN, "社会关注的热点问题、其他舆情"),
    ]

    locality = models.CharField("地区配置", max_length=40, db_index=True)
    title = models.CharField("事件名称", max_length=200)
    kind = models.CharField("事件类别", max_length=20, choices=KINDS, default=EMERGENCY)
    heavy_impact = models.BooleanField(
        "造成重大人员伤亡或社会影响较大", default=False, help_text="须在时限内召开新闻发布会"
    )
    event_time = models.DateTimeField("事件发生（舆情出现）时间")
    units = models.ManyToManyField("accounts.Unit", verbose_name="责任单位", related_name="+")
    description = models.TextField("已掌握的情况", blank=True)
    first_release_at = models.DateTimeField("首次发布信息时间", null=True, blank=True)
    first_release_page = models.ForeignKey(
        Page,
        verbose_name="首次发布的信息",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    press_conference_at = models.DateTimeField("新闻发布会时间", null=True, blank=True)
    response_at = models.DateTimeField("回应时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "突发事件与舆情"
        verbose_name_plural = "突发事件与舆情"
        ordering = ["-event_time"]

    def __str__(self) -> str:
        return self.title


class IncidentWarning(models.Model):
    """A warning already sent for one deadline of an incident (so each is sent once per level)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="warnings")
    deadline = models.CharField(max_length=30)
    level = models.CharField(max_length=10)  # soon | overdue
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "deadline", "level"], name="incident_warning_once")
        ]


class FeedSubscription(models.Model):
    """A column subscribed to an upstream feed (网上采集 / 数据接口): entries arrive as reposts awaiting review."""

    column = models.ForeignKey(Page, verbose_name="导入栏目", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("订阅名称", max_length=120)
    url = models.URLField("订阅地址", max_length=500, help_text="RSS、Atom 或 JSON Feed 地址（http/https）")
    source_name = models.CharField("来源（显示为信息来源）", max_length=120)
    active = models.BooleanField("启用", default=True)
    poll_minutes = models.PositiveIntegerField("抓取间隔（分钟）", default=60)
    last_checked_at = models.DateTimeField("最近抓取", null=True, blank=True)
    last_ok_at = models.DateTimeField("最近成功", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "信息采集订阅"
        verbose_name_plural = "信息采集订阅"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FeedEntry(models.Model):
    subscription = models.ForeignKey(FeedSubscription, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(max_length=500)
    url = models.CharField("原文链接", max_length=1000, blank=True)
    title = models.CharField("标题", max_length=255)
    page = models.ForeignKey(Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "采集条目"
        verbose_name_plural = "采集条目"
        constraints = [models.UniqueConstraint(fields=["subscription", "guid"], name="feed_entry_once")]


class FeedFetchLog(models.Model):
    OK, ERROR = "ok", "error"
    subscription = models.ForeignKey(FeedSubscription, on_delete=models.CASCADE, related_name="logs")
    started_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10)
    message = models.TextField(blank=True)
    new_entries = models.PositiveIntegerField(default=0)
    skipped_entries = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField("字节数", default=0)

    class Meta:
        verbose_name = "采集日志"
        verbose_name_plural = "采集日志"
        ordering = ["-started_at", "-id"]


class WebhookEndpoint(models.Model):
    """A receiver (a unit's WeChat platform, a provincial platform) told of every publication and withdrawal,
    each request signed with HMAC-SHA256 of the body under the shared secret."""

    locality = models.CharField("地区配置", max_length=40, db_index=True)
    name = models.CharField("名称", max_length=120)
    url = models.URLField("接收地址", max_length=500)
    secret = models.CharField("签名密钥", max_length=200)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="只推送该单位的信息",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "信息推送接口"
        verbose_name_plural = "信息推送接口"

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    PENDING, SENT, FAILED = "pending", "sent", "failed"
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=30)
    page_ref = models.PositiveIntegerField()
    payload = models.JSONField()
    status = models.CharField(max_length=10, default=PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "推送记录"
        verbose_name_plural = "推送记录"
        ordering = ["-created_at", "-id"]


class JobRun(models.Model):
    """When each periodic job (``schedule.JOBS``) last ran, and how it went."""

    name = models.CharField(max_length=60, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=True)
    message = models.TextField(blank=True)
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "定时任务"
        verbose_name_plural = "定时任务"


class InterpretationDue(models.Model):
    """A policy document whose interpretation (政策解读) is due: held until its interpretation is published
    (同步, 钦州办法第十三条) or published with a deadline for the interpretation (象山: 文件印发后5个工作日内)."""

    HOLD, WARN = "hold", "warn"
    MODES = [(HOLD, "同步发布（解读通过前文件暂缓发布）"), (WARN, "限期补充解读")]

    document = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="+", verbose_name="政策文件")
    locality = models.CharField("地区配置", max_length=40, db_index=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="起草单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    mode = models.CharField("要求", max_length=10, choices=MODES)
    article = models.TextField("依据", blank=True)
    held_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField("解读期限", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    satisfied_at = models.DateTimeField("解读发布时间", null=True, blank=True)
    interpretation = models.ForeignKey(
        Page, verbose_name="解读", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_reminded_at = models.DateTimeField("最近提醒", null=True, blank=True)
    reminders = models.PositiveIntegerField("提醒次数", default=0)

    class Meta:
        verbose_name = "政策解读跟踪"
        verbose_name_plural = "政策解读跟踪"
        ordering = ["satisfied_at", "due_at", "-created_at"]

    def __str__(self) -> str:
        return f"{self.document.title}的解读"


class PublishedFile(models.Model):
    """A page written to the publish directory (static publishing, ``static_site``): what was written and
    when, so that missing, stale and altered files (tampering) can be found by ``govportal check-published``."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    url = models.CharField("地址", max_length=500)
    file = models.CharField("文件", max_length=520)
    page = models.ForeignKey(Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    written_at = models.DateTimeField("写入时间", auto_now=True)

    class Meta:
        verbose_name = "已发布文件"
        verbose_name_plural = "已发布文件"
        constraints = [models.UniqueConstraint(fields=["site", "url"], name="publishing_file_site_url")]

    def __str__(self) -> str:
        return self.url


class SiteBuild(models.Model):
    """A rebuild of a site's publish directory (``govportal publish-site`` or the ``publish_rebuilds`` job):
    where it got to, so an interrupted rebuild continues where it stopped; and whether the sitemap is due."""

    site = models.OneToOneField("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cursor = models.CharField("已完成到", max_length=500, blank=True)
    done = models.BooleanField(default=False)
    sitemap_due = models.BooleanField("网站地图待更新", default=False)

    class Meta:
        verbose_name = "站点静态发布重建"
        verbose_name_plural = "站点静态发布重建"


class StaticPublish(models.Model):
    """Where the static publishing of a page's change stands (rendered by the job worker after the editor's
    request): 正在发布 while queued or running, then the outcome, shown to the editor on the page."""

    PENDING, DONE, FAILED = "pending", "done", "failed"
    STATES = [(PENDING, "正在发布"), (DONE, "已发布到网站"), (FAILED, "发布到网站失败")]

    page_id = models.PositiveIntegerField(unique=True)
    state = models.CharField("状态", max_length=10, choices=STATES, default=PENDING)
    detail = models.CharField("结果", max_length=500, blank=True)
    requested_at = models.DateTimeField("排队时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "静态发布进度"
        verbose_name_plural = "静态发布进度"

    def __str__(self) -> str:
        return f"{self.page_id}：{self.get_state_display()}"
