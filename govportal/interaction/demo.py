"""Demo data for the interaction app: letters in every state and of every type (one overdue), FAQs, error
reports and disclosure requests. Idempotent: does nothing if the demo letters exist."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from govportal.accounts.models import Unit
from govportal.portal.models import ColumnPage, SupplyMethod

from . import disclosure as disclosure_flow
from . import error_reports, workflow
from .deadlines import add_workdays, check_all
from .models import (
    ApplicantKind,
    Faq,
    Letter,
    LetterEvent,
    LetterState,
    OrderState,
    Publication,
    Rating,
    ReplyOutcome,
    WorkOrder,
)
from .rules import letter_rules

DEMO_TOKEN = "demo-"

# (type, subject, content, unit name, consent)
LETTERS = [
    (
        "consultation",
        "孩子今年秋季入学，划片范围在哪里查询？",
        "您好，我家住在钦南区，孩子今年满6周岁，想咨询义务教育小学入学的划片范围和报名时间在哪里可以查到？我的电话13877712345。",
        "市教育局",
        True,
    ),
    (
        "help",
        "母亲医保异地就医备案不会办理",
        "我母亲常住广州，需要办理医保异地就医备案，网上操作总是提示失败，请问应该怎么办理？",
        "市人力资源社会保障局",
        True,
    ),
    (
        "suggestion",
        "建议在学校门口增设护学岗",
        "上下学高峰期学校门口车辆拥堵，建议增设护学岗，规范家长接送车辆停放。",
        "市教育局",
        True,
    ),
    (
        "complaint",
        "小区旁餐馆油烟扰民",
        "我家楼下新开的餐馆每天排放油烟，投诉多次未解决，影响居民生活，请有关部门处理。",
        "市市场监管局",
        True,
    ),
    (
        "report",
        "某培训机构无证办学",
        "钦北区某街道有一家培训机构未取得办学许可，违规招收中小学生开展学科培训，请查处。",
        "市教育局",
        False,
    ),
    (
        "consultation",
        "教师资格证认定需要哪些材料？",
        "请问今年教师资格认定的时间和需要准备的材料？",
        "市教育局",
        True,
    ),
]


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _unit(locality: str, name: str) -> Unit | None:
    return Unit.objects.filter(locality=locality, name=name).first()


def _shift(letter: Letter, days: int) -> None:
    """Move a letter and its history ``days`` into the past (keeps working-day deadlines consistent)."""
    delta = timedelta(days=days)
    for field in (
        "received_at",
        "accepted_at",
        "dispatched_at",
        "answered_at",
        "concluded_at",
        "published_at",
    ):
        value = getattr(letter, field)
        if value:
            setattr(letter, field, value - delta)
    if letter.clock_start:
        letter.clock_start -= delta
        from .deadlines import letter_due

        letter.due_date = letter_due(letter)
    letter.save()
    for ev in letter.events.all():
        ev.at -= delta
        ev.save(update_fields=["at"])
    for order in letter.orders.all():
        order.dispatched_at -= delta
        order.save(update_fields=["dispatched_at"])


def _submit(
    locality: str,
    n: int,
    type_code: str,
    subject: str,
    content: str,
    consent: bool,
    name="李明",
    contact=None,
):
    sub = workflow.submit_letter(
        locality=locality,
        token_nonce=f"{DEMO_TOKEN}{n}",
        type=type_code,
        subject=subject,
        content=content,
        writer_name=name,
        writer_contact=contact or f"1387771{n:04d}",
        consent_publish=consent,
        client_ip="127.0.0.1",
    )
    return sub.letter


def _historic(locality: str, rules, units: list[Unit], year: int) -> int:
    """Concluded letters of the past months (as migrated from an earlier system), for the statistics."""
    rnd = random.Random(2026)
    today = timezone.localdate()
    # (type, unit, subject, content, reply)
    topics = [
        (
            "consultation",
            "市住房城乡建设局",
            "咨询公积金贷款额度",
            "请问在钦州购房，公积金贷款最高额度是多少？",
            "目前我市住房公积金个人贷款最高额度为单缴存职工40万元、双缴存职工60万元，具体以受理时政策为准。",
        ),
        (
            "suggestion",
            "市交通运输局",
            "建议增加公交线路",
            "建议开通高铁站至滨海新城的公交线路，方便市民出行。",
            "感谢您的建议。我局已将该线路纳入公交线网优化方案，经客流调查后择期开通。",
        ),
        (
            "complaint",
            "市住房城乡建设局",
            "路灯损坏无人维修",
            "某路段路灯损坏一个月无人维修，夜间出行不安全。",
            "经核查，该路段路灯因线路老化损坏，已于次日完成维修。",
        ),
        (
            "consultation",
            "市公安局",
            "外地户籍如何办理居住证",
            "外地户籍在钦州工作，如何办理居住证？",
            "在本市居住半年以上并有合法稳定就业、住所或连续就读的，可携带身份证到居住地派出所申领居住证。",
        ),
        (
            "report",
            "市市场监管局",
            "菜市场周边占道经营",
            "某菜市场周边长期占道经营，影响通行。",
            "已联合街道对该区域开展整治，清理占道摊点，并设置临时疏导点。",
        ),
        (
            "help",
            "市人力资源社会保障局",
            "失业保险金申领",
            "单位裁员后如何申领失业保险金？",
            "可通过广西人社App或到户籍所在地人社部门窗口申领，需提供身份证和解除劳动合同证明。",
        ),
        (
            "suggestion",
            "市教育局",
            "建议延长图书馆开放时间",
            "建议学校图书馆寒暑假向学生开放。",
            "感谢您的建议，我局将指导有条件的学校在假期有序开放图书馆。",
        ),
    ]
    by_name = {u.name: u for u in units}
    made = 0
    for month in range(1, today.month + (0 if today.day < 5 else 1)):
        for i in range(rnd.randint(3, 7)):
            type_code, unit_name, subject, content, reply = rnd.choice(topics)
            t = rules.type(type_code) if type_code in dict(rules.type_choices) else rnd.choice(rules.types)
            unit = (
                by_name.get(unit_name)
                or Unit.objects.filter(locality=locality, name=unit_name).first()
                or units[0]
            )
            public = rnd.random() < 0.4
            received = timezone.make_aware(datetime(year, month, rnd.randint(1, 25), 9 + i % 8, 10))
            start = timezone.localdate(received)
            used = rnd.randint(1, t.deadline_workdays + (2 if i % 5 == 0 else 0))
            answered_on = add_workdays(start, used)
            if answered_on >= today:
                continue
            answered = timezone.make_aware(datetime.combine(answered_on, time(16, 0)))
            letter = Letter.objects.create(
                locality=locality,
                type=t.code,
                type_name=t.name,
                subject=subject,
                content=content,
                writer_name="历史来信",
                consent_publish=public,
                query_code=workflow.new_code("XJ"),
                password_hash="!",
                submit_token=f"{DEMO_TOKEN}h{year}{month}{i}",
                state=LetterState.CONCLUDED,
                received_at=received,
                accepted_at=received,
                dispatched_at=received,
                clock_start=start,
                due_date=add_workdays(start, t.deadline_workdays),
                answered_at=answered,
                concluded_at=answered + timedelta(hours=1),
                lead_unit=unit,
                reply_unit=unit,
                reply_text=reply,
                publication=Publication.PUBLISHED if public else Publication.WITHHELD,
                withheld_code="" if public else "no_consent",
                withheld_reason="" if public else "来信人不同意公开",
                published_at=answered + timedelta(hours=1) if public else None,
                public_subject=subject if public else "",
                public_content=content if public else "",
                public_reply=reply if public else "",
                rating=rnd.choice([Rating.SATISFIED, Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED]),
            )
            WorkOrder.objects.create(
                letter=letter, unit=unit, is_lead=True, state=OrderState.DONE, dispatched_at=received
            )
            LetterEvent.objects.create(
                letter=letter, at=received, action="received", text="历史来信（系统迁移）。", public=True
            )
            made += 1
    return made


def prepare(home) -> str:
    locality = home.locality
    _link_columns(home)
    if Letter.objects.filter(locality=locality, submit_token__startswith=DEMO_TOKEN).exists():
        return ""
    hotline, editor, leader, head = (_user(u) for u in ("hotline", "edu_editor", "edu_leader", "edu_head"))
    if not all((hotline, editor, leader)):
        return "政民互动演示数据：缺少演示账号，已跳过。"
    rules = letter_rules(locality)
    edu = _unit(locality, "市教育局")
    others = [
        u
        for u in (
            _unit(locality, n)
            for n in ("市人力资源社会保障局", "市市场监管局", "市住房城乡建设局", "市交通运输局")
        )
        if u
    ]
    units = {u.name: u for u in [edu, *others] if u}

    # 1. consultation: answered, approved, published; becomes a FAQ
    l1 = _submit(locality, 1, *LETTERS[0][:3], LETTERS[0][4], name="张晓红", contact="13877712345")
    workflow.dispatch(l1, hotline, edu)
    workflow.save_draft(
        l1,
        editor,
        "您好！我市义务教育学校招生范围在每年6月由市教育局在门户网站“教育”栏目公布，可按住址查询对应学校；小学报名时间一般为7月上旬，详见当年招生工作方案。咨询电话：0777-2822222。",
        ReplyOutcome.ANSWERED,
        submit=True,
    )
    workflow.review_reply(l1, leader, True)
    workflow.publish(l1, hotline, make_public=True)
    _shift(l1, 20)
    faq = Faq(
        locality=locality,
        question="义务教育入学划片范围和报名时间在哪里查询？",
        answer=l1.reply_text,
        unit=edu,
        topic="义务教育入学",
        source_letter=l1,
        created_by=hotline,
    )
    faq.save()
    Faq(
        locality=locality,
        question="教师资格认定需要准备哪些材料？",
        answer="教师资格认定一般需要身份证、学历证书、普通话水平测试等级证书、体检合格证明等，具体以当年认定公告为准，可在市教育局网站查询。",
        unit=edu,
        topic="教师资格认定",
        created_by=hotline,
    ).save()

    # 2. help: dispatched, in progress at another unit
    l2 = _submit(locality, 2, *LETTERS[1][:3], LETTERS[1][4])
    if units.get("市人力资源社会保障局"):
        workflow.dispatch(l2, hotline, units["市人力资源社会保障局"])
    # 3. suggestion: drafted by the unit, waiting for its leader
    l3 = _submit(locality, 3, *LETTERS[2][:3], LETTERS[2][4])
    workflow.dispatch(l3, hotline, edu, co_units=[u for u in others[:1]])
    workflow.save_draft(
        l3,
        editor,
        "感谢您的建议。市教育局已会同公安交警部门在城区中小学校门口设置护学岗，并将在新学期进一步规范家长接送车辆停放。",
        ReplyOutcome.RESOLVED,
        submit=True,
    )
    # 4. complaint: dispatched long ago, overdue and escalated
    l4 = _submit(locality, 4, *LETTERS[3][:3], LETTERS[3][4])
    if units.get("市市场监管局"):
        workflow.dispatch(l4, hotline, units["市市场监管局"])
        _shift(l4, 21)
    # 5. report: waiting for triage (writer's identity stays with the centre)
    _submit(locality, 5, *LETTERS[4][:3], LETTERS[4][4], name="王先生")
    # 6. a repeated consultation, held back as a duplicate
    held = _submit(
        locality, 6, "consultation", LETTERS[0][1], LETTERS[0][2], True, name="张晓红", contact="13877712345"
    )
    held.hold_reason = f"与信件 {l1.query_code} 内容相同，疑似重复"
    held.save(update_fields=["hold_reason"])
    # 7. rejected as out of scope
    l7 = _submit(
        locality,
        7,
        "complaint",
        "对法院判决结果不服",
        "我对某民事案件的判决结果不服，要求政府撤销判决。",
        False,
    )
    workflow.reject(l7, hotline, "涉诉事项依法应通过上诉、申请再审等司法途径解决，不属于本信箱受理范围。")
    # 8. returned by a misrouted unit
    l8 = _submit(
        locality, 8, "help", "医保报销比例咨询", "请问住院医保报销比例是多少，异地住院怎么报销？", True
    )
    workflow.dispatch(l8, hotline, edu)
    workflow.return_order(l8, editor, "医保报销不属于教育部门职责，建议转市医疗保障局办理。")
    # 9. approved, waiting for the centre to publish
    l9 = _submit(locality, 9, *LETTERS[5][:3], LETTERS[5][4])
    workflow.dispatch(l9, hotline, edu)
    workflow.save_draft(
        l9,
        editor,
        "您好！2026年下半年教师资格认定于10月中旬开始网上报名，需准备身份证、学历证书、普通话证书、体检合格证明等材料，详见市教育局网站公告。",
        ReplyOutcome.ANSWERED,
        submit=True,
    )
    workflow.review_reply(l9, leader, True)
    # 10. concluded, withheld (privacy)
    l10 = _submit(
        locality,
        10,
        "complaint",
        "邻居违规搭建影响采光",
        "我家邻居张某在楼顶违规搭建彩钢房，影响我家采光，多次协商无果。",
        True,
    )
    workflow.dispatch(l10, hotline, edu)
    workflow.save_draft(
        l10,
        editor,
        "您反映的问题已转城市管理部门现场核查，违建部分已责令当事人限期拆除。",
        ReplyOutcome.RESOLVED,
        submit=True,
    )
    workflow.review_reply(l10, head or leader, True)
    workflow.publish(l10, hotline, make_public=False, exclusion="privacy_trade_secret", note="涉及特定个人")
    _shift(l10, 9)
    # 11. complaint at the education bureau with an extension requested
    l11 = _submit(
        locality,
        11,
        "complaint",
        "学校收取资料费是否合规",
        "孩子所在学校要求每学期缴纳200元资料费，请问是否合规？",
        True,
    )
    workflow.dispatch(l11, hotline, edu)
    _shift(l11, 8)
    try:
        workflow.request_extension(l11, editor, 5, "需会同财政、发改部门核查收费依据，情况复杂。")
    except workflow.WorkflowError:
        pass
    # 12. consultation just dispatched to the education bureau (due soon)
    l12 = _submit(
        locality, 12, "consultation", "高中学位申请流程", "外市转学来钦州读高中，需要办理什么手续？", True
    )
    workflow.dispatch(l12, hotline, edu)
    _shift(l12, 1)

    made = _historic(locality, rules, [edu, *others], timezone.localdate().year)

    # error reports
    from wagtail.models import Site

    site = Site.objects.filter(root_page=home).first()
    column = ColumnPage.objects.descendant_of(home).filter(units=edu).first()
    url = column.url if column else "/"
    e1, _ = error_reports.submit(
        locality=locality,
        token_nonce=f"{DEMO_TOKEN}e1",
        page_url=url,
        kind="typo",
        description="“招生计划”误写为“招声计划”。",
        site=site,
    )
    e2, _ = error_reports.submit(
        locality=locality,
        token_nonce=f"{DEMO_TOKEN}e2",
        page_url=url,
        kind="link",
        description="页面中“报名系统”链接打不开。",
        contact="13977700000",
        site=site,
    )
    try:
        error_reports.forward(e2, hotline, e2.unit or edu)
    except workflow.WorkflowError:
        pass

    # disclosure requests
    base = dict(form_wanted="电子邮件", delivery="电子邮件", address="", email="applicant@example.com")
    d1, _, _ = disclosure_flow.submit(
        locality=locality,
        token_nonce=f"{DEMO_TOKEN}d1",
        unit=edu,
        applicant_kind=ApplicantKind.PERSON,
        name="刘芳",
        id_number="450702199001011234",
        phone="13877700001",
        description="2025年市本级义务教育阶段学校招生计划及各校录取人数。",
        **base,
    )
    disclosure_flow.confirm_receipt(d1, editor)
    d2, _, _ = disclosure_flow.submit(
        locality=locality,
        token_nonce=f"{DEMO_TOKEN}d2",
        unit=edu,
        applicant_kind=ApplicantKind.LEGAL,
        name="某律师事务所",
        id_number="31450000MD0000000X",
        contact_person="陈律师",
        phone="07772800000",
        description="关于某民办学校办学许可证的审批文件。",
        **base,
    )
    disclosure_flow.confirm_receipt(d2, editor)
    disclosure_flow.answer(
        d2, editor, "granted", "经检索，您申请的信息属于可以公开的政府信息，现以电子邮件方式提供。"
    )
    d3, _, _ = disclosure_flow.submit(
        locality=locality,
        token_nonce=f"{DEMO_TOKEN}d3",
        unit=edu,
        applicant_kind=ApplicantKind.BUSINESS,
        name="某教育科技有限公司",
        id_number="91450700MA00000000",
        contact_person="周经理",
        phone="13877700003",
        description="有关文件。",
        **base,
    )
    disclosure_flow.confirm_receipt(d3, editor)
    disclosure_flow.request_correction(d3, editor, "请写明所需文件的名称、文号或者发文时间等特征性描述。")

    counts = check_all()
    return (
        f"政民互动演示数据：信件 12 件（各状态、各类型，含超期督办 1 件）及历史信件 {made} 件；常见问题 2 条；"
        f"网站纠错 2 条；依申请公开 3 件。期限检查：即将到期 {counts['due_soon']}，超期 {counts['overdue']}。"
    )


def _link_columns(home) -> None:
    """Point the demo site's mailbox columns at the mailbox pages (a site administrator would set the
    column's link in the responsibility table)."""

    links = {"市长信箱": "/xinjian/", "咨询投诉": "/xinjian/xie/", "信件统计": "/xinjian/tongji/"}
    for column in ColumnPage.objects.descendant_of(home).filter(title__in=list(links)):
        if not column.link_url:
            column.supply_method = SupplyMethod.LINK
            column.link_url = links[column.title]
            column.save_revision().publish()
