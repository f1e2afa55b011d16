"""Every URL of the back office, generated from the URL resolver (a new view is covered automatically),
requested as each role of another unit with path parameters filled by the victim unit's objects: refused
or answered without the other unit's content; never a server error."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from .conftest import SECRET_BODY, record_url

pytestmark = pytest.mark.django_db

# Views that change state on GET or stream forever are still requested; these only need POST bodies
# Wagtail never accepts from a GET (nothing to skip). Converters we cannot fill are skipped and counted.
SKIP_NAMES = {"wagtailadmin_logout", "logout", "wagtailadmin_error_test"}  # failwhale: a deliberate 500


def admin_patterns():
    """(route template, name, converters) of every URL under /admin/."""
    out = []

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                out.append((route, p.name or "", dict(p.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return [(r, n, c) for r, n, c in out if r.startswith("admin/")]


def fill(route: str, values: dict) -> str | None:
    """The route with every <type:name> filled (None if a parameter cannot be filled)."""

    def sub(m):
        kind, name = (m.group(1) or "str"), m.group(2)
        if name in values:
            return str(values[name])
        if kind == "int":
            return str(values["_int"])
        if name in ("app_label",):
            return "portal"
        if name in ("model_name",):
            return "articlepage"
        if kind in ("str", "slug"):
            return "x"
        if kind == "path":
            return "x"
        raise KeyError(name)

    try:
        url = re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)
    except KeyError:
        return None
    if "(" in url or "^" in url or "$" in url:  # a regex route: use its literal start only
        url = re.split(r"[\^\$\(\[]", url)[0]
    return "/" + url


def test_every_back_office_url_refuses_another_unit(client, world):
    from wagtail.models import WorkflowState

    draft = world.draft
    draft.get_workflow().start(draft, world.victims["editor"])  # under review in the victim's unit
    state = WorkflowState.objects.for_instance(draft).first()
    task_state = state.current_task_state
    values = {
        "_int": draft.pk,
        "pk": draft.pk,
        "id": draft.pk,
        "object_id": draft.pk,
        "page_id": draft.pk,
        "parent_page_id": draft.pk,
        "state_id": task_state.pk,
        "task_state_id": task_state.pk,
        "workflow_state_id": state.pk,
    }
    patterns = admin_patterns()
    assert len(patterns) > 100  # the whole back office, not a sample
    errors, leaks = [], []
    client.raise_request_exception = False
    for role, user in world.attackers.items():
        client.force_login(user)
        for route, name, _conv in patterns:
            if name in SKIP_NAMES:
                continue
            url = fill(route, values)
            if url is None:
                continue
            response = client.get(url)
            body = response.content.decode(errors="replace") if hasattr(response, "content") else ""
            refused = response.status_code in (302, 403, 404, 405)
            leaked = SECRET_BODY in body
            record_url(route, role, response.status_code, refused, leaked)
            if response.status_code >= 500:
                errors.append(f"{role} {url} -> {response.status_code}")
            if leaked:
                leaks.append(f"{role} {url} -> {response.status_code}")
    assert not leaks, "another unit's draft content shown:\n" + "\n".join(leaks)
    assert not errors, "server errors:\n" + "\n".join(errors)


def test_other_units_cannot_act_on_the_item_by_post(client, world):
    """The state-changing pages of an item, posted by another unit: refused and the item unchanged."""
    from django.urls import reverse

    page = world.item
    for role, user in world.attackers.items():
        client.force_login(user)
        for name in ("edit", "delete", "unpublish", "copy", "move"):
            response = client.post(reverse(f"wagtailadmin_pages:{name}", args=[page.pk]), {"new_title": "x"})
            assert response.status_code in (302, 403), (role, name, response.status_code)
            record_url(f"POST admin/pages/<id>/{name}/", role, response.status_code, True, False)
    page.refresh_from_db()
    assert page.live and page.title.startswith("绝密测试条目")
