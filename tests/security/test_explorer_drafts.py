"""Another unit's unpublished items are not listed to a unit's people in the back office: not in the
explorer's columns (shared columns included), the sidebar explorer, the page chooser or the admin search
(attack found: an editor of 市教育局 read 市人民政府办公室's draft titles in a shared column). Published items
may be listed; the owner's unit and the site administrator see everything."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from .conftest import SECRET_TITLE, victim_item

pytestmark = pytest.mark.django_db

RENAMED = "改名草稿ZXQ尚未发布的新标题"
PUBLISHED = "已发布条目ZXQ市政府办公告"


@pytest.fixture
def drafts(world):
    # a published item whose pending draft has a new title (the explorer shows draft titles)
    page = world.item
    page.title = RENAMED
    page.save_revision()
    page.refresh_from_db()
    assert page.live and page.has_unpublished_changes and page.draft_title == RENAMED
    victim_item(world.column, title=PUBLISHED)  # published as it stands
    return world


def listings(client, world) -> dict[str, str]:
    col = world.column.pk
    urls = {
        "explorer": reverse("wagtailadmin_explore", args=[col]),
        "explorer results": reverse("wagtailadmin_explore_results", args=[col]),
        "sidebar explorer": f"/admin/api/main/pages/?child_of={col}&for_explorer=1&limit=20",
        "chooser": reverse("wagtailadmin_choose_page_child", args=[col]),
        "chooser search": reverse("wagtailadmin_choose_page_search") + "?q=ZXQ",
        "admin search": reverse("wagtailadmin_pages:search") + "?q=",
        "admin search results": reverse("wagtailadmin_pages:search_results") + "?q=",
        "admin search words": reverse("wagtailadmin_pages:search") + "?q=ZXQ",
    }
    out = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        body = response.content.decode()
        if response["Content-Type"].startswith("application/json"):
            body = json.dumps(json.loads(body), ensure_ascii=False)
        out[name] = body
    return out


def test_another_units_drafts_are_not_listed_anywhere_in_the_back_office(client, drafts):
    for role, attacker in drafts.attackers.items():
        client.force_login(attacker)
        for name, html in listings(client, drafts).items():
            assert SECRET_TITLE + "草稿" not in html, (role, name)
            assert RENAMED not in html, (role, name)
    # published items of the other unit stay listed; one whose pending draft renames it is listed again
    # once the new title is published
    client.force_login(drafts.attackers["editor"])
    seen = listings(client, drafts)
    assert PUBLISHED in seen["explorer"] and PUBLISHED in seen["chooser"]


@pytest.mark.parametrize("who", ["own editor", "site admin"])
def test_the_owner_unit_and_the_site_administrator_still_see_them(client, drafts, who):
    client.force_login(drafts.victims["editor"] if who == "own editor" else drafts.site_admin)
    seen = listings(client, drafts)
    for name in ("explorer", "sidebar explorer", "chooser", "admin search"):
        assert SECRET_TITLE + "草稿" in seen[name] and RENAMED in seen[name], name


def test_the_admin_api_detail_of_another_units_draft_is_not_found(client, drafts):
    url = f"/admin/api/main/pages/{drafts.draft.pk}/"
    for role, attacker in drafts.attackers.items():
        client.force_login(attacker)
        response = client.get(url)
        assert response.status_code == 404, role
        assert SECRET_TITLE not in response.content.decode(), role
    client.force_login(drafts.victims["editor"])
    response = client.get(url)
    assert response.status_code == 200 and SECRET_TITLE + "草稿" in response.content.decode()
