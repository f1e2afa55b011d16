"""政府信息公开工作年度报告: table 二 from the policy documents (made / repealed / in force), table 三 from the
disclosure requests with its invariants on random data, table 四 typed in, the draft kept per unit and out
of other units' reach, exports in xlsx, docx and PDF."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from govportal.assessment.annual import disclosure as dis
from govportal.assessment.annual.models import DisclosureReport
from govportal.interaction.disclosure import OUTCOMES
from govportal.interaction.models import ApplicantKind, DisclosureRequest

from .conftest import at

pytestmark = pytest.mark.django_db

POLICY = ("政府信息公开", "政策文件")


def doc(put, unit, *, written, genre="规范性文件", validity="有效", changed=None, note="", **extra):
    from govportal.portal.models import PolicyDocumentPage

    return put(
        PolicyDocumentPage,
        POLICY,
        written,
        issuing_organ="钦州市教育局",
        body="<p>正文</p>",
        unit=unit,
        genre=genre,
        date_written=written,
        validity=validity,
        validity_date=changed,
        validity_note=note,
        **extra,
    )


def test_table_two_counts_made_repealed_and_in_force(put, units):
    edu, health = units("市教育局"), units("市卫生健康委")
    doc(put, edu, written=date(2024, 3, 1))  # in force
    doc(
        put,
        edu,
        written=date(2025, 3, 1),
        validity="已废止",
        changed=date(2026, 6, 1),
        note="钦教规〔2026〕1号",
    )
    doc(put, edu, written=date(2025, 5, 1), validity="已失效", changed=date(2025, 12, 31), note="有效期届满")
    doc(put, edu, written=date(2026, 2, 1))  # made in 2026
    doc(
        put,
        edu,
        written=date(2026, 4, 1),
        validity="已修改",
        changed=date(2026, 9, 1),
        note="钦教规〔2026〕2号",
    )
    doc(
        put, edu, written=date(2026, 10, 1), validity="已废止", changed=date(2027, 2, 1), note="x"
    )  # repealed later
    doc(put, edu, written=date(2027, 1, 5))  # next year
    doc(put, edu, written=date(2026, 5, 5), genre="规章")
    doc(put, edu, written=date(2026, 5, 6), genre="通知")  # not counted in table 二
    doc(put, health, written=date(2026, 5, 7))
    two = dict(dis.table_two("qinzhou", 2026, edu))
    # by hand, 规范性文件 of 市教育局: made in 2026 = 2月1日, 4月1日, 10月1日 → 3; repealed in 2026 = 1;
    # in force at 2026-12-31 = 2024-03-01, 2026-02-01, 2026-04-01 (amended still in force), 2026-10-01 → 4
    assert two["行政规范性文件"] == [3, 1, 4]
    assert two["规章"] == [1, 0, 1]
    gov = dict(dis.table_two("qinzhou", 2026))
    assert gov["行政规范性文件"] == [4, 1, 5]


KINDS = [k for k, _ in ApplicantKind.choices]
CODES = [code for code, _, _ in OUTCOMES]


def random_requests(units, rng: random.Random, n: int) -> list[dict]:
    made = []
    unit_list = [units("市教育局"), units("市卫生健康委")]
    for i in range(n):
        received = date(2025, 10, 1) + timedelta(days=rng.randrange(0, 520))
        answered = received + timedelta(days=rng.randrange(0, 60)) if rng.random() < 0.8 else None
        outcome = rng.choice(CODES) if answered else ""
        kind = rng.choice(KINDS)
        unit = rng.choice(unit_list)
        DisclosureRequest.objects.create(
            locality="qinzhou",
            unit=unit,
            applicant_kind=kind,
            name=f"申请人{i}",
            id_number="x",
            phone="1",
            description="d",
            form_wanted="纸质",
            delivery="邮寄",
            code=f"R{i:06d}",
            password_hash="x",
            submitted_at=at(received),
            received_on=received,
            answered_at=at(answered) if answered else None,
            outcome=outcome,
        )
        made.append(
            {"kind": kind, "unit": unit, "received": received, "answered": answered, "outcome": outcome}
        )
    return made


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_table_three_total_is_the_sum_on_random_data(units, seed):
    rng = random.Random(seed)
    made = random_requests(units, rng, 120)
    report = DisclosureReport(locality="qinzhou", unit=None, year=2026)
    t = dis.tables(report)
    assert t.three_columns == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
    rows = dict(t.three)
    for label, values in t.three:
        assert values[-1] == sum(values[:-1]), label  # 总计 = the six columns
    outcome_rows = [v for label, v in t.three if label.startswith("三、") and "（七）总计" not in label]
    assert len(outcome_rows) == len(OUTCOMES)
    total = rows["三、本年度办理结果 （七）总计"]
    assert total == [sum(col) for col in zip(*outcome_rows, strict=True)]  # (七) = the sum of the results
    new, carried = rows["一、本年新收政府信息公开申请数量"], rows["二、上年结转政府信息公开申请数量"]
    out = rows["四、结转下年度继续办理"]
    assert [a + b for a, b in zip(new, carried, strict=True)] == [
        a + b for a, b in zip(total, out, strict=True)
    ]
    # against counts made by hand from what was created
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    order = [
        ApplicantKind.PERSON,
        ApplicantKind.BUSINESS,
        ApplicantKind.RESEARCH,
        ApplicantKind.WELFARE,
        ApplicantKind.LEGAL,
        ApplicantKind.OTHER_ORG,
    ]
    hand_new = [sum(1 for m in made if m["kind"] == k and start <= m["received"] <= end) for k in order]
    assert new == hand_new + [sum(hand_new)]
    hand_granted = [
        sum(
            1
            for m in made
            if m["kind"] == k
            and m["outcome"] == "granted"
            and m["answered"]
            and start <= m["answered"] <= end
            and m["received"] <= end
        )
        for k in order
    ]
    assert rows["三、本年度办理结果 （一）予以公开"] == hand_granted + [sum(hand_granted)]
    # one unit's report counts only its requests
    edu = units("市教育局")
    t_edu = dis.tables(DisclosureReport(locality="qinzhou", unit=edu, year=2026))
    edu_new = sum(1 for m in made if m["unit"] == edu and start <= m["received"] <= end)
    assert dict(t_edu.three)["一、本年新收政府信息公开申请数量"][-1] == edu_new


def form_data(**extra):
    data = {
        "overview": "2026年，市教育局认真贯彻《中华人民共和国政府信息公开条例》。",
        "problems": "主动公开的及时性有待提高。",
        "other_matters": "",
        "review_upheld": "1",
        "review_corrected": "2",
        "suit_direct_pending": "3",
    }
    data.update(extra)
    return data


def test_the_draft_is_kept_validated_in_chinese_and_published(client, people, units):
    edu = units("市教育局")
    client.force_login(people.editor)
    url = f"/admin/annual/disclosure/{edu.pk}/2026/"
    html = client.get(url).content.decode()
    assert "2027年1月31日前公布" in html and "第四十九条" in html and "本年新收政府信息公开申请数量" in html
    html = client.post(
        url, form_data(review_other="-1", suit_after_upheld="两件", fees_amount="abc")
    ).content.decode()
    assert "「行政复议·其他结果」不能小于 0。" in html
    assert "「复议后起诉·结果维持」请填写整数" in html
    assert "「行政事业性收费·本年收费金额（万元）」请填写数字" in html
    assert "认真贯彻《中华人民共和国政府信息公开条例》" in html  # kept
    assert not DisclosureReport.objects.exists()
    assert client.post(url, form_data(overview="", action="save")).status_code == 302  # a draft may be empty
    html = client.post(url, form_data(overview="", action="publish")).content.decode()
    assert "还不能公布" in html and "第五十条" in html and "请填写“一、总体情况”" in html
    assert not DisclosureReport.objects.get().published_at
    assert client.post(url, form_data(action="publish")).status_code == 302
    report = DisclosureReport.objects.get()
    assert report.published_at and report.unit == edu
    assert dict(report.table_four())["行政复议"] == [1, 2, 0, 0, 3]
    assert report.snapshot["four"][1] == ["未经复议直接起诉", [0, 0, 0, 3, 3]]
    client.logout()
    html = client.get(f"/nianbao/gongkai/{report.pk}/").content.decode()
    assert "市教育局2026年政府信息公开工作年度报告" in html and "主动公开的及时性有待提高" in html


def test_another_unit_cannot_see_or_edit_a_departments_draft(client, people, units):
    edu = units("市教育局")
    DisclosureReport.objects.create(locality="qinzhou", unit=edu, year=2026, overview="草稿内容保密")
    url = f"/admin/annual/disclosure/{edu.pk}/2026/"
    client.force_login(people.other)
    for response in (
        client.get(url),
        client.post(url, form_data()),
        client.get(url + "pdf/"),
        client.get(url + "xlsx/"),
    ):
        assert response.status_code == 403
        html = response.content.decode()
        assert "该年度报告属于「市教育局」" in html and "草稿内容保密" not in html
    assert DisclosureReport.objects.get().overview == "草稿内容保密"
    # the host office sees it, but does not edit a department's report
    client.force_login(people.host)
    assert "草稿内容保密" in client.get(url).content.decode()
    assert client.post(url, form_data()).status_code == 403
    # a department does not edit the government's report
    client.force_login(people.editor)
    response = client.get("/admin/annual/disclosure/gov/2026/")
    assert response.status_code == 403 and "钦州市人民政府" in response.content.decode()
    client.force_login(people.host)
    html = client.get("/admin/annual/disclosure/gov/2026/").content.decode()
    assert "钦州市人民政府2026年政府信息公开工作年度报告" in html and "2027年3月31日前公布" in html


def test_exports_xlsx_docx_and_pdf(client, people, units):
    from govportal.documents import docx_text

    edu = units("市教育局")
    client.force_login(people.editor)
    url = f"/admin/annual/disclosure/{edu.pk}/2026/"
    client.post(url, form_data(overview='=HYPERLINK("http://x","点")总体情况', action="save"))
    wb = load_workbook(io.BytesIO(client.get(url + "xlsx/").content))
    assert wb.sheetnames[:3] == [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    cell = wb["文字部分"]["B1"]
    assert cell.data_type == "s" and cell.quotePrefix
    text = docx_text(client.get(url + "docx/").content)
    assert "市教育局2026年政府信息公开工作年度报告" in text and "三、收到和处理政府信息公开申请情况" in text
    pdf = client.get(url + "pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(url + "exe/").status_code == 404
