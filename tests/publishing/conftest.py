"""Fixtures for the publishing tests: real users of the right units and roles, draft items, and helpers
that act as a user would (submit, open the review page, tick the checklist, approve or return)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date

import pytest
from django.urls import reverse

from tests import factories

CLEAN_BODY = "<p>会议要求各学校做好开学前安全检查，确保师生平安返校。</p>"


@pytest.fixture
def people(make_person):
    """One person per role the qinzhou route table names (000 Art. 28), plus people of other units."""

    class People:
        editor = make_person("市教育局", "editor")
        chief = make_person("市教育局", "section_chief")
        leader = make_person("市教育局", "deputy_leader")
        head = make_person("市教育局", "principal_leader")
        other_chief = make_person("市财政局", "section_chief")
        other_leader = make_person("市财政局", "deputy_leader")
        civil_leader = make_person("市民政局", "deputy_leader")
        host_office = make_person("市人民政府办公室", "host_office")
        host_leader = make_person("市人民政府办公室", "principal_leader")
        egov_leader = make_person("市人民政府办公室电子政务中心", "deputy_leader")
        site_admin = make_person("市人民政府办公室电子政务中心", "site_admin")

    for user in vars(People).values():
        if hasattr(user, "email"):
            user.email = f"{user.username}@example.gov.cn"
            user.save(update_fields=["email"])
    return People


@pytest.fixture
def edu_column(qinzhou):
    """A main-site column the responsibility table gives to 市教育局."""
    from govportal.portal.columns import main_columns

    return main_columns(qinzhou).filter(units=factories.unit("市教育局")).first()


@pytest.fixture
def draft(edu_column):
    """draft(title, body, user=..., column=..., **fields) -> an ArticlePage not yet submitted (one revision)."""

    def make(
        title="市教育局召开2026年春季学期开学工作部署会", body=CLEAN_BODY, *, user=None, column=None, **fields
    ):
        return factories.item(column or edu_column, title, body, publish=False, user=user, **fields)

    return make


def policy_draft(column, title, number, genre="通知", **fields):
    """A policy document of 钦州市教育局 (written 2 March 2026) in ``column``, not yet submitted."""
    from govportal.portal.models import PolicyDocumentPage

    fields.setdefault("issuing_organ", "钦州市教育局")
    fields.setdefault("date_written", date(2026, 3, 2))
    return factories.item(
        column,
        title,
        CLEAN_BODY,
        kind=PolicyDocumentPage,
        publish=False,
        document_number=number,
        genre=genre,
        **fields,
    )


@pytest.fixture
def publish_dir(settings, tmp_path):
    """Static publishing on, into a temporary folder (the sites' table forgotten before and after)."""
    from govportal.publishing import static_site

    settings.STATIC_PUBLISHING = True
    settings.PUBLISH_ROOT = tmp_path / "publish"
    static_site.forget_sites()
    yield settings.PUBLISH_ROOT
    static_site.forget_sites()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as a transaction that commits (the test's own transaction never does)."""

    @contextmanager
    def block():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block


def submit(page, user):
    """What the editor's "提交审核" does (Wagtail's submit action)."""
    page.refresh_from_db()
    state = page.current_workflow_state
    if state is not None and state.status == state.STATUS_NEEDS_CHANGES:
        state.resume(user)
    else:
        page.get_workflow().start(page, user)
    page.refresh_from_db()
    return page.current_workflow_state


def current(page):
    page.refresh_from_db()
    ts = page.current_workflow_task_state
    return ts.specific if ts else None


def checklist_of(state):
    return list(state.task.specific.checklist)


def review(client, user, page, action="approve", *, comment="", ticks=None, gates=None):
    """Open the phone review page as ``user`` and post a decision; returns the response."""
    state = current(page)
    client.force_login(user)
    url = reverse("publishing_review", args=[state.pk])
    task = state.task.specific
    data = {"action": action, f"{action}-comment": comment}
    if action == "approve":
        data[f"{action}-checklist"] = list(task.checklist) if ticks is None else ticks
        data[f"{action}-gates"] = list(task.gates) if gates is None else gates
    return client.post(url, data)


def approve_all(client, page, *users):
    for user in users:
        response = review(client, user, page)
        assert response.status_code == 302, response.content.decode()[:2000]


def publish_reviewed(client, people, draft, *more, **fields):
    """A draft of 市教育局 published through the review: the editor submits, the editor, the chief and the
    deputy leader approve (then ``more`` reviewers, for a route that goes further); returns it live."""
    page = draft(**fields)
    submit(page, people.editor)
    approve_all(client, page, people.editor, people.chief, people.leader, *more)
    page.refresh_from_db()
    assert page.live
    return page


def text(response) -> str:
    html = response if isinstance(response, str) else response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
