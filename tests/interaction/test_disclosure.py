"""Disclosure requests under the 2019 Regulation: receipt, 20 working days, correction restarts the clock,
third-party consultation pauses it, one extension of at most 20 working days with the head's approval,
on-the-spot answers, and the annual report's table."""

from __future__ import annotations

import re
from datetime import date

import pytest

from govportal.interaction import disclosure as flow
from govportal.interaction.models import ApplicantKind, DisclosureRequest, DisclosureState, PersonalDataAccess
from govportal.interaction.workflow import WorkflowError
from tests.factories import disclosure_request

from .conftest import solve_form

pytestmark = pytest.mark.django_db


def test_the_public_form_takes_a_citizen_or_an_organisation(client, qinzhou, units):
    page = client.get("/yishenqing/")
    html = page.content.decode()
    assert "20 个工作日内答复" in html and "第三十条" in html
    token, answer = solve_form(html)
    data = {
        "token": token,
        "captcha": answer,
        "applicant_kind": "legal",
        "name": "某律师事务所",
        "id_number": "31450000MD0000000X",
        "phone": "0777-2800000",
        "unit": units("市教育局").pk,
        "description": "关于某民办学校办学许可的审批文件。",
        "form_wanted": "电子邮件",
        "delivery": "电子邮件",
    }
    html = client.post("/yishenqing/", data).content.decode()
    assert "法人或其他组织申请时，请填写联系人" in html and "请填写电子邮箱" in html
    assert "关于某民办学校办学许可的审批文件。" in html  # kept
    data.update(contact_person="陈律师", email="law@example.com")
    html = client.post("/yishenqing/", data).content.decode()
    assert "申请已提交" in html
    code = re.search(r'id="query-code">([^<]+)<', html).group(1)
    password = re.search(r'id="query-password">([^<]+)<', html).group(1)
    req = DisclosureRequest.objects.get(code=code)
    assert req.applicant_kind == "legal" and req.state == DisclosureState.SUBMITTED
    html = client.post("/yishenqing/chaxun/", {"code": code, "password": password}).content.decode()
    assert "待确认收到" in html and "第三十一条" in html
    assert "31450000MD0000000X" not in html


def test_twenty_working_days_from_the_confirmed_receipt(people, units, clock):
    clock.set(date(2026, 9, 28))
    req = disclosure_request()
    clock.set(date(2026, 9, 29))
    flow.confirm_receipt(req, people.editor)
    req.refresh_from_db()
    assert req.received_on == date(2026, 9, 29)
    # 30 Sep, then 8, 9, 10 Oct (10 Oct a make-up Saturday), …: the 20th working day after 29 Sep is 2 November
    assert req.due_date == date(2026, 11, 2)
    with pytest.raises(WorkflowError, match="市教育局的工作人员"):
        flow.confirm_receipt(req, people.other_editor)


def test_correction_stops_the_clock_and_the_corrected_application_restarts_it(client, people, units, clock):
    clock.set(date(2026, 11, 2))
    req = disclosure_request(description="有关文件。")
    flow.confirm_receipt(req, people.editor)
    clock.set(date(2026, 11, 4))
    flow.request_correction(req, people.editor, "请写明所需文件的名称、文号或者发文时间。")
    req.refresh_from_db()
    assert req.state == DisclosureState.CORRECTION and req.due_date is None
    assert req.correction_due == date(2026, 11, 25)  # a reasonable period: 15 working days (platform default)
    with pytest.raises(WorkflowError, match="一次性"):
        flow.request_correction(req, people.editor, "再补充一些材料说明。")
    with pytest.raises(WorkflowError, match="等待补正"):
        flow.answer(req, people.editor, "granted", "现提供所申请的信息。")

    # the applicant corrects on the query page, on 11 November
    from govportal.interaction.spam import password_for

    clock.set(date(2026, 11, 11))
    html = client.post(
        "/yishenqing/chaxun/", {"code": req.code, "password": password_for(req.submit_token, "disclosure")}
    ).content.decode()
    assert "请写明所需文件的名称" in html
    grant = re.search(r'name="grant" value="([^"]+)"', html).group(1)
    html = client.post(
        "/yishenqing/chaxun/",
        {"grant": grant, "text": "《钦州市2025年义务教育招生工作方案》（钦教发〔2025〕5号）"},
    ).content.decode()
    assert "答复期限自今日起重新计算" in html
    req.refresh_from_db()
    assert req.clock_start == date(2026, 11, 11) and req.state == DisclosureState.PROCESSING
    assert req.due_date == date(2026, 12, 9)  # 20 working days from the corrected application


def test_late_correction_notices_are_recorded(people, units, clock):
    clock.set(date(2026, 11, 2))
    req = disclosure_request()
    flow.confirm_receipt(req, people.editor)
    clock.set(date(2026, 11, 12))  # 8 working days after receipt: later than Art. 30's 7
    flow.request_correction(req, people.editor, "请写明所需信息的名称或文号。")
    assert req.events.filter(action="late_correction", text__contains="第三十条").exists()


def test_no_correction_in_time_closes_as_other_processing(people, units, clock):
    clock.set(date(2026, 11, 2))
    req = disclosure_request()
    flow.confirm_receipt(req, people.editor)
    flow.request_correction(req, people.editor, "请写明所需信息的名称或文号。")
    with pytest.raises(WorkflowError, match="尚未届满"):
        flow.answer(req, people.editor, "other_no_correction", "逾期未补正，视为放弃申请。")
    clock.set(date(2026, 11, 24))
    flow.answer(req, people.editor, "other_no_correction", "逾期未补正，视为放弃申请。")
    assert DisclosureRequest.objects.get(pk=req.pk).state == DisclosureState.ANSWERED


def test_third_party_consultation_pauses_the_clock(people, units, clock):
    clock.set(date(2026, 11, 2))
    req = disclosure_request()
    flow.confirm_receipt(req, people.editor)
    req.refresh_from_db()
    assert req.due_date == date(2026, 11, 30)
    clock.set(date(2026, 11, 5))
    flow.start_consultation(req, people.editor, "某民办学校")
    with pytest.raises(WorkflowError, match="不能答复"):
        flow.answer(req, people.editor, "granted", "现提供所申请的信息。")
    clock.set(date(2026, 11, 19))  # 10 working days later
    flow.end_consultation(req, people.editor)
    req.refresh_from_db()
    assert req.paused_workdays == 10
    assert req.due_date == date(2026, 12, 14)  # 30 Nov + 10 working days


def test_one_extension_of_at_most_twenty_days_approved_by_the_head_and_told_to_the_applicant(
    client, people, units, clock
):
    from govportal.interaction.spam import password_for

    clock.set(date(2026, 11, 2))
    req = disclosure_request()
    flow.confirm_receipt(req, people.editor)
    with pytest.raises(WorkflowError, match="最长不得超过20个工作日（《政府信息公开条例》第三十三条）"):
        flow.request_extension(req, people.editor, 21, "涉及多年档案检索。")
    flow.request_extension(req, people.editor, 15, "涉及多年档案检索")
    req.refresh_from_db()
    assert req.extension_workdays == 0  # waiting for the head
    with pytest.raises(WorkflowError, match="负责人同意"):
        flow.approve_extension(req, people.editor2)
    flow.approve_extension(req, people.head)
    req.refresh_from_db()
    assert req.extension_workdays == 15 and req.due_date == date(2026, 12, 21)
    assert "延长 15 个工作日" in req.extension_notice and req.extension_notified_at
    with pytest.raises(WorkflowError, match="只能延长一次"):
        flow.request_extension(req, people.head, 5, "再延长几天")
    html = client.post(
        "/yishenqing/chaxun/", {"code": req.code, "password": password_for(req.submit_token, "disclosure")}
    ).content.decode()
    assert "延期告知" in html and "延长 15 个工作日" in html


def test_a_head_asking_approves_at_once(people, units):
    req = disclosure_request()
    flow.confirm_receipt(req, people.editor)
    flow.request_extension(req, people.leader, 10, "涉及多年档案检索")
    req.refresh_from_db()
    assert req.extension_workdays == 10 and req.extension_approved_by == people.leader


def test_on_the_spot_answer(people, units):
    req = disclosure_request()
    flow.answer(
        req, people.editor, "granted", "该信息已主动公开，可在政府信息公开专栏查阅。", on_the_spot=True
    )
    req.refresh_from_db()
    assert req.on_the_spot and req.received_on and req.state == DisclosureState.ANSWERED


def test_applicant_identity_is_shown_on_request_and_logged(client, people, units):
    req = disclosure_request()
    client.force_login(people.editor)
    html = client.get(f"/admin/letters/disclosure/{req.pk}/").content.decode()
    assert "450702199001011234" not in html
    html = client.post(f"/admin/letters/disclosure/{req.pk}/", {"action": "show_identity"}).content.decode()
    assert "450702199001011234" in html
    assert PersonalDataAccess.objects.get().disclosure == req
    client.force_login(people.other_editor)
    assert client.get(f"/admin/letters/disclosure/{req.pk}/").status_code == 302


def test_the_annual_report_table(people, units, clock, client):
    # 2025: one request received in December, still open at the year end
    clock.set(date(2025, 12, 29))
    carried = disclosure_request(token="c1")
    flow.confirm_receipt(carried, people.editor)
    # 2026: new requests of several kinds and outcomes
    clock.set(date(2026, 3, 2))
    flow.answer(carried, people.editor, "partial", "部分信息涉及第三方，已区分处理。")
    a = disclosure_request(token="a1")
    flow.confirm_receipt(a, people.editor)
    flow.answer(a, people.editor, "granted", "现提供所申请的信息。")
    b = disclosure_request(
        token="b1", kind=ApplicantKind.BUSINESS, name="某公司", id_number="91450700MA00000000"
    )
    flow.confirm_receipt(b, people.editor)
    flow.answer(b, people.editor, "withheld_third_party", "涉及商业秘密，第三方不同意公开。")
    c = disclosure_request(
        token="c2", kind=ApplicantKind.LEGAL, name="某律所", id_number="31450000MD0000000X"
    )
    flow.confirm_receipt(c, people.editor)
    flow.answer(c, people.editor, "unable_not_held", "本机关不掌握该信息。")
    clock.set(date(2026, 12, 28))
    open_one = disclosure_request(token="o1")
    flow.confirm_receipt(open_one, people.editor)

    table = flow.annual_report("qinzhou", 2026)
    assert table.columns == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert table.row("一、本年新收") == [2, 1, 0, 0, 1, 0, 4]
    assert table.row("二、上年结转") == [1, 0, 0, 0, 0, 0, 1]
    assert table.row("三、本年度办理结果 （一）予以公开") == [1, 0, 0, 0, 0, 0, 1]
    assert table.row("三、本年度办理结果 （二）部分公开") == [1, 0, 0, 0, 0, 0, 1]
    assert table.row("三、本年度办理结果 （三）不予公开 4.保护第三方合法权益") == [0, 1, 0, 0, 0, 0, 1]
    assert table.row("三、本年度办理结果 （四）无法提供 1.本机关不掌握相关政府信息") == [0, 0, 0, 0, 1, 0, 1]
    assert table.row("三、本年度办理结果 （七）总计") == [2, 1, 0, 0, 1, 0, 4]
    assert table.row("四、结转下年度继续办理") == [1, 0, 0, 0, 0, 0, 1]
    # invariant: new + carried in = concluded + carried out
    new, inn = table.row("一、"), table.row("二、")
    done, out = table.row("三、本年度办理结果 （七）"), table.row("四、")
    assert [x + y for x, y in zip(new, inn, strict=True)] == [x + y for x, y in zip(done, out, strict=True)]

    client.force_login(people.editor)
    html = client.get("/admin/letters/disclosure/report/?year=2026").content.decode()
    assert "本年新收政府信息公开申请数量" in html and "法律服务机构" in html
