"""Two clerks click the same button on the same letter at the same moment: one wins, the other is told.

Committed transactions in real threads (each thread has its own database connection), on SQLite and on
PostgreSQL (``DATABASE_URL``). Both clerks read the letter before either acts. On PostgreSQL the two steps
then run at the same time. The SQLite test database is in memory with a shared cache, where a second writer
gets “table is locked” at once instead of waiting as it does on the deployed file database (WAL, ``BEGIN
IMMEDIATE``, 20 s timeout); there the steps take turns, as the file database makes them.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection

from govportal.interaction.models import Letter, LetterEvent, LetterState, WorkOrder
from govportal.interaction.transitions import WorkflowError, fire, transition_fired


@pytest.fixture(scope="module")
def committed_state(django_db_setup, django_db_blocker):
    """A transactional test empties the database when it ends; the tests after it (and the scratch copies of
    tests/ops) expect the committed 钦州 profile, so it is put back when this module is done."""
    with django_db_blocker.unblock():
        saved = getattr(connection, "_test_serialized_contents", None)
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
        if saved is None:
            del connection._test_serialized_contents
        else:
            connection._test_serialized_contents = saved


def _race(clerks, take):
    """Run ``take(clerk)`` for each clerk in its own thread, all released at once; (results, errors)."""
    barrier = threading.Barrier(len(clerks))
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()
    results, errors = [], []

    def run(clerk):
        try:
            barrier.wait(timeout=30)
            with turns:
                results.append(take(clerk))
        except WorkflowError as exc:
            errors.append(str(exc))
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clerks_dispatch_the_same_letter_at_once_one_wins_the_other_is_told(
    committed_state, make_person, units, new_letter
):
    clerk_a = make_person("市12345热线管理中心", "hotline")
    clerk_b = make_person("市12345热线管理中心", "hotline")
    letter = new_letter("complaint")
    target = {clerk_a.pk: units("市教育局"), clerk_b.pk: units("市卫生健康委")}
    fired = []
    transition_fired.connect(
        lambda sender, **kw: fired.append(kw["transition"].name), sender=Letter, weak=False, dispatch_uid="t"
    )
    try:
        # each clerk has the page open: the letter as it was before either clicked
        seen = {clerk.pk: Letter.objects.get(pk=letter.pk) for clerk in (clerk_a, clerk_b)}

        def take(clerk):
            fire(seen[clerk.pk], "dispatch", clerk, lead=target[clerk.pk])
            return clerk.pk

        won, refused = _race([clerk_a, clerk_b], take)
    finally:
        transition_fired.disconnect(sender=Letter, dispatch_uid="t")

    assert len(won) == 1 and len(refused) == 1, (won, refused)
    assert refused[0] == "该来信已由其他工作人员处理（当前状态：办理中），请刷新后查看。"
    letter.refresh_from_db()
    assert letter.state == LetterState.DISPATCHED
    assert letter.lead_unit == target[won[0]]
    # exactly one dispatch written: one event, one work order (the loser's were rolled back), one signal
    assert LetterEvent.objects.filter(letter=letter, action="dispatched").count() == 1
    assert list(WorkOrder.objects.filter(letter=letter).values_list("unit", flat=True)) == [target[won[0]].pk]
    assert fired == ["dispatch"]

    # the same on the next step: two clerks of the centre publish the same approved answer
    editor = make_person(letter.lead_unit.name, "editor")
    leader = make_person(letter.lead_unit.name, "deputy_leader")
    fire(letter, "submit_reply", editor, text="经核查，已安排交警在上下学时段疏导交通。")
    fire(letter, "approve", leader)

    seen = {clerk.pk: Letter.objects.get(pk=letter.pk) for clerk in (clerk_a, clerk_b)}

    def publish(clerk):
        fire(seen[clerk.pk], "publish", clerk, make_public=True)
        return clerk.pk

    won, refused = _race([clerk_a, clerk_b], publish)
    assert len(won) == 1 and refused == ["该来信已由其他工作人员处理（当前状态：已办结），请刷新后查看。"]
    assert LetterEvent.objects.filter(letter=letter, action="concluded").count() == 1
    assert LetterEvent.objects.filter(letter=letter, action="published").count() == 1
