"""Items belong to their unit, even in a column several units share (attack found: an editor of 市教育局
opened 市人民政府办公室's item in 通知公告, set its unit to 市教育局 in the form, and it went out through
市教育局's own review chain)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from govportal.accounts.models import Unit
from govportal.portal.models import ArticlePage

from .conftest import ATTACKER_UNIT, SECRET_BODY, SECRET_TITLE, VICTIM_UNIT

pytestmark = pytest.mark.django_db


def _edit_form(page, **overrides):
    data = {
        "title": page.title,
        "slug": page.slug,
        "date": "2026-11-20 10:00",
        "source": "",
        "author": "",
        "info_category": "unit",
        "topic": "",
        "summary": "",
        "video_url": "",
        "body": rich_text(f"<p>{SECRET_BODY}</p>"),
        "attachments": streamfield([]),
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_other_units_editor_cannot_open_edit_copy_move_or_delete_the_item(client, world):
    editor = world.attackers["editor"]
    client.force_login(editor)
    page = world.item
    assert not page.permissions_for_user(editor).can_edit()
    for name in ("edit", "copy", "move", "delete", "unpublish"):
        response = client.get(reverse(f"wagtailadmin_pages:{name}", args=[page.pk]))
        assert response.status_code in (302, 403), name
        assert SECRET_BODY not in response.content.decode(), name
    # Wagtail's copy and move pages are refused for another unit's item, whatever the destination.
    assert not page.permissions_for_user(editor).can_copy_to(world.column)
    assert not page.permissions_for_user(editor).can_move_to(world.column)


def test_changing_the_unit_in_the_form_does_not_hand_the_item_over(client, world):
    editor = world.attackers["editor"]
    edu = Unit.objects.get(locality="qinzhou", name=ATTACKER_UNIT)
    page = world.draft
    client.force_login(editor)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        _edit_form(page, unit=edu.pk, title="被篡改的标题", **{"action-submit": "提交审核"}),
    )
    assert response.status_code in (302, 403)
    page.refresh_from_db()
    assert page.unit.name == VICTIM_UNIT
    assert page.get_latest_revision().as_object().title == SECRET_TITLE + "草稿"
    assert page.current_workflow_state is None  # nothing was submitted in its name


def test_the_unit_field_is_locked_for_the_own_units_editor(client, world):
    """Even the item's own unit cannot push it into another unit's chain: the field is disabled and a
    posted value is ignored; a site administrator re-assigns."""
    editor = world.victims["editor"]
    edu = Unit.objects.get(locality="qinzhou", name=ATTACKER_UNIT)
    page = world.draft
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form_html = client.get(url).content.decode()
    assert "信息归属其发布单位" in form_html
    response = client.post(url, _edit_form(page, unit=edu.pk, title=page.title + "（改）"))
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert page.unit.name == VICTIM_UNIT
    assert page.get_latest_revision().as_object().unit.name == VICTIM_UNIT

    client.force_login(world.site_admin)
    response = client.post(url, _edit_form(page, unit=edu.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert page.unit == edu  # the re-assignment applies to the item at once


def test_review_route_follows_the_stored_unit_not_the_revision(world):
    """Whatever a revision says (e.g. a forged form), the route is the item's own unit's."""
    from wagtail.models import WorkflowState

    from govportal.publishing.review import item_info

    edu = Unit.objects.get(locality="qinzhou", name=ATTACKER_UNIT)
    page = world.draft
    forged = page.get_latest_revision().as_object()
    forged.unit = edu
    forged.save_revision(user=world.attackers["editor"])
    page.refresh_from_db()
    assert page.get_latest_revision().as_object().unit == edu
    workflow = page.get_workflow()
    state = WorkflowState(content_object=page, workflow=workflow, requested_by=world.attackers["editor"])
    info = item_info(state)
    assert info.unit.name == VICTIM_UNIT


def test_own_unit_and_site_admin_keep_their_rights(world):
    page = Page.objects.get(pk=world.item.pk)  # a generic Page, as Wagtail's listings hold it
    assert page.permissions_for_user(world.victims["editor"]).can_edit()
    assert page.permissions_for_user(world.victims["section_chief"]).can_copy()
    assert page.permissions_for_user(world.site_admin).can_edit()
    assert not page.permissions_for_user(world.attackers["principal_leader"]).can_edit()
    assert not page.permissions_for_user(world.attackers["principal_leader"]).can_unpublish()
    assert not ArticlePage.objects.get(pk=page.pk).permissions_for_user(world.attackers["editor"]).can_copy()
