"""What an assessment stores: the assessment of one period, every score line with its source, the
administrators' adjustments (with their reasons), and the responsibility letters (责任书)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone

from govportal.rules.assessment import Period


class PeriodKind(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"


class AssessmentState(models.TextChoices):
    DRAFT = "draft", "待发布（可重新计算）"
    ISSUED = "issued", "已印发"


class Assessment(models.Model):
    """The scores of one locality's units for one period (a month of 酉阳's ledger, a quarter, a year)."""

    locality = models.CharField("地区", max_length=40, db_index=True)
    period_kind = models.CharField("周期", max_length=10, choices=PeriodKind.choices)
    year = models.PositiveIntegerField("年度")
    number = models.PositiveSmallIntegerField("序号", default=1, help_text="月份、季度或 1（年度）")
    state = models.CharField(
        "状态", max_length=10, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    document_number = models.CharField("通报文号", max_length=60, blank=True)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "考核"
        verbose_name_plural = "考核"
        ordering = ["-year", "-number", "period_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "period_kind", "year", "number"], name="assessment_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period.label}考核"

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.year, self.number)


class LineKind(models.TextChoices):
    ITEM = "item", "发布信息计分"
    DUPLICATE = "duplicate", "同一信息不重复计分"
    DEDUCTION = "deduction", "扣分或问题"
    ADJUSTMENT = "adjustment", "管理员调整"


class RefType(models.TextChoices):
    PAGE = "page", "信息"
    FINDING = "finding", "错敏检查发现"
    COLUMN = "column", "栏目"
    LETTER = "letter", "信件"
    ADJUSTMENT = "adjustment", "调整记录"


class ScoreLine(models.Model):
    """One point given or taken (or a zero line that explains why not), traceable to what made it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="lines")
    unit = models.ForeignKey("accounts.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    points = models.IntegerField("分值")
    kind = models.CharField("类别", max_length=12, choices=LineKind.choices)
    code = models.CharField("规则", max_length=40)
    label = models.CharField("说明", max_length=500)
    article = models.CharField("依据条款", max_length=60, blank=True)
    ref_type = models.CharField("来源类型", max_length=12, choices=RefType.choices)
    ref_id = models.BigIntegerField("来源编号", null=True, blank=True)
    day = models.DateField("日期", null=True, blank=True)
    criticism = models.CharField("通报批评情形", max_length=40, blank=True)
    adjustment = models.OneToOneField(
        "Adjustment", null=True, blank=True, on_delete=models.CASCADE, related_name="line"
    )
    cancelled_by = models.ForeignKey(
        "Adjustment",
        verbose_name="被调整撤销",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cancelled_lines",
    )

    class Meta:
        verbose_name = "计分明细"
        verbose_name_plural = "计分明细"
        ordering = ["unit_id", "kind", "day", "id"]
        indexes = [models.Index(fields=["assessment", "unit"], name="scoreline_assessment_unit")]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.label}"


class Adjustment(models.Model):
    """An administrator's change to a unit's score (or a finding only a person can make, e.g. 象山
    第十六条 “引起社会舆论”), always with its reason; never edited or deleted."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="adjustments")
    unit = models.ForeignKey("accounts.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    points = models.IntegerField("调整分值", default=0)
    rule_code = models.CharField("认定的情形", max_length=40, blank=True)
    reason = models.TextField("理由")
    # A line this adjustment cancels, by what made it (lines are rebuilt when the period is recomputed).
    cancels_ref_type = models.CharField("撤销的计分来源类型", max_length=12, blank=True)
    cancels_ref_id = models.BigIntegerField("撤销的计分来源编号", null=True, blank=True)
    cancels_code = models.CharField("撤销的计分规则", max_length=40, blank=True)
    cancels_label = models.CharField("撤销的计分", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="调整人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("调整时间", default=timezone.now)

    class Meta:
        verbose_name = "分数调整记录"
        verbose_name_plural = "分数调整记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.points:+d}：{self.reason[:30]}"


class IssueState(models.TextChoices):
    ISSUED = "issued", "已印发"
    SUPERSEDED = "superseded", "已被更正版本取代"


class Issue(models.Model):
    """The 印发 of a notice or ranking period (版本 1, 2, …): the results inside it are frozen while it stands,
    and the official document as issued is kept. A later change needs a new version: the issuer withdraws
    this one with a reason (kept), the period is open to adjustments again, and the next 印发 is version 2."""

    locality = models.CharField("地区", max_length=40, db_index=True)
    period_kind = models.CharField("周期", max_length=10, choices=PeriodKind.choices)
    year = models.PositiveIntegerField("年度")
    number = models.PositiveSmallIntegerField("序号", default=1)
    version = models.PositiveSmallIntegerField("版本", default=1)
    state = models.CharField("状态", max_length=12, choices=IssueState.choices, default=IssueState.ISSUED)
    document_number = models.CharField("文号", max_length=60)
    issued_at = models.DateTimeField("印发时间", default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="印发人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    public = models.BooleanField("向社会公开", default=False)
    docx = models.BinaryField("印发的通报（docx）", editable=False)
    pdf = models.BinaryField("印发的通报（PDF）", editable=False)
    superseded_reason = models.CharField("更正原因", max_length=500, blank=True)
    superseded_at = models.DateTimeField("更正时间", null=True, blank=True)
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "考核结果印发记录"
        verbose_name_plural = "考核结果印发记录"
        ordering = ["-year", "-number", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["locality", "period_kind", "year", "number", "version"],
                name="assessment_issue_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period.label}考核结果（{self.document_number}，第{self.version}版）"

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.year, self.number)


# --- responsibility letters (钦州办法第三十条、附件2) ------------------------------------------------------


class PrivateLetterStorage(FileSystemStorage):
    """Signed scans carry signatures and seals: kept in ``$GOVPORTAL_HOME/private``, outside MEDIA_ROOT,
    and served only through the permission-checked view."""

    @property
    def base_location(self):
        return os.fspath(Path(settings.DATA_DIR) / "private")

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_storage() -> FileSystemStorage:
    return PrivateLetterStorage()


def scan_path(instance: ResponsibilityLetter, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"responsibility/{instance.year}/{instance.unit_id}-{timezone.now():%Y%m%d%H%M%S%f}.{ext}"


class LetterState(models.TextChoices):
    PENDING = "pending", "待签订"
    SIGNED = "signed", "已签订"
    SUPERSEDED = "superseded", "已失效（须重新签订）"


class ResponsibilityLetter(models.Model):
    """A unit's 网站内容保障责任书 of one year, as generated from the profile's template with the unit's
    columns and people; signed when its scan is uploaded; superseded when the unit head changes."""

    locality = models.CharField("地区", max_length=40, db_index=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="责任单位",
        on_delete=models.CASCADE,
        related_name="responsibility_letters",
    )
    year = models.PositiveIntegerField("年度")
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="单位负责人（第一责任人）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    head_name = models.CharField("单位负责人姓名", max_length=60, blank=True)
    columns = models.JSONField("负责的栏目", default=list, blank=True)
    people = models.JSONField("责任人", default=dict, blank=True)
    due_date = models.DateField("签订期限")
    state = models.CharField("状态", max_length=12, choices=LetterState.choices, default=LetterState.PENDING)
    generated_at = models.DateTimeField("生成时间", default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scan = models.FileField("签订扫描件", storage=private_storage, upload_to=scan_path, blank=True)
    scan_name = models.CharField("扫描件原文件名", max_length=200, blank=True)
    signed_on = models.DateField("签订日期", null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", null=True, blank=True)
    superseded_reason = models.CharField("失效原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "网站内容保障责任书"
        verbose_name_plural = "网站内容保障责任书"
        ordering = ["-year", "unit__sort_order", "unit_id", "-generated_at"]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}年责任书"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state == LetterState.PENDING and today > self.due_date
