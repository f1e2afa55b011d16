"""The route follows what the item is, not only what its editor picked (000 Art. 28, 001 Art. 8); text
changed during review is reviewed again; a locality's administrators have no say over another's items."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import TaskState, WorkflowState

from govportal.portal.models import ArticlePage
from govportal.publishing.categories import least_category
from govportal.publishing.models import FeedSubscription, Incident, RegisterEntry
from govportal.publishing.review import repost_refusal
from tests.conftest import column

from .conftest import CLEAN_BODY, approve_all, current, policy_draft, submit, text

pytestmark = pytest.mark.django_db


def policy_document(col, title="钦州市教育局关于做好2026年中小学暑期安全工作的通知"):
    return policy_draft(col, title, "钦教发〔2026〕7号")


# --- the route from the item's kind -----------------------------------------------------------------------


def test_a_policy_document_left_on_the_default_category_goes_to_the_host_office_and_the_register(
    client, people, edu_column
):
    doc = policy_document(edu_column)
    assert doc.info_category == "unit"  # the editor left the default
    submit(doc, people.editor)
    approve_all(client, doc, people.editor, people.chief, people.leader)
    doc.refresh_from_db()
    assert not doc.live
    assert current(doc).task.name == "政府办审核把关"  # 000 Art. 28 (1): 政府文件 → host office

    client.force_login(people.host_office)
    page = text(client.get(reverse("publishing_review", args=[current(doc).pk])))
    assert "以政府名义发布的信息" in page and "按本信息的种类从严审核" in page
    approve_all(client, doc, people.host_office, people.host_leader)
    doc.refresh_from_db()
    assert doc.live and doc.info_category == "government"
    entry = RegisterEntry.objects.get(page_ref=doc.pk)
    assert entry.document_number == "钦教发〔2026〕7号"
    assert [c["stage"] for c in entry.approval_chain][-2:] == ["政府办审核把关", "政府办审批"]
    client.force_login(people.host_office)
    assert doc.title in text(client.get(reverse("publishing_register")))


def test_kinds_named_in_the_profile_take_their_route(qinzhou, people, edu_column):
    interpretations = column(qinzhou, "解读回应", "政策解读")
    article = ArticlePage(title="图解：我市义务教育招生政策", body=CLEAN_BODY, live=False)
    interpretations.add_child(instance=article)
    assert least_category(article, "qinzhou") == "government"  # 政策解读 in 第二十八条（一）
    plain = ArticlePage(title="市教育局召开安全工作会", body=CLEAN_BODY, live=False)
    edu_column.add_child(instance=plain)
    assert least_category(plain, "qinzhou") == "unit"


def test_an_ordinary_article_marked_repost_is_refused(client, people, draft):
    page = draft(user=people.editor, info_category="repost")
    submit(page, people.editor)
    page.refresh_from_db()
    ws = page.current_workflow_state
    assert ws.status == WorkflowState.STATUS_NEEDS_CHANGES and not page.live
    said = ws.current_task_state.comment
    assert "只适用于从其他媒体转载的信息" in said and "钦州市人民政府门户网站管理办法》第十一条" in said
    # Nobody was asked to review it around the unit's own chain.
    assert not TaskState.objects.reviewable_by(people.site_admin).exists()
    client.force_login(people.editor)
    assert "不能选择该类别而免去本单位的审核" in text(client.get(reverse("publishing_item", args=[page.pk])))

    # Put back on its own category it goes through the unit's chain.
    page.info_category = "unit"
    page.save_revision(user=people.editor)
    submit(page, people.editor)
    assert current(page).task.name == "初审初校"


def test_a_repost_marked_government_also_gets_the_repost_check(client, people, draft):
    from govportal.portal.models import RepostPage

    page = draft(
        "国务院办公厅关于优化政务服务提升行政效能的意见",
        "<p>意见提出，推动更多政务服务事项网上办、掌上办、一次办。</p>",
        kind=RepostPage,
        source="中国政府网",
        original_url="https://www.gov.cn/zhengce/content/0002.htm",
        info_category="government",
        user=people.editor,
    )
    submit(page, people.editor)
    approve_all(
        client, page, people.editor, people.chief, people.leader, people.host_office, people.host_leader
    )
    page.refresh_from_db()
    assert not page.live and current(page).task.name == "网站管理员审核（网上采集）"
    approve_all(client, page, people.site_admin)
    page.refresh_from_db()
    assert page.live


def test_the_refusal_names_each_regulations_article(people, draft):
    page = draft(user=people.editor, info_category="repost")
    assert "《象山区人民政府门户网站信息管理制度》第八条（三）" in repost_refusal(page, "xiangshan")


# --- changed text is reviewed again ---------------------------------------------------------------------


def test_an_edit_during_review_restarts_the_review(client, people, draft):
    page = draft(user=people.editor)
    submit(page, people.editor)
    approve_all(client, page, people.editor, people.chief)
    assert current(page).task.name == "部门负责人审批"

    # The deputy leader changes the text in the editor (what its save does), then approves.
    page.refresh_from_db()
    edited = page.get_latest_revision_as_object()
    edited.body = "<p>会议要求各学校在开学前完成校舍安全检查，并于3月1日前报送检查结果。</p>"
    edited.save_revision(user=people.leader)
    approve_all(client, page, people.leader)

    page.refresh_from_db()
    assert not page.live
    # The first review and the section chief have not seen the new text: the review starts again.
    assert current(page).task.name == "初审初校"
    approve_all(client, page, people.editor, people.chief, people.leader)
    page.refresh_from_db()
    assert page.live and "3月1日前报送" in page.body


# --- one locality's administrators and another's items ----------------------------------------------------


@pytest.fixture
def xiangshan_admins(make_person):
    from govportal.portal.columns import load

    load("xiangshan")

    class Them:
        site_admin = make_person("区政府网站管理部", "site_admin", locality="xiangshan")
        host_office = make_person("象山区人民政府办公室", "host_office", locality="xiangshan")

    return Them


def test_another_localitys_administrators_cannot_withdraw_or_see_drafts(
    client, people, draft, xiangshan_admins
):
    published = draft(user=people.editor)
    submit(published, people.editor)
    approve_all(client, published, people.editor, people.chief, people.leader)
    published.refresh_from_db()
    assert published.live
    in_review = draft(title="市教育局关于开展2026年教师节表彰活动的通知", user=people.editor)
    submit(in_review, people.editor)

    for user in (xiangshan_admins.site_admin, xiangshan_admins.host_office):
        client.force_login(user)
        refused = client.post(
            reverse("publishing_withdraw", args=[published.pk]),
            {"reason": "内容失当，按要求撤回"},
            follow=True,
        )
        assert "没有权限" in text(refused) or refused.status_code == 403
        published.refresh_from_db()
        assert published.live, user
        for url in (
            reverse("publishing_item", args=[in_review.pk]),
            reverse("publishing_review", args=[current(in_review).pk]),
        ):
            response = client.get(url, follow=True)
            assert in_review.title not in text(response), (user, url)

    # Qinzhou's own site administrator and host office may.
    client.force_login(people.host_office)
    assert in_review.title in text(client.get(reverse("publishing_item", args=[in_review.pk])))
    client.force_login(people.site_admin)
    client.post(reverse("publishing_withdraw", args=[published.pk]), {"reason": "内容失当，按要求撤回"})
    published.refresh_from_db()
    assert not published.live


def test_another_localitys_administrators_cannot_close_incidents_or_fetch_feeds(
    client, people, qinzhou, xiangshan_admins, monkeypatch
):
    from govportal.accounts.models import Unit

    incident = Incident.objects.create(
        locality="qinzhou",
        title="强降雨致我市部分学校停课",
        event_time=timezone.now() - timedelta(minutes=20),
    )
    incident.units.add(Unit.objects.get(locality="qinzhou", name="市教育局"))
    fetched = []
    monkeypatch.setattr("govportal.publishing.feeds_in.fetch", lambda url, max_bytes: fetched.append(url))
    sub = FeedSubscription.objects.create(
        column=column(qinzhou, "动态信息", "国务院头条"),
        name="中国政府网要闻",
        url="https://www.gov.cn/rss/yaowen.xml",
        source_name="中国政府网",
    )

    for user in (xiangshan_admins.site_admin, xiangshan_admins.host_office):
        client.force_login(user)
        client.post(reverse("publishing_incident_done", args=[incident.pk, "first_release"]))
        incident.refresh_from_db()
        assert incident.first_release_at is None, user
    client.force_login(xiangshan_admins.site_admin)
    client.post(reverse("publishing_feed_fetch", args=[sub.pk]))
    assert fetched == []
    assert sub.name not in text(client.get(reverse("publishing_feeds")))

    client.force_login(people.host_office)
    client.post(reverse("publishing_incident_done", args=[incident.pk, "first_release"]))
    incident.refresh_from_db()
    assert incident.first_release_at is not None


def test_another_localitys_site_admin_cannot_open_this_localitys_records(client, people, xiangshan_admins):
    from govportal.publishing.models import WebhookEndpoint

    incident = Incident.objects.create(
        locality="qinzhou", title="强降雨致我市部分学校停课", event_time=timezone.now()
    )
    endpoint = WebhookEndpoint.objects.create(
        locality="qinzhou",
        name="市教育局微信公众号",
        url="https://wx.example/hook",
        secret="s3cret-s3cret-s3cret",
    )
    edits = [reverse("incidents:edit", args=[incident.pk]), reverse("webhooks:edit", args=[endpoint.pk])]
    client.force_login(xiangshan_admins.site_admin)
    for url in edits:
        response = client.get(url)
        assert response.status_code == 404 and "s3cret" not in response.content.decode(), url
    client.post(reverse("incidents:delete", args=[incident.pk]))
    assert Incident.objects.filter(pk=incident.pk).exists()
    client.force_login(people.site_admin)
    for url in edits:
        assert client.get(url).status_code == 200, url
