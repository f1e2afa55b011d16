"""初审初校 (issue 19): the author does not sign the first review of their own item where the unit has
another editor; a unit's only editor may, where the profile allows it, and the decision says 自校."""

from __future__ import annotations

from govportal.publishing.models import ReviewDecision

from .conftest import current, review, submit, text


def test_with_a_second_editor_the_author_is_refused_and_the_colleague_signs(
    client, people, draft, make_person
):
    colleague = make_person("市教育局", "editor")
    page = draft(user=people.editor)
    submit(page, people.editor)
    assert current(page).task.name == "初审初校"

    refused = review(client, people.editor, page)
    assert current(page).task.name == "初审初校"
    message = text(client.get(refused.url) if refused.status_code == 302 else refused)
    assert "须由作者以外的信息员办理" in message and "还有 1 名信息员" in message
    assert "第十五条" in message  # the article of the loaded (钦州) profile

    assert review(client, colleague, page).status_code == 302
    assert current(page).task.name == "科室审核"
    decision = ReviewDecision.objects.get(page_id=page.pk)
    assert decision.user_id == colleague.pk and "自校" not in decision.comment


def test_the_only_editor_checks_their_own_item_and_it_is_recorded_as_self_checked(client, people, draft):
    page = draft(user=people.editor)
    submit(page, people.editor)
    assert review(client, people.editor, page, comment="已核对").status_code == 302
    assert current(page).task.name == "科室审核"
    decision = ReviewDecision.objects.get(page_id=page.pk)
    assert decision.comment.startswith("【自校：本单位只有一名信息员") and "第十五条" in decision.comment
    client.force_login(people.chief)
    from django.urls import reverse

    history = text(client.get(reverse("publishing_item", args=[page.pk])))
    assert "自校" in history
