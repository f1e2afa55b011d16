"""The responsibility table as a spreadsheet: export, edit, import; a bad sheet changes nothing."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from govportal.portal.columns import export_columns_xlsx, import_columns_xlsx, main_columns
from govportal.portal.models import ColumnPage
from govportal.rules.profile import ProfileError
from tests.conftest import column

pytestmark = pytest.mark.django_db


def _sheet(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    return wb, wb.active


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row_of(ws, *path):
    for row in ws.iter_rows(min_row=2):
        cells = [c.value or "" for c in row[: len(path)]]
        rest = [c.value for c in row[len(path) : 4]]
        if tuple(cells) == path and not any(rest):
            return row
    raise LookupError(path)


def test_export_has_the_annex_shape(qinzhou):
    wb, ws = _sheet(export_columns_xlsx(qinzhou))
    header = [c.value for c in ws[1]]
    assert header[:4] == ["频道", "一级栏目", "二级栏目", "三级栏目"]
    assert header[4:9] == ["具体内容", "更新频率", "保障单位", "保障方式", "链接"]
    assert ws.max_row - 1 == main_columns(qinzhou).count() == 238
    row = _row_of(ws, "概览钦州", "钦州概况")
    assert row[5].value == "6个月内"
    assert "市人民政府办公室牵头" in row[6].value


def test_round_trip_changes_nothing(qinzhou):
    report = import_columns_xlsx(qinzhou, export_columns_xlsx(qinzhou))
    assert (report.columns_created, report.columns_updated) == (0, 0)
    assert report.columns_unchanged == 238


def test_edited_sheet_updates_the_site(qinzhou):
    wb, ws = _sheet(export_columns_xlsx(qinzhou))
    row = _row_of(ws, "概览钦州", "建置沿革")
    row[5].value = "3个月"
    row[6].value = "市地方志办、市统计局"
    new = [None] * ws.max_column
    new[:3] = ["概览钦州", "钦州名人", None]
    new[4], new[5], new[6] = "发布钦州历史名人介绍。", "按需更新", "市地方志办"
    ws.append(new)
    report = import_columns_xlsx(qinzhou, _save(wb))
    assert (report.columns_created, report.columns_updated) == (1, 1)

    history = column(qinzhou, "概览钦州", "建置沿革")
    assert history.frequency_text == "3个月"
    assert history.frequency["kind"] == "max_gap" and history.frequency["amount"] == 3
    assert sorted(u.name for u in history.units.all()) == ["市地方志办", "市统计局"]
    assert column(qinzhou, "概览钦州", "钦州名人").content_description == "发布钦州历史名人介绍。"


def test_renaming_by_number_keeps_the_column(qinzhou):
    wb, ws = _sheet(export_columns_xlsx(qinzhou))
    row = _row_of(ws, "概览钦州", "人文旅游")
    page_id = int(row[-1].value)
    row[1].value = "人文与旅游"
    import_columns_xlsx(qinzhou, _save(wb))
    assert ColumnPage.objects.get(pk=page_id).title == "人文与旅游"


def test_bad_sheet_is_refused_with_rows_and_nothing_applied(qinzhou):
    wb, ws = _sheet(export_columns_xlsx(qinzhou))
    first = _row_of(ws, "概览钦州", "建置沿革")
    first[5].value = "3个月"  # valid on its own, must not be applied either
    bad_unit = _row_of(ws, "概览钦州", "行政区划")
    bad_unit[6].value = "市不存在局"
    bad_freq = _row_of(ws, "便民服务", "天气预警")
    bad_freq[5].value = "偶尔"
    with pytest.raises(ProfileError) as exc:
        import_columns_xlsx(qinzhou, _save(wb))
    text = str(exc.value)
    assert f"第{bad_unit[0].row}行" in text and "市不存在局" in text
    assert f"第{bad_freq[0].row}行" in text and "偶尔" in text
    assert column(qinzhou, "概览钦州", "建置沿革").frequency_text == "及时更新"


def test_not_a_workbook_is_refused(qinzhou):
    with pytest.raises(ProfileError, match="无法读取为 .xlsx"):
        import_columns_xlsx(qinzhou, b"this is not a spreadsheet")


def test_wrong_header_is_refused(qinzhou):
    wb = Workbook()
    wb.active.append(["栏目", "频率"])
    wb.active.append(["概览钦州", "10天"])
    with pytest.raises(ProfileError):
        import_columns_xlsx(qinzhou, _save(wb))


def test_admin_page_upload_and_download(client, qinzhou, make_person):
    admin = make_person("市人民政府办公室电子政务中心", "site_admin")
    client.force_login(admin)
    page = client.get(reverse("column_table"))
    assert page.status_code == 200 and "栏目内容保障责任表" in page.content.decode()
    download = client.get(reverse("column_table_export"), {"home": qinzhou.pk})
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")

    wb, ws = _sheet(download.content)
    _row_of(ws, "便民服务", "天气预警")[5].value = "偶尔"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("columns.xlsx", _save(wb))
    response = client.post(reverse("column_table"), {"home": qinzhou.pk, "file": upload})
    html = response.content.decode()
    assert "表格未被应用" in html and "偶尔" in html

    txt = SimpleUploadedFile("columns.txt", b"x")
    response = client.post(reverse("column_table"), {"home": qinzhou.pk, "file": txt})
    assert "只接受 Excel 工作簿" in response.content.decode()


def test_editor_cannot_open_the_table(client, make_person):
    client.force_login(make_person("市教育局", "editor"))
    response = client.get(reverse("column_table"))
    assert response.status_code in (302, 403)
    assert "栏目内容保障责任表" not in response.content.decode()
    menu = client.get("/admin/").content.decode()
    assert "栏目责任表" not in menu


def test_a_site_path_link_as_the_export_writes_it_is_re_imported(qinzhou):
    # issue 19: the demo's 政务咨询 links to /xinjian/; the exported sheet must come back as it went out
    col = column(qinzhou, "概览钦州", "钦州概况")
    col.link_url = "/xinjian/"
    col.save_revision().publish()
    report = import_columns_xlsx(qinzhou, export_columns_xlsx(qinzhou))
    assert (report.columns_created, report.columns_updated) == (0, 0)
    col.refresh_from_db()
    assert col.link_url == "/xinjian/"


def test_an_unknown_unit_is_added_after_the_administrator_confirms(client, qinzhou, make_person):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from govportal.accounts.models import Unit

    admin = make_person("市人民政府办公室电子政务中心", "site_admin")
    client.force_login(admin)
    wb, ws = _sheet(export_columns_xlsx(qinzhou))
    _row_of(ws, "概览钦州", "建置沿革")[6].value = "市低空经济发展局"
    upload = SimpleUploadedFile("columns.xlsx", _save(wb))
    html = client.post(reverse("column_table"), {"home": qinzhou.pk, "file": upload}).content.decode()
    assert "本网站尚未登记：市低空经济发展局" in html and "profile.toml" not in html
    assert not Unit.objects.filter(locality="qinzhou", name="市低空经济发展局").exists()

    import re

    token = re.search(r'name="confirm_units" value="([^"]+)"', html).group(1)
    html = client.post(reverse("column_table"), {"confirm_units": token}).content.decode()
    assert "已应用" in html and "单位：新增 1" in html
    unit = Unit.objects.get(locality="qinzhou", name="市低空经济发展局")
    assert unit in column(qinzhou, "概览钦州", "建置沿革").units.all()
    # the pending sheet is used once
    html = client.post(reverse("column_table"), {"confirm_units": token}).content.decode()
    assert "已失效" in html
