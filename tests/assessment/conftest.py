"""Fixtures: 象山's site (its profile loaded in the test's transaction), items put in its columns on a given
day, scan findings and letters."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests import factories

TZ = datetime.timezone(datetime.timedelta(hours=8))
Q3 = datetime.datetime(2026, 8, 10, 10, 0, tzinfo=TZ)  # a day in 2026 Q3


@pytest.fixture
def xiangshan(db):
    from govportal.portal.columns import home_for, load

    load("xiangshan")
    return home_for("xiangshan")


@pytest.fixture
def unit():
    from govportal.accounts.models import Unit

    def get(code, locality="xiangshan"):
        return Unit.objects.get(locality=locality, code=code)

    return get


@pytest.fixture
def column():
    """column("政务公开", "通知公告") -> that column of 象山 (or of ``locality``)."""
    from govportal.portal.columns import home_for

    def get(*path, locality="xiangshan"):
        return factories.column(home_for(locality), *path)

    return get


@pytest.fixture
def put():
    """put(column, title, kind, unit, when) -> a live ArticlePage first published at ``when``."""
    from govportal.portal.models import ArticlePage

    def make(col, title, kind, unit, when=Q3):
        body = "<p>正文。</p>"
        fields = {}
        if kind == "image":
            body += '<p><img src="/media/x.png" alt="图"></p>'
        if kind == "video":
            fields["video_url"] = "/media/documents/x.mp4"
        page = ArticlePage(title=title, date=when, unit=unit, body=body, source="象山区", **fields)
        col.add_child(instance=page)
        page.save_revision().publish()
        ArticlePage.objects.filter(pk=page.pk).update(first_published_at=when)
        page.refresh_from_db()
        assert page.media_kind == kind
        return page

    return make


@pytest.fixture
def finding():
    from govportal.monitoring.models import ScanStatus, TextScanFinding, TextScanRun

    runs = {}

    def make(page, kind, text, when=Q3, status="open"):
        run = runs.get(when)
        if run is None:
            run = runs[when] = TextScanRun.objects.create(
                locality="xiangshan", status=ScanStatus.DONE, finished_at=when
            )
        return TextScanFinding.objects.create(
            run=run,
            page=page,
            unit_id=page.specific.unit_id,
            kind=kind,
            text=text,
            rule="测试",
            severity="warning",
            start=0,
            end=len(text),
            text_hash="h",
            status=status,
        )

    return make


@pytest.fixture
def letter():
    """letter(unit, due, concluded=None) -> a 咨询 of 象山 led by ``unit``, received 200 days ago."""

    def make(unit, due, concluded=None, locality="xiangshan"):
        return factories.letter(
            unit,
            locality=locality,
            state="concluded" if concluded else "dispatched",
            due_date=due,
            concluded_at=concluded,
            received_at=timezone.now() - datetime.timedelta(days=200),
        )

    return make


@pytest.fixture
def person(db):
    """person(unit, *roles) -> a user of that unit (a Unit of any locality)."""
    return factories.person


@pytest.fixture
def scored(xiangshan, unit, column, put, finding, letter):
    """象山's 2026 Q3 of tests/assessment/test_scoring.py, computed: (统计局, 文旅局)."""
    from govportal.assessment.scoring import compute
    from govportal.rules.assessment import Period

    from .test_scoring import TODAY, _setup

    stats, culture = _setup(xiangshan, unit, column, put, finding, letter)
    compute("xiangshan", Period("quarter", 2026, 3), today=TODAY)
    return stats, culture
