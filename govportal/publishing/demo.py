"""Demo data of the publishing app (``govportal demo`` calls ``prepare(home)``; idempotent).

Items waiting at each stage for the demo accounts (edu_editor → edu_chief → edu_leader, then host_office
and host_leader for an item in the government's name), a joint item waiting for a co-unit, a policy
document held for its interpretation, reposts from a feed waiting for site_admin, one published item
withdrawn with its reason, and one emergency counting down.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from govportal.accounts.models import Role, Staff, Unit
from govportal.portal.columns import main_columns, with_paths
from govportal.portal.models import ArticlePage, PolicyDocumentPage

from .feeds_in import import_feed
from .models import FeedSubscription, Incident, ReviewDecision
from .publication import withdraw
from .workflow import ensure_workflow

DEMO_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>中国政府网 要闻（演示样例）</title>
    <link>https://www.gov.cn/</link>
    <description>演示用的订阅样例：采集的条目作为转载信息，经网站管理员审核后发布。</description>
    <item>
      <title>国务院常务会议部署进一步做好稳就业工作</title>
      <link>https://www.gov.cn/yaowen/liebiao/demo-0001.htm</link>
      <guid>demo-gov-0001</guid>
      <pubDate>Mon, 02 Mar 2026 18:00:00 +0800</pubDate>
      <description><![CDATA[<p>会议指出，要多措并举稳定和扩大就业，加大对重点群体就业帮扶力度。</p>]]></description>
    </item>
    <item>
      <title>国务院办公厅印发关于优化政务服务提升行政效能的意见</title>
      <link>https://www.gov.cn/zhengce/content/demo-0002.htm</link>
      <guid>demo-gov-0002</guid>
      <pubDate>Tue, 03 Mar 2026 16:00:00 +0800</pubDate>
      <description><![CDATA[<p>意见提出，推动更多政务服务事项网上办、掌上办、一次办。</p>]]></description>
    </item>
  </channel>
</rss>
"""
BODY = "<p>会议要求各学校做好开学前校舍安全检查和疫病防控准备，确保师生平安返校、教学秩序平稳。</p>"


def _user(name):
    return get_user_model().objects.filter(username=name).first()


def _approve(page, user, comment="同意。"):
    page.refresh_from_db()
    state = page.current_workflow_task_state
    if state is None:  # returned (e.g. by the machine check): leave it where it is
        return
    state = state.specific
    task = state.task.specific
    task.on_action(
        state, user, "approve", checklist=list(task.checklist), gates=list(task.gates), comment=comment
    )


def _item(column, title, submitter, approvers=(), model=None, **fields):
    """A demo item submitted by ``submitter`` and approved by ``approvers`` (only the first time)."""

    model = model or ArticlePage
    existing = model.objects.filter(title=title).first()
    if existing is not None:
        return existing, False
    co_units = fields.pop("co_units", [])
    page = model(title=title, live=False, **fields)
    if not fields.get("body"):
        page.body = BODY
    page.co_units.set(co_units)
    column.add_child(instance=page)
    page.save_revision(user=submitter)
    page.get_workflow().start(page, submitter)
    for user in approvers:
        _approve(page, user)
    return page, True


def prepare(home) -> str:
    ensure_workflow(home)
    u = {
        n: _user(n)
        for n in ("edu_editor", "edu_chief", "edu_leader", "host_office", "host_leader", "site_admin")
    }
    if not all(u.values()):
        return "信息发布演示：缺少演示账号，已跳过。"
    edu = u["edu_editor"].staff.unit
    column = main_columns(home).filter(units=edu).first()
    if column is None:
        return "信息发布演示：没有找到教育局负责的栏目，已跳过。"
    made = 0
    editor, chief, leader = u["edu_editor"], u["edu_chief"], u["edu_leader"]

    steps = [
        ("市教育局部署2026年春季学期开学工作（待信息员初审）", []),
        ("市教育局开展校园食品安全专项检查（待科室审核）", [editor]),
        ("市教育局公布2026年中小学招生工作时间安排（待分管领导审批）", [editor, chief]),
    ]
    for title, approvers in steps:
        made += _item(column, title, editor, approvers)[1]
    gov = [
        ("关于做好2026年义务教育阶段招生入学工作的通知（待政府办审核）", [editor, chief, leader]),
        (
            "关于进一步加强中小学校园安全管理的通知（待政府办主要领导审批）",
            [editor, chief, leader, u["host_office"]],
        ),
    ]
    for title, approvers in gov:
        made += _item(column, title, editor, approvers, info_category="government")[1]
    # One published in the government's name: it is in the publication register with its approval chain.
    made += _item(
        column,
        "关于做好2026年春季学期中小学开学工作的通知",
        editor,
        [editor, chief, leader, u["host_office"], u["host_leader"]],
        info_category="government",
    )[1]

    civil = Unit.objects.filter(locality=home.locality, name__endswith="民政局").first()
    if civil is not None:
        _co_unit_leader(civil)
        made += _item(
            column,
            "市教育局、市民政局联合开展困难家庭学生资助工作（待联合发布单位会签）",
            editor,
            [editor, chief, leader],
            co_units=[civil],
        )[1]

    made += _policy_held(home, column, editor, chief, leader, u["host_office"], u["host_leader"])
    made += _withdrawn(column, editor, chief, leader)
    made += _feed(home, u["site_admin"])
    made += _incident(home, edu)
    waiting = ReviewDecision.objects.filter(page__path__startswith=home.path).count()
    return f"信息发布演示已就绪：新增演示记录 {made} 项（审核记录共 {waiting} 条）；用 edu_editor、edu_chief、edu_leader、host_office、host_leader、site_admin、civil_leader（民政局分管领导，会签）登录后在“信息发布 → 待我审核”中查看。"


def _co_unit_leader(unit):
    """A deputy leader of the co-unit (civil_leader / Demo@2026), so the joint item can be co-signed."""

    user, created = get_user_model().objects.get_or_create(
        username="civil_leader", defaults={"first_name": "分管领导（民政局）", "is_staff": True}
    )
    if created:
        user.set_password("Demo@2026")
        user.save()
    Staff.objects.get_or_create(user=user, defaults={"unit": unit, "roles": [Role.DEPUTY_LEADER]})
    return user


def _policy_held(home, column, editor, chief, leader, host_office, host_leader) -> int:
    title = "钦州市教育局关于规范中小学课后服务的通知（待同步发布解读）"
    page, created = _item(
        column,
        title,
        editor,
        [editor, chief, leader, host_office, host_leader],  # a policy document: the host office reviews too
        model=PolicyDocumentPage,
        issuing_organ="钦州市教育局",
        document_number="钦教规〔2026〕1号",
        genre="规范性文件",
        date_written=timezone.localdate() - timedelta(days=1),
    )
    return int(created)


def _withdrawn(column, editor, chief, leader) -> int:

    title = "市教育局关于2026年寒假放假时间的通知（已撤回）"
    page, created = _item(column, title, editor, [editor, chief, leader])
    if created:
        page.refresh_from_db()
        if page.live:
            withdraw(page, leader, "放假时间以市政府最新通知为准，原通知日期有误，已撤回更正。")
    return int(created)


def _feed(home, site_admin) -> int:
    """A subscription of the 国务院头条 column, read from a bundled sample (the demo never goes online)."""

    target = next((c for p, c in with_paths(home, main_columns(home)) if p[-1] == "国务院头条"), None)
    target = target or main_columns(home).first()
    sub, created = FeedSubscription.objects.get_or_create(
        column=target,
        name="中国政府网 要闻（演示）",
        defaults={"url": "https://www.gov.cn/yaowen/rss.xml", "source_name": "中国政府网", "active": False},
    )
    if created:
        import_feed(sub, lambda url, max_bytes: DEMO_FEED.encode("utf-8"))
    return int(created)


def _incident(home, edu) -> int:
    title = "强降雨致我市部分学校停课"
    if Incident.objects.filter(locality=home.locality, title=title).exists():
        return 0
    incident = Incident.objects.create(
        locality=home.locality,
        title=title,
        kind=Incident.ESPECIALLY_MAJOR,
        heavy_impact=True,
        event_time=timezone.now() - timedelta(minutes=20),
        description="受强降雨影响，部分乡镇学校停课，暂无人员伤亡。",
    )
    incident.units.add(edu)
    return 1
