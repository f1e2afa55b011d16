"""The data migration for items stored before the date fix (issue 19): a live item whose 发布日期 is the
time its draft was started now shows when it went public; a date an editor typed, and a draft, are kept."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from govportal.portal.date_backfill import backfill_public_dates
from govportal.portal.models import ArticlePage, ColumnPage

pytestmark = pytest.mark.django_db


def _stored_before_the_fix(parent, title, *, date=None, live=True):
    """An item as the old code left it: date = when the draft was started, published two hours later."""
    page = ArticlePage(title=title, body="<p>会议部署寒假期间学生安全教育工作。</p>")
    parent.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    started = (timezone.now() - timedelta(days=3)).replace(second=5, microsecond=0)
    revision.created_at = started
    revision.save(update_fields=["created_at"])
    ArticlePage.objects.filter(pk=page.pk).update(
        date=date or started + timedelta(seconds=20),  # the same minute as the first revision
        date_auto=False,
        first_published_at=started + timedelta(hours=2) if live else None,
    )
    return ArticlePage.objects.get(pk=page.pk)


def test_old_items_get_their_publication_time_and_typed_dates_are_kept(qinzhou):
    parent = ColumnPage.objects.live().filter(title="政务要闻").order_by("depth").first()
    drafted = _stored_before_the_fix(parent, "市教育局召开寒假安全工作会议")
    typed = timezone.make_aware(datetime(2025, 1, 10, 9, 0))
    backdated = _stored_before_the_fix(parent, "补录：2025年寒假安全通知", date=typed)
    draft = _stored_before_the_fix(parent, "寒假期间学校值班安排", live=False)
    old_draft_date = draft.date

    migration = import_module("govportal.portal.migrations.0008_backfill_public_dates")
    assert backfill_public_dates(apps, "portal", migration.MODELS) == 1

    drafted.refresh_from_db()
    assert drafted.date == drafted.first_published_at and drafted.date_auto
    shown = timezone.localtime(drafted.first_published_at).strftime("%Y-%m-%d %H:%M")
    html = Client().get(drafted.url).content.decode()
    assert f">{shown}</time>" in html
    backdated.refresh_from_db()
    assert backdated.date == typed and not backdated.date_auto
    draft.refresh_from_db()
    assert draft.date == old_draft_date and not draft.date_auto

    # run twice (a re-applied migration, a second locality): nothing more changes
    assert backfill_public_dates(apps, "portal", migration.MODELS) == 0
    # and a later republication keeps the first publication time
    drafted.save_revision().publish()
    drafted.refresh_from_db()
    assert drafted.date == drafted.first_published_at
