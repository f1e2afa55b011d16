"""What buttons a person sees on a letter, a disclosure request and an error report is what ``fire()`` lets
them do: both read the same table."""

from __future__ import annotations

import re

import pytest

from govportal.interaction import disclosure, error_reports, workflow
from govportal.interaction.models import ErrorKind, ErrorReport
from govportal.interaction.transitions import WorkflowError, allowed, check
from tests.factories import disclosure_request

NOT_STEPS = {"show_contact", "show_identity"}


def _buttons(client, user, url: str) -> set[str]:
    client.force_login(user)
    html = client.get(url).content.decode()
    found = re.findall(r'name="action" value="([a-z_]+)"|value="([a-z_]+)" name="action"', html)
    return {a or b for a, b in found} - NOT_STEPS


def _agrees(obj, user, shown: set[str], machine_actions) -> None:
    can = allowed(obj, user)
    for action in machine_actions:
        try:
            check(obj, action, user)
        except WorkflowError:
            assert action not in can
        else:
            assert action in can
    assert shown <= can | {"return"}, (shown, can)


@pytest.mark.django_db
def test_letter_buttons_are_the_table(client, people, units, new_letter):
    from govportal.interaction.transitions import LETTERS

    names = [t.name for t in LETTERS.transitions]
    letter = new_letter("complaint")
    url = f"/admin/letters/letter/{letter.pk}/"
    assert _buttons(client, people.centre, url) == {"accept", "reject", "merge", "dispatch"}
    _agrees(letter, people.centre, {"accept", "reject", "merge", "dispatch"}, names)
    assert _buttons(client, people.editor, url) == set()  # 403 page: not the unit's letter

    workflow.dispatch(letter, people.centre, units("市教育局"), co_units=[units("市卫生健康委")])
    letter.refresh_from_db()
    expected = {
        people.centre: set(),
        people.editor: {"return", "save_draft", "submit_reply", "request_extension"},
        people.leader: {"return", "save_draft", "submit_reply", "request_extension", "assign"},
        people.other_editor: {"return", "opinion"},  # posted as “return”, taken as the co-unit's co_return
    }
    for user, buttons in expected.items():
        assert _buttons(client, user, url) == buttons, user
        _agrees(letter, user, buttons, names)
    assert "co_return" in allowed(letter, people.other_editor)
    assert "return" not in allowed(letter, people.other_editor)

    workflow.request_extension(letter, people.editor, 3, "需要多部门会商。")
    workflow.save_draft(letter, people.editor, "经核查，已安排交警在上下学时段疏导交通。", submit=True)
    letter.refresh_from_db()
    assert _buttons(client, people.centre, url) == {"approve_extension", "refuse_extension"}
    assert _buttons(client, people.leader, url) == {"approve", "send_back", "request_extension", "assign"}
    assert _buttons(client, people.other_editor, url) == {"opinion"}
    for user in (people.centre, people.leader, people.editor, people.other_editor):
        _agrees(letter, user, _buttons(client, user, url), names)


@pytest.mark.django_db
def test_disclosure_buttons_are_the_table(client, people, units, qinzhou):
    from govportal.interaction.transitions import DISCLOSURES

    names = [t.name for t in DISCLOSURES.transitions]
    req = disclosure_request("gk-buttons")
    url = f"/admin/letters/disclosure/{req.pk}/"
    # 待确认收到: 确认收到, 补正, 当场答复 — not 答复, which the regulation gives only after receipt
    assert _buttons(client, people.editor, url) == {"confirm", "correction", "answer_spot"}
    _agrees(req, people.editor, {"confirm", "correction", "answer_spot"}, names)
    with pytest.raises(WorkflowError, match="不能答复"):
        disclosure.answer(req, people.editor, "granted", "依据条例第三十三条予以公开。")

    disclosure.confirm_receipt(req, people.editor)
    req.refresh_from_db()
    assert _buttons(client, people.editor, url) == {
        "correction",
        "consult",
        "extension",
        "answer",
        "answer_spot",
    }
    disclosure.request_extension(req, people.editor, 5, "需要调取档案。")
    req.refresh_from_db()
    assert {"approve_extension", "refuse_extension"} <= _buttons(client, people.leader, url)
    assert not {"approve_extension", "refuse_extension"} & _buttons(client, people.editor, url)
    for user in (people.editor, people.leader):
        _agrees(req, user, _buttons(client, user, url), names)


@pytest.mark.django_db
def test_error_report_buttons_are_the_table(client, people, units, qinzhou):
    from govportal.interaction.transitions import ERROR_REPORTS

    names = [t.name for t in ERROR_REPORTS.transitions]
    report, _ = error_reports.submit(
        locality="qinzhou",
        token_nonce="jc-buttons",
        page_url="/",
        kind=ErrorKind.values[0],
        description="首页有错别字“招声”。",
    )
    url = f"/admin/letters/errors/{report.pk}/"
    assert _buttons(client, people.centre, url) == {"forward", "invalid"}
    error_reports.forward(report, people.centre, units("市教育局"))
    report = ErrorReport.objects.get(pk=report.pk)
    # forwarded: the centre may still declare it invalid (the table), and answer; the unit answers
    assert _buttons(client, people.centre, url) == {"invalid", "answer"}
    assert _buttons(client, people.editor, url) == {"answer"}
    for user in (people.centre, people.editor):
        _agrees(report, user, _buttons(client, user, url), names)
