"""Data releases: tables pasted or imported, shown as table and chart, queryable, downloadable."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from govportal.portal.data_tables import DataTableError, parse_rows, rows_from_file, rows_from_text
from govportal.portal.models import DataReleasePage
from tests.conftest import column

from .kinds import publish

pytestmark = pytest.mark.django_db

TABLE = "指标\t单位\t2026年1-3月\t2026年1-6月\n地区生产总值\t亿元\t452.3\t938.7\n社会消费品零售总额\t亿元\t126.5\t251.8\n"


def test_wide_and_long_tables_parse_to_the_same_thing():
    wide = parse_rows(rows_from_text(TABLE))
    long = parse_rows(
        rows_from_text(
            "指标,期间,数值,单位\n地区生产总值,2026年1-3月,452.3,亿元\n地区生产总值,2026年1-6月,938.7,亿元\n"
            "社会消费品零售总额,2026年1-3月,126.5,亿元\n社会消费品零售总额,2026年1-6月,251.8,亿元\n"
        )
    )
    assert wide.to_dict() == long.to_dict()
    assert wide.periods == ["2026年1-3月", "2026年1-6月"]
    assert wide.rows[0] == {"indicator": "地区生产总值", "unit": "亿元", "values": [452.3, 938.7]}


def test_bad_tables_are_explained_by_row_and_column():
    with pytest.raises(DataTableError) as exc:
        parse_rows(rows_from_text("名目\t2026年\nGDP\t1"))
    assert "须有「指标」列" in exc.value.problems[0]
    with pytest.raises(DataTableError) as exc:
        parse_rows(rows_from_text("指标\t2025年\t2026年\n产量\t十二\t13\n产量\t1\t2\n\t3\t4"))
    problems = "；".join(exc.value.problems)
    assert "第2行第2列（2025年）「十二」不是数字" in problems
    assert "第3行指标「产量」重复" in problems and "第4行没有指标名称" in problems


def test_values_may_carry_thousands_separators_percent_and_blanks():
    table = parse_rows(rows_from_text('指标,2025年,2026年\n人口,"1,234",—\n增速,5.2%,-0.3\n'))
    assert table.rows[0]["values"] == [1234.0, None] and table.rows[1]["values"] == [5.2, -0.3]


def _release(qinzhou, **fields):
    values = {"data_text": TABLE, "data": parse_rows(rows_from_text(TABLE)).to_dict(), "chart_type": "bar"}
    values.update(fields)
    return publish(
        column(qinzhou, "钦州数据", "数据发布", "国民经济主要指标"),
        DataReleasePage,
        "2026年上半年主要经济指标",
        **values,
    )


def test_release_page_shows_table_chart_and_query_form(client, qinzhou):
    page = _release(qinzhou)
    html = client.get(page.url).content.decode()
    assert "<caption" in html and "地区生产总值" in html and "938.7" in html and "亿元" in html
    assert 'id="data-chart"' in html and 'role="img"' in html
    assert "/static/vendor/echarts/echarts.min.js" in html  # served by the site itself
    assert 'name="indicator"' in html and 'name="period"' in html


def test_query_by_indicator_and_period(client, qinzhou):
    page = _release(qinzhou)
    html = client.get(page.url, {"indicator": "社会消费品零售总额", "period": "2026年1-6月"}).content.decode()
    table = html.split("<table", 1)[1]
    assert "社会消费品零售总额" in table and "251.8" in table
    assert "地区生产总值</th>" not in table and "126.5" not in table


def test_downloads_in_three_machine_readable_formats(client, qinzhou):
    page = _release(qinzhou)
    response = client.get(page.url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["指标", "单位", "2026年1-3月", "2026年1-6月"] and rows[1] == [
        "地区生产总值",
        "亿元",
        "452.3",
        "938.7",
    ]
    response = client.get(page.url, {"format": "json", "indicator": "地区生产总值"})
    data = json.loads(response.content)
    assert data["title"] == page.title and [r["indicator"] for r in data["rows"]] == ["地区生产总值"]
    assert {"指标": "地区生产总值", "单位": "亿元", "期间": "2026年1-3月", "数值": 452.3} in data["records"]
    response = client.get(page.url, {"format": "xlsx"})
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[2]] == ["地区生产总值", "亿元", 452.3, 938.7]
    assert "attachment" in response["Content-Disposition"]


def test_import_from_an_uploaded_xlsx_or_csv(qinzhou):
    from openpyxl import Workbook
    from wagtail.documents import get_document_model

    wb = Workbook()
    wb.active.append(["指标", "单位", "2026年1月", "2026年2月"])
    wb.active.append(["全市用电量", "亿千瓦时", 18.2, 15.9])
    out = io.BytesIO()
    wb.save(out)
    doc = get_document_model()(title="用电量")
    doc.file.save("ydl.xlsx", ContentFile(out.getvalue()), save=False)
    doc.save()
    page = DataReleasePage(title="用电量", data_file=doc)
    page.clean()
    assert page.data["rows"][0]["values"] == [18.2, 15.9]
    assert page.data_text.splitlines()[1] == "全市用电量\t亿千瓦时\t18.2\t15.9"

    bad = get_document_model()(title="坏文件")
    bad.file.save("bad.csv", ContentFile("指标,2026年\n用电量,很多\n".encode("gbk")), save=False)
    bad.save()
    with pytest.raises(ValidationError) as exc:
        DataReleasePage(title="坏", data_file=bad).clean()
    assert "第2行第2列（2026年）「很多」不是数字" in exc.value.message_dict["data_file"][0]


def test_unsupported_file_type_is_named():
    with pytest.raises(DataTableError) as exc:
        rows_from_file("表.pdf", b"%PDF")
    assert "请上传 .xlsx 或 .csv 文件" in exc.value.problems[0]


def test_a_release_with_no_data_says_so(client, qinzhou):
    page = _release(qinzhou, data_text="", data={})
    assert "本期数据尚未录入" in client.get(page.url).content.decode()
