"""Data releases (数据发布): statistical tables shown as a table and a chart, queryable, downloadable."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from ..data_tables import DataTable, DataTableError, parse_rows, rows_from_file, rows_from_text
from .items import ItemPage, MediaKind


class ChartType(models.TextChoices):
    LINE = "line", "折线图"
    BAR = "bar", "柱状图"
    NONE = "none", "不显示图表"


class DataReleasePage(ItemPage):
    """数据发布: a statistical table entered (pasted from Excel/WPS) or imported from an xlsx/CSV file,
    shown as a table and a chart, queryable by indicator and period, downloadable as CSV, XLSX and JSON
    (钦州办法第七条（一）机器可读；附件1 数据发布：可按数据项、时间周期检索，动态生成图表，提供下载)."""

    period_type = models.CharField(
        "统计周期",
        max_length=10,
        choices=[("月度", "月度"), ("季度", "季度"), ("年度", "年度"), ("不定期", "不定期")],
        default="月度",
    )
    data_text = models.TextField(
        "数据表",
        blank=True,
        help_text="从 Excel/WPS 复制粘贴，或填写 CSV。第一行为表头：指标、单位、各统计期（如 2026年1-3月）；其下每行一个指标。",
    )
    data_file = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="导入数据文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="上传 .xlsx 或 .csv 文件后保存，表格内容将导入上面的数据表。",
    )
    data = models.JSONField("数据（结构化）", default=dict, blank=True, editable=False)
    chart_type = models.CharField("图表", max_length=6, choices=ChartType.choices, default=ChartType.LINE)
    body = RichTextField("说明与解读", blank=True)

    content_panels = (
        Page.content_panels
        + [
            FieldPanel("period_type"),
            FieldPanel("data_file"),
            FieldPanel("data_text"),
            FieldPanel("chart_type"),
            FieldPanel("body"),
        ]
        + ItemPage.item_panels
    )
    search_fields = ItemPage.search_fields + [index.SearchField("body"), index.SearchField("data_text")]
    always_in_catalogue = True
    text_fields = ("body",)
    kind_label = "数据发布"

    class Meta:
        verbose_name = "数据发布"
        verbose_name_plural = "数据发布"
        ordering = ["-date"]

    @property
    def table(self):

        return DataTable.from_dict(self.data)

    @property
    def media_kind(self) -> str:
        return MediaKind.IMAGE if self.data and self.chart_type != ChartType.NONE else super().media_kind

    def clean(self):
        super().clean()

        try:
            if self.data_file_id and self._data_file_changed():
                f = self.data_file
                with f.file.open("rb") as fh:
                    rows = rows_from_file(f.file.name, fh.read())
                table = parse_rows(rows)
                self.data_text = _table_as_text(table)
            elif self.data_text.strip():
                table = parse_rows(rows_from_text(self.data_text))
            else:
                table = DataTable()
        except DataTableError as exc:
            field = "data_file" if self.data_file_id and self._data_file_changed() else "data_text"
            raise ValidationError({field: ["数据表有误：" + p for p in exc.problems]}) from exc
        self.data = table.to_dict() if table else {}

    def _data_file_changed(self) -> bool:
        if not self.pk:
            return True
        old = type(self).objects.filter(pk=self.pk).values_list("data_file_id", flat=True).first()
        return old != self.data_file_id or not self.data_text.strip()

    def serve(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt in ("csv", "xlsx", "json"):
            return self.download(request, fmt)
        return super().serve(request, *args, **kwargs)

    def query(self, request):
        table = self.table
        indicators = [i for i in request.GET.getlist("indicator") if i]
        periods = [p for p in request.GET.getlist("period") if p]
        return table.select(indicators, periods), indicators, periods

    def download(self, request, fmt):
        from django.http import HttpResponse
        from django.utils.http import content_disposition_header

        table, _, _ = self.query(request)
        name = f"{self.title}.{fmt}"
        if fmt == "csv":
            response = HttpResponse(table.to_csv(), content_type="text/csv; charset=utf-8")
        elif fmt == "xlsx":
            response = HttpResponse(
                table.to_xlsx(self.title),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            meta = {
                "title": self.title,
                "period_type": self.period_type,
                "source": self.source,
                "date": self.date.isoformat(),
            }
            response = HttpResponse(table.to_json(meta), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        selected, indicators, periods = self.query(request)
        context.update(
            {
                "selected": selected,
                "chosen_indicators": indicators,
                "chosen_periods": periods,
                # Rendered with json_script (escapes <, >, &): rows are typed by editors and imported.
                "chart_data": {
                    "type": self.chart_type,
                    "periods": selected.periods,
                    "rows": selected.rows[:8],
                },
                "query_string": request.GET.urlencode(),
            }
        )
        return context


def _table_as_text(table) -> str:
    lines = ["\t".join(table.header())]
    for row in table.body_rows():
        lines.append(
            "\t".join(
                "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                for v in row
            )
        )
    return "\n".join(lines)
