"""Letters (信件) and their work orders, error reports (纠错) and disclosure requests (依申请公开).

A letter is written on the public site and lands with the hotline centre (000 Art. 19), which triages it
and dispatches it as work orders to responsible units; the unit's handler drafts a reply, the unit's
leader approves it (Art. 20), the centre sends it to the writer and decides on publication (Art. 21).
Every step is a :class:`LetterEvent`; every look at a writer's personal data is a
:class:`PersonalDataAccess`.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone

from govportal.portal.calendar import holiday_warning, workday_calendar

from .text import keywords_for


def now():
    """The current time (a function of this module, so that tests can move the clock)."""
    return timezone.now()


class PrivateStorage(FileSystemStorage):
    """Attachments hold personal data: kept in ``$GOVPORTAL_HOME/private``, outside MEDIA_ROOT (which may be
    served as is), and served only through the back office's permission-checked, logged view."""

    @property
    def base_location(self):
        return os.fspath(Path(settings.DATA_DIR) / "private")

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


class LetterState(models.TextChoices):
    RECEIVED = "received", "待分拣"
    REJECTED = "rejected", "不予受理"
    MERGED = "merged", "已合并"
    DISPATCHED = "dispatched", "办理中"
    RETURNED = "returned", "退回待重新派单"
    REVIEW = "review", "答复待领导审核"
    APPROVED = "approved", "答复待发布"
    CONCLUDED = "concluded", "已办结"


# States in which a responsible unit still owes the answer.
UNIT_OPEN_STATES = (LetterState.DISPATCHED, LetterState.REVIEW)
# States in which the letter is still being handled by anyone.
OPEN_STATES = (
    LetterState.RECEIVED,
    LetterState.DISPATCHED,
    LetterState.RETURNED,
    LetterState.REVIEW,
    LetterState.APPROVED,
)


class Publication(models.TextChoices):
    UNDECIDED = "undecided", "未决定"
    PUBLISHED = "published", "已公开"
    WITHHELD = "withheld", "不予公开"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Letter(models.Model):
    locality = models.CharField("地区", max_length=40, db_index=True)
    type = models.CharField("信件类型", max_length=30)
    type_name = models.CharField("类型名称", max_length=20)
    subject = models.CharField("标题", max_length=100)
    content = models.TextField("内容")
    target_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="来信人希望的办理单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    writer_name = models.CharField("来信人姓名", max_length=60, blank=True)
    writer_contact = models.CharField("联系方式", max_length=100, blank=True)
    consent_publish = models.BooleanField("同意公开", default=False)

    query_code = models.CharField("查询码", max_length=24, unique=True)
    password_hash = models.CharField(max_length=128)
    submit_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    contact_key = models.CharField(max_length=64, blank=True, db_index=True)
    content_key = models.CharField(max_length=64, blank=True, db_index=True)
    keywords = models.TextField("关键词", blank=True)
    hold_reason = models.CharField("待核验原因", max_length=300, blank=True)

    state = models.CharField("状态", max_length=20, choices=LetterState.choices, default=LetterState.RECEIVED)
    received_at = models.DateTimeField("来信时间", default=now, db_index=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    clock_start = models.DateField("期限起算日", null=True, blank=True)
    due_date = models.DateField("办理期限", null=True, blank=True, db_index=True)
    extended_workdays = models.PositiveIntegerField("已延期工作日", default=0)
    answered_at = models.DateTimeField("单位答复（领导审核通过）时间", null=True, blank=True)
    concluded_at = models.DateTimeField("办结（答复发出）时间", null=True, blank=True)
    lead_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="主办单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_letters",
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name="合并到", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    reject_reason = models.TextField("不予受理理由", blank=True)

    reply_text = models.TextField("答复内容", blank=True)
    reply_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="答复单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    publication = models.CharField(
        "公开", max_length=12, choices=Publication.choices, default=Publication.UNDECIDED
    )
    withheld_code = models.CharField("不公开情形", max_length=40, blank=True)
    withheld_reason = models.TextField("不公开理由", blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    public_subject = models.CharField("公开标题", max_length=100, blank=True)
    public_content = models.TextField("公开内容（已隐去个人信息）", blank=True)
    public_reply = models.TextField("公开答复（已隐去个人信息）", blank=True)

    rating = models.CharField("评价", max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.TextField("评价意见", blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    due_soon_notified_on = models.DateField(null=True, blank=True)
    overdue_notified_on = models.DateField(null=True, blank=True)
    escalated_at = models.DateTimeField("超期督办时间", null=True, blank=True)

    # The notices about this letter (govportal.notices): read when the person opens it, deleted with it.
    notices = GenericRelation("notices.Notice", related_query_name="letter")

    class Meta:
        verbose_name = "信件"
        verbose_name_plural = "信件"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["locality", "state"]),
            models.Index(fields=["locality", "publication", "published_at"]),
            models.Index(fields=["client_ip", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.query_code} {self.subject}"

    @property
    def is_held(self) -> bool:
        return bool(self.hold_reason) and self.state == LetterState.RECEIVED

    @property
    def deadline_done(self) -> bool:
        """True when nobody is running against the deadline (not dispatched yet, returned, closed). A reply
        approved by the unit's leader but not yet sent out by the centre still runs: the writer sees it only
        once it is published."""
        return self.state not in (*UNIT_OPEN_STATES, LetterState.APPROVED)

    @property
    def unit_done(self) -> bool:
        """True when the lead unit's part is over (its reply was approved, or it holds no open order)."""
        return self.answered_at is not None or self.state not in UNIT_OPEN_STATES

    @property
    def due_warning(self) -> str:
        """The warning shown when the due date falls in a year without holiday data ("" otherwise)."""
        due = self.due_date
        if self.deadline_done or not due or workday_calendar().has_data(due.year):
            return ""
        return holiday_warning([due.year])

    def unit_answered(self) -> bool:
        return self.answered_at is not None

    def answered_on_time(self) -> bool | None:
        """On time means the answer reached the writer (concluded) by the due date."""
        if not self.concluded_at or not self.due_date or self.state != LetterState.CONCLUDED:
            return None
        return timezone.localdate(self.concluded_at) <= self.due_date


def attachment_path(instance: LetterAttachment, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    at = timezone.now()
    return f"letters/{at:%Y/%m}/{instance.letter.query_code}-{at:%H%M%S%f}.{ext}"


class LetterAttachment(models.Model):
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=200)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "附件"

    def __str__(self) -> str:
        return self.name


class OrderState(models.TextChoices):
    OPEN = "open", "办理中"
    RETURNED = "returned", "已退回"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已撤销"


class WorkOrder(models.Model):
    """A letter dispatched to one unit: the lead unit answers, co-units give their opinion."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="orders")
    unit = models.ForeignKey("accounts.Unit", verbose_name="责任单位", on_delete=models.PROTECT)
    is_lead = models.BooleanField("主办", default=True)
    state = models.CharField("状态", max_length=12, choices=OrderState.choices, default=OrderState.OPEN)
    dispatched_at = models.DateTimeField("派单时间", default=now)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField("退回理由", blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opinion = models.TextField("协办意见", blank=True)
    opinion_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "工单"
        verbose_name_plural = "工单"
        ordering = ["-is_lead", "dispatched_at", "id"]
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"{self.letter.query_code} → {self.unit}"


class ReplyState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待领导审核"
    APPROVED = "approved", "审核通过"
    SENT_BACK = "sent_back", "领导退回修改"


class ReplyOutcome(models.TextChoices):
    RESOLVED = "resolved", "已办理"
    EXPLAINED = "explained", "无法办理，已解释说明"
    ANSWERED = "answered", "已解答"


class Reply(models.Model):
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField("答复内容")
    outcome = models.CharField(
        "办理结果", max_length=12, choices=ReplyOutcome.choices, default=ReplyOutcome.RESOLVED
    )
    state = models.CharField(max_length=12, choices=ReplyState.choices, default=ReplyState.DRAFT)
    created_at = models.DateTimeField(default=now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "答复"
        ordering = ["-created_at", "-id"]


class ExtensionState(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


class Extension(models.Model):
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=now)
    workdays = models.PositiveIntegerField("延期工作日")
    reason = models.TextField("延期理由")
    state = models.CharField(max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期申请"
        ordering = ["-requested_at"]


class LetterEvent(models.Model):
    """One step in a letter's life. ``public`` steps are shown to the writer on the query page."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=30)
    text = models.TextField()
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]


class PersonalDataAccess(models.Model):
    """Who looked at which writer's or applicant's personal data, and when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=now, db_index=True)
    letter = models.ForeignKey(Letter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    disclosure = models.ForeignKey(
        "DisclosureRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error_report = models.ForeignKey(
        "ErrorReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    what = models.CharField("查看内容", max_length=100)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-at", "-id"]


class Faq(models.Model):
    """常见问题: a question and its answer, searchable, shown beside the letter form and service guides."""

    locality = models.CharField("地区", max_length=40, db_index=True)
    question = models.CharField("问题", max_length=200)
    answer = models.TextField("解答")
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="解答单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topic = models.CharField("主题", max_length=60, blank=True, help_text="如“义务教育入学”，供办事指南关联")
    keywords = models.TextField("检索词", blank=True, editable=False)
    source_letter = models.ForeignKey(
        Letter, verbose_name="来源信件", null=True, blank=True, on_delete=models.SET_NULL, related_name="faqs"
    )
    is_public = models.BooleanField("公开", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "常见问题"
        verbose_name_plural = "常见问题"
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.question

    def save(self, *args, **kwargs):

        self.keywords = " ".join(
            keywords_for(f"{self.topic} {self.question} {self.question} {self.answer}", 30)
        )
        super().save(*args, **kwargs)


# --- error reports (纠错) ------------------------------------------------------------------------------


class ErrorKind(models.TextChoices):
    TYPO = "typo", "错别字、表述错误"
    LINK = "link", "链接打不开或错误"
    OUTDATED = "outdated", "内容过时、未更新"
    UNAVAILABLE = "unavailable", "页面无法访问、显示异常"
    SERVICE = "service", "办事服务不能使用"
    OTHER = "other", "其他问题"


class ErrorState(models.TextChoices):
    RECEIVED = "received", "待转办"
    FORWARDED = "forwarded", "办理中"
    ANSWERED = "answered", "已答复"
    INVALID = "invalid", "无效（不予处理）"


class ErrorReport(models.Model):
    locality = models.CharField("地区", max_length=40, db_index=True)
    code = models.CharField("查询码", max_length=24, unique=True)
    submit_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    page_url = models.CharField("出错页面地址", max_length=500)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField("问题类型", max_length=20, choices=ErrorKind.choices)
    description = models.TextField("问题描述")
    name = models.CharField("姓名", max_length=60, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=ErrorState.choices, default=ErrorState.RECEIVED)
    received_at = models.DateTimeField("提交时间", default=now, db_index=True)
    forward_due = models.DateField("转办期限", null=True, blank=True)
    forwarded_at = models.DateTimeField("转办时间", null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handle_due = models.DateField("办理期限", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.TextField("处理结果", blank=True)
    invalid_reason = models.TextField("不予处理理由", blank=True)
    due_soon_notified_on = models.DateField(null=True, blank=True)
    overdue_notified_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "网站纠错"
        verbose_name_plural = "网站纠错"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.get_kind_display()}"

    def forwarded_on_time(self) -> bool | None:
        if not self.forwarded_at or not self.forward_due:
            return None
        return timezone.localdate(self.forwarded_at) <= self.forward_due

    def answered_on_time(self) -> bool | None:
        if not self.answered_at or not self.handle_due:
            return None
        return timezone.localdate(self.answered_at) <= self.handle_due


# --- disclosure requests (依申请公开) -----------------------------------------------------------------


class ApplicantKind(models.TextChoices):
    PERSON = "person", "自然人"
    BUSINESS = "business", "商业企业"
    RESEARCH = "research", "科研机构"
    WELFARE = "welfare", "社会公益组织"
    LEGAL = "legal", "法律服务机构"
    OTHER_ORG = "other_org", "其他组织"


class DisclosureState(models.TextChoices):
    SUBMITTED = "submitted", "待确认收到"
    CORRECTION = "correction", "待申请人补正"
    PROCESSING = "processing", "办理中"
    CONSULTING = "consulting", "征求第三方意见（暂停计时）"
    ANSWERED = "answered", "已答复"


class DisclosureRequest(models.Model):
    locality = models.CharField("地区", max_length=40, db_index=True)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="受理机关", on_delete=models.PROTECT, related_name="+"
    )
    applicant_kind = models.CharField("申请人类型", max_length=12, choices=ApplicantKind.choices)
    name = models.CharField("姓名或名称", max_length=120)
    id_number = models.CharField("身份证件号码或统一社会信用代码", max_length=40)
    contact_person = models.CharField("联系人", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=40)
    email = models.CharField("电子邮箱", max_length=120, blank=True)
    address = models.CharField("通信地址", max_length=200, blank=True)
    description = models.TextField("所需政府信息的名称、文号或者便于查询的其他特征性描述")
    form_wanted = models.CharField("获取信息的形式", max_length=40)
    delivery = models.CharField("获取信息的方式", max_length=40)

    code = models.CharField("查询码", max_length=24, unique=True)
    password_hash = models.CharField(max_length=128)
    submit_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    state = models.CharField(
        max_length=12, choices=DisclosureState.choices, default=DisclosureState.SUBMITTED
    )
    submitted_at = models.DateTimeField("提交时间", default=now, db_index=True)
    received_on = models.DateField("收到申请之日", null=True, blank=True)
    clock_start = models.DateField("期限起算日", null=True, blank=True)
    paused_workdays = models.PositiveIntegerField("不计入期限的工作日", default=0)
    pause_started_on = models.DateField("征求意见开始日", null=True, blank=True)
    third_party = models.CharField("第三方", max_length=200, blank=True)
    extension_workdays = models.PositiveIntegerField("延长工作日", default=0)
    extension_reason = models.TextField("延期理由", blank=True)
    extension_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extension_requested_workdays = models.PositiveIntegerField(default=0)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extension_notice = models.TextField("延期告知", blank=True)
    extension_notified_at = models.DateTimeField(null=True, blank=True)
    correction_notice = models.TextField("补正告知", blank=True)
    correction_requested_on = models.DateField(null=True, blank=True)
    correction_due = models.DateField("补正期限", null=True, blank=True)
    corrected_on = models.DateField("补正之日", null=True, blank=True)
    correction_text = models.TextField("补正内容", blank=True)
    due_date = models.DateField("答复期限", null=True, blank=True, db_index=True)
    outcome = models.CharField("办理结果", max_length=40, blank=True)
    reply = models.TextField("答复内容", blank=True)
    on_the_spot = models.BooleanField("当场答复", default=False)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_soon_notified_on = models.DateField(null=True, blank=True)
    overdue_notified_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "依申请公开"
        verbose_name_plural = "依申请公开"
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_person(self) -> bool:
        return self.applicant_kind == ApplicantKind.PERSON


class DisclosureEvent(models.Model):
    request = models.ForeignKey(DisclosureRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=30)
    text = models.TextField()
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
