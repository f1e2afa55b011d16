"""钦州: the cases of 第三十三条 → notice of criticism; responsibility letters (第三十条、附件2); the demo scored."""

from __future__ import annotations

import datetime
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govportal.assessment import letters
from govportal.assessment.models import LetterState, ResponsibilityLetter
from govportal.assessment.scoring import compute, standing
from govportal.rules.assessment import Period

YEAR = Period("year", 2026)
TODAY = datetime.date(2026, 12, 2)
TZ = datetime.timezone(datetime.timedelta(hours=8))


def test_a_late_letter_brings_a_notice_of_criticism_citing_article_33(
    qinzhou, edu, letter, make_person, client
):
    from govportal.documents import docx_text

    letter(edu, datetime.date(2026, 6, 10), locality="qinzhou")
    compute("qinzhou", YEAR, today=TODAY)
    s = standing("qinzhou", YEAR)
    lines = [line for line in s.lines_of(edu) if line.criticism == "online_commitment"]
    assert len(lines) == 1 and lines[0].points == 0 and "2026-06-10" in lines[0].label
    client.force_login(make_person("市人民政府办公室", "host_office"))
    doc = client.get(f"/admin/assessment/year/2026/1/unit/{edu.pk}/criticism.docx")
    text = docx_text(doc.content)
    assert "关于对市教育局给予通报批评的通报" in text
    assert "第三十三条" in text and "不能履行网上办公承诺或未能及时反馈相关信息的" in text
    # a 钦州 page never cites another locality's article
    page = client.get(f"/admin/assessment/year/2026/1/unit/{edu.pk}/").content.decode()
    assert "第十六条" not in page and "第三十三条" in page


def test_the_host_office_can_withdraw_a_case_with_its_reason(qinzhou, edu, letter, make_person, client):
    letter(edu, datetime.date(2026, 6, 10), locality="qinzhou")
    a = compute("qinzhou", YEAR, today=TODAY)
    line = a.lines.get(unit=edu, code="letter_overdue")
    client.force_login(make_person("市人民政府办公室", "site_admin"))
    url = f"/admin/assessment/year/2026/1/unit/{edu.pk}/"
    client.post(url + "adjust/", {"cancels": line.pk, "reason": "来信人撤回，经核实不属超期"})
    assert not any(c == "online_commitment" for c in _cases(edu))
    assert "来信人撤回，经核实不属超期" in client.get(url).content.decode()


def _cases(unit):
    from govportal.assessment.outputs import criticism_cases

    return list(criticism_cases(standing("qinzhou", YEAR), unit))


def _head(unit, user):
    from govportal.accounts.models import UnitResponsibility

    resp, _ = UnitResponsibility.objects.get_or_create(unit=unit)
    resp.first_responsible = user
    resp.save()


def test_letters_generated_signed_and_resigned_when_the_head_changes(qinzhou, edu, make_person, client):
    from govportal.documents import docx_text

    head = make_person("市教育局", "principal_leader")
    head.first_name = "张局长"
    head.save()
    _head(edu, head)
    admin = make_person("市人民政府办公室", "host_office")
    client.force_login(admin)
    client.post("/admin/assessment/letters/", {"year": 2026})
    letter = ResponsibilityLetter.objects.get(unit=edu, year=2026)
    assert letter.state == LetterState.PENDING and letter.head_name == "张局长"
    # due on 31 March, or 10 working days after it was made when made later in the year (not overdue at once)
    assert letter.due_date == max(datetime.date(2026, 3, 31), letters.resign_due(timezone.localdate()))
    assert letter.columns  # the columns 市教育局 answers for
    text = docx_text(client.get(f"/admin/assessment/letters/{letter.pk}/letter.docx").content)
    assert "钦州市人民政府门户网站信息保障责任书" in text and "市教育局" in text and "张局长" in text
    assert "第十条" in text and "重新签订责任书" in text
    # listed as overdue after its due date
    assert letter not in letters.overdue("qinzhou", letter.due_date)
    assert letter in letters.overdue("qinzhou", letter.due_date + datetime.timedelta(days=1))
    # the unit uploads its signed scan; content is judged (a script named .pdf is refused)
    staff = make_person("市教育局", "editor")
    client.force_login(staff)
    url = f"/admin/assessment/letters/{letter.pk}/"
    bad = client.post(
        url, {"signed_on": "2026-03-20", "scan": SimpleUploadedFile("s.pdf", b"<script>alert(1)</script>")}
    )
    assert bad.status_code == 400
    letter.refresh_from_db()
    assert letter.state == LetterState.PENDING
    pdf = SimpleUploadedFile("签订.pdf", _tiny_pdf(), content_type="application/pdf")
    ok = client.post(url, {"signed_on": "2026-03-20", "scan": pdf}, follow=True)
    assert "责任书已签订" in ok.content.decode()
    letter.refresh_from_db()
    assert letter.state == LetterState.SIGNED and letter.signed_on == datetime.date(2026, 3, 20)
    assert client.get(url + "scan/").status_code == 200
    # another unit cannot open it
    client.force_login(make_person("市财政局", "principal_leader"))
    refused = client.get(url)
    assert refused.status_code == 403 and "市教育局" in refused.content.decode()
    # the head changes: the signed letter is superseded, a new one is due within 10 working days
    new_head = make_person("市教育局", "principal_leader")
    new_head.first_name = "李局长"
    new_head.save()
    _head(edu, new_head)
    letter.refresh_from_db()
    assert letter.state == LetterState.SUPERSEDED and "张局长" in letter.superseded_reason
    fresh = letters.current(edu, 2026)
    assert fresh.pk != letter.pk and fresh.head_name == "李局长" and fresh.state == LetterState.PENDING


def test_a_letter_made_after_the_yearly_date_is_not_overdue_at_once(qinzhou, edu):
    early = letters.refresh_unit(edu, 2026, today=datetime.date(2026, 1, 10))
    assert early.due_date == datetime.date(2026, 3, 31)
    early.delete()
    late = letters.refresh_unit(edu, 2026, today=datetime.date(2026, 12, 3))
    assert late.due_date == letters.resign_due(datetime.date(2026, 12, 3)) > datetime.date(2026, 12, 3)
    assert not late.is_overdue(datetime.date(2026, 12, 3))


def _tiny_pdf() -> bytes:
    from govportal.documents import pdf_from_html

    return pdf_from_html("<p>已签订</p>")


def test_the_demo_quarter_scored_by_hand_under_xiangshan_rules(qinzhou):
    """The demo content of 钦州 (as ``govportal demo`` makes it), each item online on its 发布日期, scored for
    2026 Q4 with 象山's 第十六条 points: counted by hand from ``profiles/qinzhou/demo/*.toml``."""
    from wagtail.models import Page

    from govportal.assessment import facts, scoring
    from govportal.portal.demo_content import add_demo_items
    from govportal.rules.assessment import Rules
    from govportal.rules.profile import load_profile

    now = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=TZ)
    with mock.patch("django.utils.timezone.now", return_value=now):
        add_demo_items(qinzhou)
    for page in Page.objects.descendant_of(qinzhou).filter(live=True).specific():
        if getattr(page, "date", None):
            Page.objects.filter(pk=page.pk).update(first_published_at=page.date)
    xs = Rules.from_section(load_profile("xiangshan").sections["assessment"], locality="qinzhou")
    xs = Rules(**{**xs.__dict__, "targets": ("department", "town")})
    with (
        mock.patch.object(facts, "rules_for", return_value=xs),
        mock.patch.object(scoring.facts_mod, "rules_for", return_value=xs),
    ):
        scoring.compute("qinzhou", Period("quarter", 2026, 4), today=TODAY)
        s = scoring.standing("qinzhou", Period("quarter", 2026, 4))
    # By hand, from profiles/qinzhou/demo/*.toml (days before 2026-12-02 → 2026 Q4 from 1 October; the unit is the
    # item's own or, for the demo's program-made items, its column's only responsible unit):
    hand = {
        # 办事指南 (services), text: 1 point each
        "有限责任公司设立登记": ("市行政审批局", 1),
        "义务教育阶段新生入学登记": ("市教育局", 1),
        "城乡居民基本养老保险参保登记": ("市人力资源社会保障局", 1),
        # the policy document of 60 days before (3 October), text
        "钦州市教育局关于规范义务教育阶段学校招生入学工作的通知": ("市教育局", 1),
        # the special topic with its banner image (45 days before): image-and-text, 2 points
        "稳就业保就业专题": ("市人力资源社会保障局", 2),
        # 市统计局's two data releases with their charts (5 and 3 days before): image-and-text, 2 points each
        "2026年1—9月钦州市主要经济指标": ("市统计局", 2),
        "图说数据：2026年1—9月全市用电量和港口吞吐量": ("市统计局", 2),
    }
    # (市教育局's two 机构职能 pages are 150 days old: Q3, not counted; the interpretation and the press
    # conference belong to no department or town.)
    counted = {
        line.label.split("《", 1)[1].split("》", 1)[0]: (line.unit.name, line.points)
        for line in s.lines
        if line.kind == "item"
    }
    assert counted == hand
    expected: dict[str, int] = {}
    for unit_name, points in hand.values():
        expected[unit_name] = expected.get(unit_name, 0) + points
    assert (
        {t.unit.name: t.total for t in s.totals if t.total}
        == expected
        == {
            "市行政审批局": 1,
            "市教育局": 2,
            "市人力资源社会保障局": 3,
            "市统计局": 4,
        }
    )
    assert [t.unit.name for t in s.totals[:4]] == [
        "市统计局",
        "市人力资源社会保障局",
        "市教育局",
        "市行政审批局",
    ]
