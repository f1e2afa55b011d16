"""Telling people what waits for them: :func:`notify` writes a notice in each person's back-office inbox and,
once the transaction that made the news has committed, sends it by e-mail (Django's mail backend). A rolled
back change tells nobody; a mail server that is down loses no notice."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notice

logger = logging.getLogger(__name__)

TITLE_MAX = Notice._meta.get_field("title").max_length


def absolute(url: str) -> str:
    if url.startswith("http"):
        return url
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def notify(
    users: Iterable, kind: str, title: str, body: str = "", url: str = "", *, about=None
) -> list[Notice]:
    """One notice per active person in ``users`` (each once; ``None`` skipped); mail after commit.

    ``about``: the object the notice concerns (a letter …), for :func:`mark_read` and the object's page. A
    title longer than the field keeps its whole text in the body."""
    if len(title) > TITLE_MAX:
        body = body or title
        title = title[: TITLE_MAX - 1] + "…"
    link = {}
    if about is not None:
        link = {"content_type": ContentType.objects.get_for_model(about), "object_id": about.pk}
    notices, seen = [], set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notice = Notice.objects.create(user=user, kind=kind, title=title, body=body, url=url, **link)
        if user.email:
            transaction.on_commit(lambda n=notice, to=user.email: _mail(n, to))
        notices.append(notice)
    return notices


def _mail(notice: Notice, to: str) -> None:
    text = (notice.body or notice.title) + (f"\n\n办理地址：{absolute(notice.url)}" if notice.url else "")
    try:
        send_mail(f"【政府网站】{notice.title}", text, None, [to])
    except Exception:  # a mail server that is down must not lose the notice or stop the work
        logger.exception("通知邮件发送失败：%s → %s", notice.title, to)
        return
    Notice.objects.filter(pk=notice.pk).update(emailed=True)


def unread(user):
    return Notice.objects.filter(user=user, read_at__isnull=True)


def unread_count(user) -> int:
    return unread(user).count() if getattr(user, "is_authenticated", False) else 0


def mark_read(*, user=None, about=None, url: str | None = None, pks=None) -> int:
    """Mark unread notices read: a person's (``user``), about one object, with one link, or these ``pks``."""
    qs = Notice.objects.filter(read_at__isnull=True)
    if user is not None:
        qs = qs.filter(user=user)
    if about is not None:
        qs = qs.filter(content_type=ContentType.objects.get_for_model(about), object_id=about.pk)
    if url is not None:
        qs = qs.filter(url=url)
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    return qs.update(read_at=timezone.now())


def read_now(notices) -> set:
    """The notices a page is about to show in full: marks the unread ones read, returns their ids (to flag
    them 新 on that page)."""
    fresh = {n.pk for n in notices if n.read_at is None}
    if fresh:
        mark_read(pks=fresh)
    return fresh
