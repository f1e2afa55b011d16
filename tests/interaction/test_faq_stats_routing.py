"""The knowledge base, the statistics and their charts, and the suggestion of a responsible unit."""

from __future__ import annotations

from datetime import date

import pytest

from govportal.interaction import workflow
from govportal.interaction.faq import faqs_for
from govportal.interaction.models import Faq
from govportal.interaction.routing import suggest_units
from govportal.interaction.stats import letter_stats

pytestmark = pytest.mark.django_db


@pytest.fixture
def faqs(qinzhou, units):
    Faq(
        locality="qinzhou",
        question="义务教育入学划片范围在哪里查询？",
        answer="每年6月在市教育局网站公布招生范围。",
        topic="义务教育入学",
        unit=units("市教育局"),
    ).save()
    Faq(
        locality="qinzhou",
        question="如何办理居住证？",
        answer="携带身份证到居住地派出所办理。",
        topic="居住证办理",
    ).save()
    Faq(locality="qinzhou", question="不公开的问题", answer="不公开的答案", is_public=False).save()
    Faq(locality="youyang", question="义务教育入学在酉阳怎么办？", answer="另一个地区的答案。").save()


def test_faqs_for_a_topic_or_a_text(faqs):
    assert [f.question for f in faqs_for("义务教育入学", 3)][0] == "义务教育入学划片范围在哪里查询？"
    found = faqs_for("我家孩子明年上小学，划片在哪里查", 3, locality="qinzhou")
    assert found and found[0].topic == "义务教育入学"
    assert all(f.locality == "qinzhou" and f.is_public for f in faqs_for("义务教育", 10, locality="qinzhou"))
    assert faqs_for("", 3) == []


def test_the_form_suggests_faqs_while_typing(client, faqs):
    data = client.get("/xinjian/wenti/tishi/", {"q": "孩子上小学的入学划片"}).json()
    assert data["results"][0]["question"] == "义务教育入学划片范围在哪里查询？"
    assert data["results"][0]["url"].startswith("/xinjian/wenti/")
    assert client.get("/xinjian/wenti/tishi/", {"q": "你好"}).json() == {"results": []}
    html = client.get("/xinjian/wenti/", {"q": "居住证"}).content.decode()
    assert "携带身份证到居住地派出所办理" in html and "划片" not in html
    assert "不公开的问题" not in client.get("/xinjian/wenti/").content.decode()


def test_a_reply_becomes_a_faq_without_personal_data(client, people, units, new_letter):
    letter = new_letter(
        "consultation", subject="教师资格认定材料", content="请问教师资格认定要哪些材料？我电话13877712345。"
    )
    workflow.dispatch(letter, people.centre, units("市教育局"))
    workflow.save_draft(
        letter, people.editor, "需要身份证、学历证书、普通话证书、体检合格证明。", submit=True
    )
    workflow.review_reply(letter, people.leader, True)
    workflow.publish(letter, people.centre, make_public=True)
    client.force_login(people.centre)
    html = client.get(f"/admin/letters/faq/new/?letter={letter.pk}").content.decode()
    assert "教师资格认定材料" in html and "需要身份证、学历证书" in html
    html = client.post(
        "/admin/letters/faq/new/",
        {
            "question": "教师资格认定要哪些材料",
            "answer": "请联系13877712345",
            "source_letter": letter.pk,
            "is_public": "1",
        },
    ).content.decode()
    assert "含有个人信息" in html
    client.post(
        "/admin/letters/faq/new/",
        {
            "question": "教师资格认定要哪些材料",
            "answer": "需要身份证、学历证书等。",
            "source_letter": letter.pk,
            "is_public": "1",
            "topic": "教师资格认定",
        },
    )
    faq = Faq.objects.get(source_letter=letter)
    assert faqs_for("教师资格认定", 1, locality="qinzhou") == [faq]
    client.force_login(people.editor)
    assert client.get("/admin/letters/faq/").status_code == 302


def test_statistics_count_received_concluded_on_time_and_handling_time(
    client, people, units, new_letter, clock
):
    edu = units("市教育局")
    clock.set(date(2026, 3, 2))
    on_time = new_letter("consultation", subject="三月的咨询信", content="三月份的一封咨询信。")
    workflow.dispatch(on_time, people.centre, edu)
    clock.set(date(2026, 3, 4))  # 2 working days
    workflow.save_draft(on_time, people.editor, "答复内容答复内容答复内容。", submit=True)
    workflow.review_reply(on_time, people.leader, True)
    workflow.publish(on_time, people.centre, make_public=True)

    clock.set(date(2026, 4, 1))
    late = new_letter("complaint", subject="四月的投诉信", content="四月份的一封投诉信。")
    workflow.dispatch(late, people.centre, edu)
    clock.set(date(2026, 4, 30))  # beyond 10 working days (the 5 April holiday counted)
    workflow.save_draft(late, people.editor, "答复内容答复内容答复内容。", submit=True)
    workflow.review_reply(late, people.leader, True)
    workflow.publish(late, people.centre, make_public=True)  # sent out late: on time counts the conclusion

    open_overdue = new_letter("help", subject="四月的求助信", content="四月份的一封求助信。")
    workflow.dispatch(open_overdue, people.centre, units("市卫生健康委"))
    new_letter("suggestion", subject="一封待分拣的建议", content="尚未派单的建议信。")

    s = letter_stats("qinzhou", 2026, today=date(2026, 5, 20))
    assert (s.total.received, s.total.concluded, s.total.answered, s.total.on_time) == (4, 2, 2, 1)
    assert s.total.on_time_rate == "50.0%"
    assert s.total.overdue_open == 1
    assert s.total.avg_workdays == f"{(2 + 20) / 2:.1f}"  # 2 and 20 working days (1–30 April has one holiday)
    by_type = {r.label: r for r in s.by_type}
    assert by_type["咨询"].on_time == 1 and by_type["投诉"].on_time == 0
    assert {r.label: r.received for r in s.by_unit} == {"市教育局": 2, "市卫生健康委": 1}
    assert s.by_month[2].received == 1 and s.by_month[3].received == 3

    clock.set(date(2026, 5, 20))
    html = client.get("/xinjian/").content.decode()
    assert "<svg" in html and "2026年各月来信与办结" in html and "件来信" in html
    html = client.get("/xinjian/tongji/?year=2026").content.decode()
    assert "按办理单位" in html and "市卫生健康委" in html and "50.0%" in html


def test_the_centre_is_told_which_unit_and_why(people, units, new_letter):
    letter = new_letter(
        "complaint",
        subject="学校乱收费",
        content="孩子所在小学要求缴纳资料费，请教育部门核查学校收费是否合规。",
    )
    top = suggest_units(letter)
    assert top[0].unit.name == "市教育局"
    assert any("教育" in r for r in top[0].reasons)
    # history: similar letters that went to one unit pull it up
    for i in range(3):
        past = new_letter("complaint", subject=f"油烟扰民问题{i}", content=f"楼下餐馆油烟扰民，第{i}次反映。")
        workflow.dispatch(past, people.centre, units("市卫生健康委"))
    letter2 = new_letter("complaint", subject="餐馆油烟扰民", content="楼下餐馆油烟很大，扰民严重。")
    ranked = suggest_units(letter2)
    names = [s.unit.name for s in ranked]
    assert "市卫生健康委" in names
    chosen = ranked[names.index("市卫生健康委")]
    assert any("类似来信 3 件" in r for r in chosen.reasons)
