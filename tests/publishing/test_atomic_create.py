"""An item created in the page editor is stored whole or not at all: a request that dies half-way (a node
killed, benchmarks/two_nodes.py) leaves no half-made draft behind, so the editor's second press makes one
item. And "publish" on a new item, refused (review only), leaves a draft, not a page the public can read."""

import pytest
from django.urls import reverse
from wagtail import hooks
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from govportal.portal.models import ArticlePage
from tests.conftest import column


def _form(title):
    return nested_form_data(
        {
            "title": title,
            "slug": "",
            "body": rich_text("<p>会议要求各单位压实责任。</p>"),
            "date": "",
            "info_category": "unit",
            "attachments": streamfield([]),
            "comments": inline_formset([]),
        }
    )


@pytest.fixture
def boss(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", password="Test@2026pw"))
    return client


def test_a_save_that_dies_half_way_leaves_nothing_and_the_second_press_makes_one_item(boss, qinzhou):
    news = column(qinzhou, "动态信息", "政务要闻")
    url = reverse("wagtailadmin_pages:add", args=("portal", "articlepage", news.pk))
    title = "全市安全生产工作部署会议召开"

    def node_dies(request, page):
        raise RuntimeError("进程被终止")  # after the page and its revision were saved, before the answer

    with hooks.register_temporarily("after_create_page", node_dies):
        with pytest.raises(RuntimeError):
            boss.post(url, _form(title))
    assert not ArticlePage.objects.filter(title=title).exists()  # no half-made draft in the column

    response = boss.post(url, _form(title))  # the editor presses "save" again
    assert response.status_code == 302
    item = ArticlePage.objects.get(title=title)
    assert not item.live and item.revisions.count() == 1
    assert ArticlePage.objects.child_of(news).filter(title=title).count() == 1


def test_publish_on_a_new_item_is_refused_and_the_public_cannot_read_it(boss, qinzhou, client):
    news = column(qinzhou, "动态信息", "政务要闻")
    url = reverse("wagtailadmin_pages:add", args=("portal", "articlepage", news.pk))
    title = "未经审核的信息不得发布"
    response = boss.post(url, {**_form(title), "action-publish": "action-publish"}, follow=True)
    assert "信息须经审核后才能发布" in response.content.decode()
    item = ArticlePage.objects.get(title=title)
    assert not item.live and item.live_revision is None
    assert item.revisions.count() == 1  # kept as a draft: nothing typed is lost
    client.logout()
    assert client.get(item.url).status_code == 404
    assert title not in client.get(news.url).content.decode()
