"""Demo data: a survey open now and one with published results, a consultation open for comments, an
interview live now (with a stream and questions) and one finished with its transcript, a citizens' visit
open for sign-up. Idempotent: pages are found by title; dates are relative to the day the demo is made."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from govportal.accounts.models import Unit
from govportal.portal.columns import main_columns, with_paths

from .models import (
    ConsultationComment,
    ConsultationPage,
    InterviewPage,
    InterviewQuestion,
    LiveEntry,
    Moderation,
    QuestionState,
    SurveyAnswer,
    SurveyPage,
    VisitPage,
)


def _column(home, *path):
    for p, page in with_paths(home, main_columns(home)):
        if p == path:
            return page
    return None


def _q(kind, **value):
    value.setdefault("required", True)
    value.setdefault("help", "")
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def _add(parent, model, title, **fields):
    if parent is None:
        return None, False
    existing = model.objects.child_of(parent).filter(title=title).first()
    if existing:
        return existing, False
    page = model(title=title, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page, True


def _survey_questions():
    return [
        _q("single", text="您的孩子目前就读的学段是？", options=["幼儿园", "小学", "初中", "高中"]),
        _q(
            "multiple",
            text="您最希望学校提供哪些课后服务？（可多选）",
            options=["作业辅导", "体育活动", "艺术兴趣", "科技创新", "阅读"],
            max_choices=3,
        ),
        _q(
            "scale",
            text="您对目前课后服务的总体满意度",
            low=1,
            high=5,
            low_label="很不满意",
            high_label="非常满意",
        ),
        _q(
            "matrix",
            text="请评价以下方面",
            rows=["服务时间", "收费标准", "师资安排"],
            columns=["满意", "一般", "不满意"],
        ),
        _q("text", text="您还有什么意见和建议？", required=False, max_length=500),
    ]


def _fake_answer(questions, rnd):
    out = {}
    for q in questions:
        v = q["value"]
        if q["type"] == "single":
            out[q["id"]] = rnd.choice(v["options"])
        elif q["type"] == "multiple":
            out[q["id"]] = rnd.sample(v["options"], rnd.randint(1, 3))
        elif q["type"] == "scale":
            out[q["id"]] = rnd.choice([3, 4, 4, 5, 5, 2])
        elif q["type"] == "matrix":
            out[q["id"]] = {r: rnd.choice(["满意", "满意", "一般", "不满意"]) for r in v["rows"]}
    return out


def prepare(home) -> str:
    now = timezone.now()
    today = timezone.localdate()
    col_survey = _column(home, "互动交流", "民意征集")
    col_interview = _column(home, "互动交流", "在线访谈")
    channel = _column(home, "互动交流")
    edu = Unit.objects.filter(locality=home.locality, name="市教育局").first()
    office = Unit.objects.filter(locality=home.locality, name="市人民政府办公室").first()
    made = 0
    rnd = random.Random(16)

    qs = _survey_questions()
    survey, new = _add(
        col_survey,
        SurveyPage,
        "2026年中小学课后服务满意度问卷调查",
        unit=edu,
        source="市教育局",
        date=now - timedelta(days=3),
        summary="了解家长对中小学课后服务的需求和评价，为完善课后服务提供参考。",
        intro="<p>为进一步做好中小学课后服务工作，市教育局开展本次问卷调查。问卷匿名填写，约需3分钟。</p>",
        questions=qs,
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=25),
    )
    if new:
        made += 1
        SurveyAnswer.objects.bulk_create(
            [
                SurveyAnswer(survey=survey, answers=_fake_answer(qs, rnd), address_key=f"demo{i}")
                for i in range(37)
            ]
        )

    qs2 = _survey_questions()[:4]
    closed, new = _add(
        col_survey,
        SurveyPage,
        "市民对“15分钟教育服务圈”建设意见调查",
        unit=edu,
        source="市教育局",
        date=now - timedelta(days=40),
        summary="调查已结束，结果已公布。",
        intro="<p>本次调查已结束，感谢各位市民参与。</p>",
        questions=qs2,
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=10),
    )
    if new:
        made += 1
        SurveyAnswer.objects.bulk_create(
            [
                SurveyAnswer(survey=closed, answers=_fake_answer(qs2, rnd), address_key=f"demo{i}")
                for i in range(128)
            ]
        )
        closed.results_published = True
        closed.results_text = "<p>共回收有效问卷128份。多数家长希望增加体育和艺术类课后服务，市教育局将在下学期扩大相关课程供给。</p>"
        closed.save_revision().publish()

    consult, new = _add(
        col_survey,
        ConsultationPage,
        "关于《钦州市中小学校校外托管机构管理办法（征求意见稿）》公开征求意见的公告",
        unit=edu,
        source="市教育局",
        date=now - timedelta(days=5),
        summary="公开征求社会公众对校外托管机构管理办法的意见。",
        explanation="<p>为规范校外托管机构服务行为，保障学生安全，市教育局起草了本办法征求意见稿。</p>",
        basis="<p>《中华人民共和国未成年人保护法》《广西壮族自治区未成年人保护条例》等。</p>",
        draft=[
            {
                "type": "article",
                "value": {
                    "label": "第一条",
                    "text": "为规范校外托管机构管理，保障学生人身安全和身心健康，制定本办法。",
                },
            },
            {
                "type": "article",
                "value": {
                    "label": "第二条",
                    "text": "本办法所称校外托管机构，是指为中小学生提供午休、晚托、接送等服务的机构。",
                },
            },
            {
                "type": "article",
                "value": {
                    "label": "第三条",
                    "text": "校外托管机构应当具备符合安全标准的场所，每名学生使用面积不少于3平方米。",
                },
            },
        ],
        contact="电子邮箱：jyj@qinzhou.gov.cn\n通信地址：钦州市教育局政策法规科",
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=25),
    )
    if new:
        made += 1
        for text, label in [
            ("建议明确托管机构工作人员须无犯罪记录并定期体检。", "第三条"),
            ("希望公布托管机构的收费标准，接受家长监督。", ""),
        ]:
            ConsultationComment.objects.create(
                page=consult,
                text=text,
                public_text=text,
                article_label=label,
                status=Moderation.APPROVED,
                moderated_at=now,
            )
        ConsultationComment.objects.create(
            page=consult,
            text="我家附近的托管班没有消防通道，电话13877712345",
            public_text="我家附近的托管班没有消防通道，电话138＊＊＊＊2345",
            article_label="第三条",
        )

    live, new = _add(
        col_interview,
        InterviewPage,
        "在线访谈：聚焦2026年秋季学期义务教育招生",
        unit=office,
        source="市人民政府办公室",
        date=now - timedelta(days=2),
        summary="市教育局负责同志解读秋季学期义务教育招生政策，回答网友提问。",
        topic="2026年秋季学期义务教育招生政策解读",
        guests="李明 市教育局副局长\n王芳 市教育局基础教育科科长",
        host="市政府门户网站 小钦",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=3),
        intro="<p>访谈围绕招生划片、报名时间、材料准备等问题展开，欢迎网友提问。</p>",
    )
    if new:
        made += 1
        q1 = InterviewQuestion.objects.create(
            page=live,
            text="随迁子女入学需要准备哪些材料？",
            public_text="随迁子女入学需要准备哪些材料？",
            name="家长",
            status=QuestionState.ANSWERED_LIVE,
            answer="居住证、务工或经营证明和户口簿。",
            answered_by="王芳",
            answered_at=now,
        )
        InterviewQuestion.objects.create(
            page=live,
            text="划片范围什么时候公布？",
            public_text="划片范围什么时候公布？",
            status=QuestionState.ACCEPTED,
        )
        InterviewQuestion.objects.create(page=live, text="今年学位够不够？", public_text="今年学位够不够？")
        for speaker, text, q in [
            (
                "主持人",
                "各位网友大家好，欢迎来到今天的在线访谈。今天我们邀请到市教育局的负责同志，为大家解读秋季学期招生政策。",
                None,
            ),
            ("李明", "大家好。今年我市义务教育招生继续坚持免试就近入学，公办民办同步招生。", None),
            ("王芳", "随迁子女凭居住证、务工或经营证明和户口簿即可报名，具体以各县区公告为准。", q1),
        ]:
            LiveEntry.objects.create(page=live, speaker=speaker, text=text, question=q)

    done, new = _add(
        col_interview,
        InterviewPage,
        "在线访谈：我市城乡居民医保参保缴费政策解读",
        unit=office,
        source="市人民政府办公室",
        date=now - timedelta(days=20),
        topic="城乡居民医保参保缴费",
        guests="张伟 市医疗保障局副局长",
        host="小钦",
        starts_at=now - timedelta(days=20),
        ends_at=now - timedelta(days=20) + timedelta(hours=2),
        intro="<p>本期访谈已结束，以下为文字实录。</p>",
        transcript="<p><b>主持人：</b>欢迎张局长做客在线访谈。</p><p><b>张伟：</b>2027年度城乡居民医保集中缴费期为2026年9月至12月。</p>",
    )
    made += int(new)

    if channel is not None:
        visit, new = _add(
            channel,
            VisitPage,
            "“公民代表走进市政府”第三期活动报名",
            unit=office,
            source="市人民政府办公室",
            date=now - timedelta(days=1),
            summary="邀请市民代表走进市政府，面对面交流城市建设和民生工作。",
            intro="<p>本期活动主题为“城市更新与老旧小区改造”，邀请10名市民代表参观政务服务中心并座谈。</p>",
            event_at=now + timedelta(days=20),
            place="市民服务中心三楼会议室",
            signup_opens=now - timedelta(days=1),
            signup_closes=now + timedelta(days=10),
            quota=10,
        )
        made += int(new)
    return f"公众参与：新增演示活动 {made} 项。" if made else "公众参与：演示活动已存在。"
