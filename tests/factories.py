"""Small factories for the tests: the few objects a test needs, built on the 钦州 profile that
tests/conftest.py loads once per session (its units and columns), instead of the demo content.

- ``unit("市教育局")``: a unit of a locality, by name.
- ``column(home, "动态信息", "政务要闻")``: the column at that path of titles.
- ``unit_column(home, unit)``: a column the responsibility table gives to that unit (alone when it can).
- ``person(unit, *roles)``: a user of the unit holding those roles (password ``PASSWORD``).
- ``item(column, title, body, kind=ArticlePage, unit=..., date=..., publish=True)``: an item in the column,
  published directly (the review is ``tests/publishing/conftest.py``'s ``publish_reviewed``).
- ``letter(unit, **fields)``: a stored letter (as the hotline keeps it), for tests that need one in a state.
- ``submitted_letter(type, subject, content, **fields)``: a letter as the public form stores it (by 李明).
- ``disclosure_request(token, **fields)``: a disclosure request to 市教育局, as the public form submits it.

Plain functions: fixtures in the conftest files wrap them where a test wants them by name.
"""

from __future__ import annotations

import itertools

PASSWORD = "Test@2026pw"
LOCALITY = "qinzhou"

_serial = itertools.count(1)


def unit(name: str, locality: str = LOCALITY):
    """The unit called ``name`` in ``locality`` (its profile loaded)."""
    from govportal.accounts.models import Unit

    return Unit.objects.get(locality=locality, name=name)


def column(home, *path: str):
    """The column at ``path`` (titles) below ``home``."""
    from govportal.portal.columns import main_columns, with_paths

    for p, page in with_paths(home, main_columns(home)):
        if p == path:
            return page
    raise LookupError("/".join(path))


def unit_column(home, unit):
    """A column the responsibility table gives to ``unit`` alone (so other units cannot edit its items);
    when it has none of its own, the first it shares."""
    from django.db.models import Count

    from govportal.portal.columns import main_columns

    ids = main_columns(home).filter(units=unit).values_list("pk", flat=True)
    qs = main_columns(home).filter(pk__in=list(ids)).annotate(n=Count("units")).filter(n=1)
    return qs.order_by("path").first() or main_columns(home).filter(units=unit).order_by("path").first()


def person(unit_or_name, *roles: str, username: str = "", email: str = "", locality: str = LOCALITY):
    """A user of the unit (a Unit, or its name in ``locality``) with those roles, e.g.
    ``person("市教育局", "editor")``; the username is made up unless given, all of one width (``u00042``), so
    that no made-up name is a part of another and a test may look for one in a page."""
    from django.contrib.auth import get_user_model

    from govportal.accounts.models import Staff

    the_unit = unit(unit_or_name, locality) if isinstance(unit_or_name, str) else unit_or_name
    user = get_user_model().objects.create_user(
        username or f"u{next(_serial):05d}", password=PASSWORD, email=email
    )
    Staff.objects.create(user=user, unit=the_unit, roles=list(roles))
    return user


def item(
    parent, title: str, body: str | None = None, *, kind=None, publish: bool = True, user=None, **fields
):
    """An item of ``kind`` (ArticlePage unless told) titled ``title`` in ``parent`` (a column or a sub-site),
    published at once unless ``publish=False`` (then a draft with one revision by ``user``).

    ``body`` defaults to one paragraph for an ArticlePage and kinds that require one. Other fields go to the model: ``unit``,
    ``date`` (发布日期, now unless given), many-to-many fields (``co_units``, ``related_policies``), and
    stream fields given as ``[(block_type, value), ...]``."""
    from govportal.portal.models import ArticlePage

    kind = kind or ArticlePage
    names = {f.name: f for f in kind._meta.get_fields()}
    if body is None and (kind is ArticlePage or "body" in names and not names["body"].blank):
        body = "<p>正文</p>"
    if body is not None:
        fields["body"] = body
    for name, value in list(fields.items()):
        if isinstance(value, list) and value and isinstance(value[0], tuple):
            fields[name] = [{"type": t, "value": v} for t, v in value]
    m2m = {name: fields.pop(name) for name in list(fields) if getattr(names.get(name), "many_to_many", False)}
    if not publish:
        fields.setdefault("live", False)
    page = kind(title=title, **fields)
    for name, values in m2m.items():
        getattr(page, name).set(values)
    parent.add_child(instance=page)
    revision = page.save_revision(user=user)
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def letter(lead_unit=None, **fields):
    """A letter stored as the hotline keeps it (no form, no workflow): a 咨询 of 钦州 unless told, with a
    query code of its own; ``fields`` are the Letter's (state, due_date, received_at, publication, ...)."""
    from govportal.interaction.models import Letter

    n = next(_serial)
    fields.setdefault("locality", LOCALITY)
    fields.setdefault("type", "consultation")
    fields.setdefault("type_name", "咨询")
    fields.setdefault("subject", "测试来信")
    fields.setdefault("content", "内容")
    fields.setdefault("query_code", f"T{n:08d}")
    fields.setdefault("password_hash", "x")
    if lead_unit is not None:
        fields["lead_unit"] = lead_unit
    return Letter.objects.create(**fields)


def submitted_letter(
    type: str = "complaint",
    subject: str = "学校周边道路拥堵",
    content: str = "每天上下学时学校门口道路拥堵，希望有关部门疏导交通。",
    *,
    token: str = "",
    **fields,
):
    """A letter to 钦州 as the public form stores it (``submit_letter``), written by 李明 who agrees to its
    publication unless ``fields`` say otherwise; ``token`` is the form's nonce (made up unless given)."""
    from govportal.interaction.workflow import submit_letter

    fields.setdefault("writer_name", "李明")
    fields.setdefault("writer_contact", "13877700000")
    fields.setdefault("consent_publish", True)
    return submit_letter(
        locality=LOCALITY,
        token_nonce=token or f"t{next(_serial)}",
        type=type,
        subject=subject,
        content=content,
        **fields,
    ).letter


def disclosure_request(token: str = "d", kind: str = "person", **fields):
    """A request for disclosure (依申请公开) to 市教育局 by 刘芳 (a citizen unless ``kind`` says otherwise), as
    the public form submits it; ``token`` is the form's nonce (one request per token)."""
    from govportal.interaction import disclosure

    values = dict(
        unit=unit("市教育局"),
        applicant_kind=kind,
        name="刘芳",
        id_number="450702199001011234",
        phone="13877700001",
        email="",
        address="钦州市钦南区文峰路1号",
        contact_person="" if kind == "person" else "陈律师",
        description="2025年市本级义务教育阶段学校招生计划。",
        form_wanted="纸质",
        delivery="邮寄",
    )
    values.update(fields)
    request, _password, _created = disclosure.submit(locality=LOCALITY, token_nonce=token, **values)
    return request
