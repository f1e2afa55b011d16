"""A policy document and its interpretation (000 Art. 13 "同步"; 001 "文件印发后5个工作日内"), and the route
tables of the four profiles."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from govportal.notices.models import Notice
from govportal.portal.models import InterpretationPage
from govportal.publishing.interpretation import send_reminders
from govportal.publishing.models import InterpretationDue
from govportal.publishing.routes import RouteError, review_rules, rules_from_sections
from tests.factories import item

from .conftest import CLEAN_BODY, approve_all, current, policy_draft, submit, text

pytestmark = pytest.mark.django_db


def policy(column, title="钦州市教育局关于规范中小学课后服务收费的通知", genre="规范性文件", **fields):
    return policy_draft(column, title, "钦教规〔2026〕1号", genre, **fields)


def interpretation(column, document, title="《关于规范中小学课后服务收费的通知》政策解读"):
    return item(column, title, CLEAN_BODY, kind=InterpretationPage, publish=False, policy=document)


def test_policy_document_is_held_until_its_interpretation_is_published_with_it(client, people, edu_column):
    doc = policy(edu_column)
    submit(doc, people.editor)
    client.force_login(people.editor)
    review_page = text(client.get(reverse("publishing_review", args=[current(doc).pk])))
    assert "须同步发布政策解读" in review_page and "第十三条" in review_page
    # A policy document is published in the government's name: the host office reviews it too.
    approve_all(
        client, doc, people.editor, people.chief, people.leader, people.host_office, people.host_leader
    )
    doc.refresh_from_db()
    assert not doc.live  # approved but held: 同步推出
    due = InterpretationDue.objects.get(document=doc)
    assert due.mode == "hold" and due.unit.name == "市教育局"
    held = Notice.objects.get(user=people.editor, kind="interpretation")
    assert "须同步发布政策解读" in held.title
    approved = Notice.objects.get(user=people.editor, kind="approved")
    assert "暂缓发布" in approved.body

    interp = interpretation(edu_column, doc)
    submit(interp, people.editor)
    # 政策解读 is among the kinds 000 Art. 28 (1) sends through the host office.
    approve_all(
        client, interp, people.editor, people.chief, people.leader, people.host_office, people.host_leader
    )
    interp.refresh_from_db()
    doc.refresh_from_db()
    assert interp.live and doc.live  # published together
    assert abs((doc.first_published_at - interp.first_published_at).total_seconds()) < 5
    due.refresh_from_db()
    assert due.satisfied_at is not None and due.interpretation_id == interp.pk
    client.force_login(people.editor)
    assert "解读已发布" in text(client.get(reverse("publishing_interpretations")))


def test_a_document_with_its_interpretation_already_out_is_published_at_once(client, people, edu_column):
    doc = policy(edu_column)
    interp = interpretation(edu_column, doc)
    chain = (people.editor, people.chief, people.leader, people.host_office, people.host_leader)
    submit(interp, people.editor)
    approve_all(client, interp, *chain)
    submit(doc, people.editor)
    approve_all(client, doc, *chain)
    doc.refresh_from_db()
    assert doc.live


def test_a_notice_genre_needs_no_interpretation(client, people, edu_column):
    doc = policy(edu_column, title="钦州市教育局关于2026年清明节放假的通知", genre="通知")
    submit(doc, people.editor)
    approve_all(
        client, doc, people.editor, people.chief, people.leader, people.host_office, people.host_leader
    )
    doc.refresh_from_db()
    assert doc.live and not InterpretationDue.objects.filter(document=doc).exists()


def test_xiangshan_publishes_the_document_and_gives_five_working_days(client, make_person):
    from govportal.portal.calendar import workday_calendar
    from govportal.portal.columns import home_for, load, main_columns

    load("xiangshan")
    home = home_for("xiangshan")
    unit_name = "象山区统计局"
    from govportal.accounts.models import Unit

    unit = Unit.objects.filter(locality="xiangshan", name__contains="统计").first()
    unit_name = unit.name
    editor = make_person(unit_name, "editor", locality="xiangshan")
    head = make_person(unit_name, "principal_leader", locality="xiangshan")
    admin = make_person("区政府网站管理部", "site_admin", locality="xiangshan")
    host = make_person("象山区人民政府办公室", "host_office", locality="xiangshan")
    col = main_columns(home).filter(units=unit).first() or main_columns(home).first()
    doc = policy(col, title="象山区统计局关于规范统计调查工作的通知")
    submit(doc, editor)
    assert current(doc).task.name == "信息员初审"
    # 001 Art. 8 (1): a government document is reviewed by the district government office.
    approve_all(client, doc, editor, head)
    assert current(doc).task.name == "区政府办公室审核"
    approve_all(client, doc, host, admin)
    doc.refresh_from_db()
    assert doc.live  # warn mode: the document goes out
    due = InterpretationDue.objects.get(document=doc)
    expected = workday_calendar().add_workdays(date(2026, 3, 2), 5)
    assert due.mode == "warn" and timezone.localtime(due.due_at).date() == expected
    # Reminded when the deadline is within a day, and again once it has passed.
    send_reminders(now=due.due_at - timezone.timedelta(days=3))
    assert not Notice.objects.filter(user=editor, kind="interpretation").exists()
    send_reminders(now=due.due_at - timezone.timedelta(hours=5))
    assert Notice.objects.filter(user=editor, kind="interpretation", title__startswith="请补充").exists()
    send_reminders(now=due.due_at + timezone.timedelta(days=1))
    assert Notice.objects.filter(
        user=editor, kind="interpretation", title__startswith="政策解读已超期"
    ).exists()


# --- route tables -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("locality", ["qinzhou", "xiangshan", "youyang", "weibin"])
def test_every_kind_of_information_has_a_route(locality):
    rules = review_rules(locality)
    for category in ("unit", "government", "major", "repost"):
        assert rules.route_for(category, False), category
    assert rules.route_for("unit", True)[-1].unit == "co" or any(
        s.unit == "co" for s in rules.route_for("unit", True)
    )


def test_routes_follow_each_regulation():
    youyang = [s.name for s in review_rules("youyang").route_for("unit", False)]
    assert youyang == ["初审校对", "审核校对", "审查校对后签发"]  # 002 Art. 22 三审三校
    assert len(review_rules("youyang").checklist) == 9 and len(review_rules("youyang").gates) == 5
    assert len(review_rules("xiangshan").checklist) == 7  # 001 Art. 9
    weibin_major = [s.name for s in review_rules("weibin").route_for("major", False)]
    assert weibin_major == ["信息管理员提交", "单位主要领导审核签字", "区政府办公室审查同意"]  # 004 Art. 14
    qinzhou_major = [(s.unit, s.roles) for s in review_rules("qinzhou").route_for("major", False)][-2:]
    assert qinzhou_major == [("egov-center", ("deputy_leader",)), ("gov-office", ("principal_leader",))]
    assert [s.name for s in review_rules("xiangshan").route_for("repost", False)] == ["网站管理员复核"]


def test_a_broken_route_table_is_refused_with_a_clear_message():
    with pytest.raises(RouteError, match="缺少"):
        rules_from_sections("x", "某办法", {}, set())
    table = {"pipeline": [{"code": "a", "unit": "nowhere", "roles": ["editor"], "categories": ["unit"]}]}
    with pytest.raises(RouteError, match="nowhere"):
        rules_from_sections("x", "某办法", table, set())
    table = {"pipeline": [{"code": "a", "unit": "own", "roles": ["editor"], "categories": ["unit"]}]}
    with pytest.raises(RouteError, match="无人审核"):
        rules_from_sections("x", "某办法", table, set())


def test_youyang_review_asks_for_the_nine_items_and_five_gates(client, make_person):
    from govportal.portal.columns import home_for, load, main_columns

    load("youyang")
    home = home_for("youyang")
    from govportal.accounts.models import Unit

    unit = Unit.objects.filter(locality="youyang", kind="department").first()
    editor = make_person(unit.name, "editor", locality="youyang")
    col = main_columns(home).filter(units=unit).first() or main_columns(home).first()
    from govportal.portal.models import ArticlePage

    page = ArticlePage(title="县教委部署春季开学工作", body=CLEAN_BODY, live=False)
    col.add_child(instance=page)
    page.save_revision()
    # Nobody holds the later stages' roles in this unit yet: the item is returned at once, saying so.
    submit(page, editor)
    page.refresh_from_db()
    returned = page.current_workflow_state.current_task_state.comment
    assert "尚无科室负责人账号" in returned and "尚无分管领导账号" in returned
    make_person(unit.name, "section_chief", locality="youyang")
    make_person(unit.name, "deputy_leader", locality="youyang")
    submit(page, editor)
    client.force_login(editor)
    html = text(client.get(reverse("publishing_review", args=[current(page).pk])))
    assert "是否传播邪教和封建迷信" in html and "保密关" in html
    from .conftest import review

    response = review(client, editor, page, gates=["政治关"])
    assert "须严把五关" in text(response) and "法律关" in text(response)
    assert current(page).task.name == "初审校对"
    review(client, editor, page)
    assert current(page).task.name == "审核校对"
