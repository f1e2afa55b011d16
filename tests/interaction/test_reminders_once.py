"""A letter's reminder is sent once, whoever runs the job: two runs at once (two machines), or a run killed
half-way and retried on Redis (RQ), never give the unit's people the same notice twice."""

from __future__ import annotations

from datetime import date

import pytest

from govportal.interaction import deadlines, workflow
from govportal.interaction.deadlines import check_all
from govportal.interaction.models import Letter
from govportal.notices.models import Notice


def _overdue_letter(people, units, new_letter, clock):
    clock.set(date(2026, 11, 2))
    letter = new_letter("help", subject="求助信标题", content="求助信的内容不少于十个字。")
    workflow.dispatch(letter, people.centre, units("市教育局"))
    return letter


def test_a_run_killed_after_the_first_notices_leaves_nothing_and_the_retry_sends_each_once(
    people, units, new_letter, clock, monkeypatch
):
    letter = _overdue_letter(people, units, new_letter, clock)
    real_notify, calls = deadlines.notify, []

    def dies_half_way(users, *args, **kwargs):
        real_notify(list(users)[:1], *args, **kwargs)  # the first person's notice is written ...
        calls.append(1)
        raise SystemExit("worker killed")  # ... and the worker dies before the rest

    monkeypatch.setattr(deadlines, "notify", dies_half_way)
    with pytest.raises(SystemExit):
        check_all(date(2026, 11, 10))
    assert (
        calls and not Notice.objects.filter(letter=letter, kind="overdue").exists()
    )  # rolled back with the flag
    assert Letter.objects.get(pk=letter.pk).overdue_notified_on is None

    monkeypatch.setattr(deadlines, "notify", real_notify)
    assert check_all(date(2026, 11, 10))["overdue"] == 1  # the retry
    assert check_all(date(2026, 11, 10))["overdue"] == 0
    for person in (people.editor, people.leader, people.centre, people.host):
        assert Notice.objects.filter(user=person, letter=letter, kind="overdue").count() == 1


def test_two_runs_that_read_the_letter_at_once_send_one_reminder(people, units, new_letter, clock):
    """The second run read the letter before the first raised its flag: its conditional UPDATE finds the
    flag raised and it sends nothing."""
    letter = _overdue_letter(people, units, new_letter, clock)
    stale = Letter.objects.get(pk=letter.pk)  # what the other machine read
    assert check_all(date(2026, 11, 10))["overdue"] == 1
    assert deadlines.claim_flag(stale, "overdue_notified_on", date(2026, 11, 10)) is False
    assert Notice.objects.filter(user=people.editor, letter=letter, kind="overdue").count() == 1
