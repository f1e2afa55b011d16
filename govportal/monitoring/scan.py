"""A scan of everything already published on a locality's site (错敏信息排查), so that a unit can correct
what it published before the checker existed (酉阳办法第十八条 错敏信息整改).

Every live page under the locality's home page (main site and sub-sites) is read straight from its
tables (``Model.objects.values(...)`` — no page objects), its text taken as ``item_text`` takes it, and
checked with ``textcheck.batch.check_many`` on several processes; then the attachments linked from live
pages (StreamField document blocks and document links in rich text) whose text can be extracted. Each
finding is recorded with the page's unit and column. Marks (已整改 / 误报) of the previous scan are kept
when the text they were made on has not changed; a 误报 mark also survives edits elsewhere in the text
as long as the same words stand in the same surroundings.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import logging
import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from govportal.accounts.models import Staff
from govportal.portal.columns import home_for, main_columns, with_paths
from govportal.portal.models import ColumnPage, HomePage, SubsiteHomePage
from govportal.textcheck.batch import check_many

from .extract import document_text
from .models import (
    FindingKind,
    FindingStatus,
    RegistryVersion,
    ScanStatus,
    Severity,
    TextScanFinding,
    TextScanRun,
)
from .registries import ensure_seeded
from .textcheck import extract_item_text, link_policy, registry_data, text_fields

logger = logging.getLogger(__name__)

CHUNK = 4000  # items handed to check_many at a time (bounded memory; one process pool per chunk)
WRITE_BATCH = 5000
CONTEXT = 30

_PREBUILT: dict[tuple, Any] = {}


def _worker_checker(data: dict, forbid_non_gov: bool):
    """Factory for ``check_many``: under fork the parent's checker is inherited, elsewhere built once."""
    key = ("scan", forbid_non_gov)
    if key not in _PREBUILT:
        from .textcheck import build_checker

        _PREBUILT[key] = build_checker(data, forbid_non_gov)
    return _PREBUILT[key]


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    before = text[max(0, start - CONTEXT) : start]
    before = before[before.rfind("\n") + 1 :]
    after = text[end : end + CONTEXT]
    cut = after.find("\n")
    return before, (after if cut < 0 else after[:cut])


@dataclass(slots=True)
class Target:
    page_id: int
    path: str
    unit_id: int | None
    column_id: int | None
    document_id: int | None
    text: str
    labels: tuple[tuple[int, str], ...]  # (start offset, field label)

    def label_at(self, offset: int) -> str:
        if self.document_id:
            return "附件"
        starts = [s for s, _ in self.labels]
        i = bisect.bisect_right(starts, offset) - 1
        return self.labels[i][1] if i >= 0 else ""


class SiteMap:
    """Where each page belongs: its column (nearest column above or itself) and its unit."""

    def __init__(self, home):
        self.home = home
        columns = ColumnPage.objects.filter(path__startswith=home.path)
        self.columns: dict[str, int] = dict((p, i) for i, p in columns.values_list("id", "path"))
        lead = defaultdict(list)
        for cid, uid in ColumnPage.lead_units.through.objects.filter(columnpage__in=columns).values_list(
            "columnpage_id", "unit_id"
        ):
            lead[cid].append(uid)
        units = defaultdict(list)
        for cid, uid in ColumnPage.units.through.objects.filter(columnpage__in=columns).values_list(
            "columnpage_id", "unit_id"
        ):
            units[cid].append(uid)
        # a column's own unit, when the responsibility table names exactly one (or one lead unit)
        self.column_unit: dict[int, int] = {}
        for cid in set(lead) | set(units):
            if len(lead[cid]) == 1:
                self.column_unit[cid] = lead[cid][0]
            elif len(units[cid]) == 1:
                self.column_unit[cid] = units[cid][0]
        self.subsites: dict[str, int] = dict(
            SubsiteHomePage.objects.filter(path__startswith=home.path).values_list("path", "unit_id")
        )
        self.staff_unit: dict[int, int] = dict(Staff.objects.values_list("user_id", "unit_id"))

    def column_of(self, path: str) -> int | None:
        for i in range(len(path), 0, -4):
            cid = self.columns.get(path[:i])
            if cid:
                return cid
        return None

    def unit_of(
        self, path: str, unit_id: int | None, owner_id: int | None, column_id: int | None
    ) -> int | None:
        """The item's unit; else its author's unit; else the sub-site's unit; else its column's unit."""
        if unit_id:
            return unit_id
        if owner_id and owner_id in self.staff_unit:
            return self.staff_unit[owner_id]
        for i in range(len(path), 0, -4):
            uid = self.subsites.get(path[:i])
            if uid:
                return uid
        return self.column_unit.get(column_id) if column_id else None


def page_models():
    """Concrete page models with their text fields (Page itself has only a title: every page has a
    specific model)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, get_page_models

    out = []
    for model in get_page_models():
        if model is Page or model._meta.abstract or model._meta.proxy:
            continue
        out.append((model, ContentType.objects.get_for_model(model), text_fields(model)))
    return out


def live_targets(home, site: SiteMap, doc_links: dict[int, list[tuple]]) -> Iterator[Target]:
    """Every live page under ``home`` as a :class:`Target`; fills ``doc_links``: document → the
    (page, unit, column) of each live page that links it."""

    for model, ct, fields in page_models():
        names = [name for name, _, _ in fields]
        has_unit = (
            any(f.name == "unit" for f in model._meta.concrete_fields) and model.__name__ != "SubsiteHomePage"
        )
        extra = ["id", "path", "owner_id"] + (["unit_id"] if has_unit else [])
        qs = model.objects.filter(content_type=ct, live=True, path__startswith=home.path).order_by("path")
        for row in qs.values(*extra, *names).iterator(chunk_size=2000):
            item = extract_item_text(model, row)
            text = item.text
            path = row["path"]
            column_id = site.columns.get(path) or site.column_of(path[:-4])
            unit_id = site.unit_of(path, row.get("unit_id"), row["owner_id"], column_id)
            for doc in dict.fromkeys(item.documents):
                doc_links[doc].append((row["id"], path, unit_id, column_id))
            yield Target(
                row["id"],
                path,
                unit_id,
                column_id,
                None,
                text,
                tuple((p.start, p.label) for p in item.parts),
            )


def _chunks(it: Iterable, size: int) -> Iterator[list]:
    buf = []
    for x in it:
        buf.append(x)
        if len(buf) >= size:
            yield buf
            buf = []
    if buf:
        yield buf


class MarkBook:
    """The marks of the previous scan, to carry over."""

    def __init__(self, locality: str, before_run: TextScanRun):
        self.exact: dict[tuple, dict] = {}
        self.fp: dict[tuple, dict] = {}
        prev = (
            TextScanRun.objects.filter(locality=locality, status=ScanStatus.DONE, pk__lt=before_run.pk)
            .order_by("-pk")
            .first()
        )
        if prev is None:
            return
        rows = TextScanFinding.objects.filter(run=prev).exclude(status=FindingStatus.OPEN)
        for r in rows.values(
            "page_id",
            "document_id",
            "text_hash",
            "kind",
            "start",
            "end",
            "text",
            "rule",
            "context_before",
            "context_after",
            "status",
            "marked_by_id",
            "marked_at",
            "mark_note",
        ):
            mark = {k: r[k] for k in ("status", "marked_by_id", "marked_at", "mark_note")}
            self.exact[
                (r["page_id"], r["document_id"], r["text_hash"], r["kind"], r["start"], r["end"], r["text"])
            ] = mark
            if r["status"] == FindingStatus.FALSE_POSITIVE:
                key = (
                    r["page_id"],
                    r["document_id"],
                    r["kind"],
                    r["rule"],
                    r["text"],
                    r["context_before"],
                    r["context_after"],
                )
                self.fp[key] = mark

    def __bool__(self) -> bool:
        return bool(self.exact)

    def find(self, r: dict) -> dict | None:
        mark = self.exact.get(
            (r["page_id"], r["document_id"], r["text_hash"], r["kind"], r["start"], r["end"], r["text"])
        )
        if mark is None and self.fp:
            mark = self.fp.get(
                (
                    r["page_id"],
                    r["document_id"],
                    r["kind"],
                    r["rule"],
                    r["text"],
                    r["context_before"],
                    r["context_after"],
                )
            )
        return mark


# columns written for each finding, in order (one INSERT … executemany per batch: the ORM's bulk_create
# costs more than the check itself on a site of 200,000 items)
COLUMNS = (
    "run_id",
    "page_id",
    "document_id",
    "unit_id",
    "column_id",
    "field_label",
    "kind",
    "subkind",
    "severity",
    "start",
    "end",
    "text",
    "suggestion",
    "rule",
    "context_before",
    "context_after",
    "text_hash",
    "status",
    "marked_by_id",
    "marked_at",
    "mark_note",
)


def _insert_sql() -> str:
    from django.db import connection

    table = connection.ops.quote_name(TextScanFinding._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    return f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"


class Recorder:
    def __init__(self, run: TextScanRun, marks: MarkBook):
        self.run = run
        self.marks = marks
        self.buffer: list[tuple] = []
        self.total = 0
        self.kept = 0
        self.by = Counter()
        self.sql = _insert_sql()

    def add(self, target: Target, findings, digest: str | None = None) -> None:
        if not findings:
            return
        digest = digest or text_hash(target.text)
        text = target.text
        run_id, marks = self.run.pk, self.marks
        for f in findings:
            before, after = _context(text, f.start, f.end)
            status, marked_by, marked_at, note = FindingStatus.OPEN, None, None, ""
            if marks:
                mark = marks.find(
                    {
                        "page_id": target.page_id,
                        "document_id": target.document_id,
                        "text_hash": digest,
                        "kind": f.kind,
                        "start": f.start,
                        "end": f.end,
                        "text": f.text,
                        "rule": f.rule,
                        "context_before": before,
                        "context_after": after,
                    }
                )
                if mark:
                    status, marked_by, marked_at, note = (
                        mark["status"],
                        mark["marked_by_id"],
                        mark["marked_at"],
                        mark["mark_note"],
                    )
                    self.kept += 1
            self.buffer.append(
                (
                    run_id,
                    target.page_id,
                    target.document_id,
                    target.unit_id,
                    target.column_id,
                    target.label_at(f.start)[:60],
                    f.kind,
                    (f.subkind or "")[:40],
                    f.severity,
                    f.start,
                    f.end,
                    f.text,
                    f.suggestion or "",
                    f.rule,
                    before,
                    after,
                    digest,
                    status,
                    marked_by,
                    marked_at,
                    note,
                )
            )
            self.by[(f.kind, f.severity)] += 1
        self.total += len(findings)
        if len(self.buffer) >= WRITE_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        from django.db import connection, transaction

        field = TextScanFinding._meta.get_field("marked_at")
        rows = [
            r if r[19] is None else (*r[:19], field.get_db_prep_save(r[19], connection), r[20])
            for r in self.buffer
        ]
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(self.sql, rows)
        self.buffer = []


def scan_site(
    locality: str | None = None,
    *,
    run: TextScanRun | None = None,
    include_documents: bool = True,
    processes: int | None = None,
    user=None,
    progress=None,
) -> TextScanRun:
    """Scan every live page (and its attachments) of ``locality``'s site; returns the finished run."""

    if run is None:
        run = TextScanRun.objects.create(
            locality=locality or "", include_documents=include_documents, requested_by=user
        )
    locality = run.locality
    include_documents = run.include_documents
    home = home_for(locality)
    run.status, run.started_at = ScanStatus.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    if home is None:
        run.status, run.finished_at = ScanStatus.FAILED, timezone.now()
        run.message = f"没有地区配置为“{locality}”的网站，无法扫描。"
        run.save()
        return run
    try:
        ensure_seeded()
        run.registry_version = RegistryVersion.current()
        data = registry_data(locality)
        policy = link_policy(locality)
        forbid = policy.forbid_non_gov_links
        _PREBUILT.clear()
        main_checker = _worker_checker(data, forbid)  # built here, inherited by forked workers
        gov_checker = _worker_checker(data, True) if policy.gov_only_columns and not forbid else None
        gov_columns = _gov_only_column_paths(home, policy.gov_only_columns) if gov_checker else ()
        factory = functools.partial(_worker_checker, data, forbid)
        processes = processes or os.cpu_count() or 1

        site = SiteMap(home)
        marks = MarkBook(locality, run)
        rec = Recorder(run, marks)
        doc_links: dict[int, list[int]] = defaultdict(list)
        pages = 0
        t0 = time.monotonic()
        for chunk in _chunks(live_targets(home, site, doc_links), CHUNK):
            batch = []
            for i, t in enumerate(chunk):
                if gov_checker and _in_columns(site, t, gov_columns):
                    rec.add(t, gov_checker.check(t.text))
                else:
                    batch.append((i, t.text))
            for i, findings in check_many(
                batch, factory=factory, processes=min(processes, max(1, len(batch) // 100) or 1)
            ):
                rec.add(chunk[i], findings)
            pages += len(chunk)
            rec.flush()
            if progress:
                progress(f"已检查页面 {pages} 个，发现问题 {rec.total} 处（{time.monotonic() - t0:.0f} 秒）")
        documents, skipped = 0, []
        if include_documents and doc_links:
            documents, skipped = _scan_documents(doc_links, site, main_checker, rec, progress)
        rec.flush()
        run.pages_checked = pages
        run.documents_checked = documents
        run.documents_skipped = skipped[:500]
        run.findings_total = rec.total
        run.marks_kept = rec.kept
        run.status = ScanStatus.DONE
        run.finished_at = timezone.now()
        run.message = summary_text(run, rec.by)
        run.save()
    except Exception as exc:
        logger.exception("错敏信息扫描失败")
        run.status, run.finished_at = ScanStatus.FAILED, timezone.now()
        run.message = f"扫描失败：{type(exc).__name__}: {exc}"[:2000]
        run.save()
    return run


def _gov_only_column_paths(home, wanted: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    out = []
    for titles, col in with_paths(home, main_columns(home)):
        if any(titles[: len(w)] == w for w in wanted):
            out.append(col.path)
    return tuple(out)


def _in_columns(site: SiteMap, target: Target, paths: tuple[str, ...]) -> bool:
    return any(target.path.startswith(p) for p in paths)


def _scan_documents(doc_links, site: SiteMap, checker, rec: Recorder, progress) -> tuple[int, list[dict]]:
    from wagtail.documents import get_document_model

    Document = get_document_model()
    checked, skipped = 0, []
    for doc in Document.objects.filter(pk__in=list(doc_links)).order_by("pk"):
        result = document_text(doc)
        if not result.ok:
            skipped.append(
                {"id": doc.pk, "title": doc.title, "file": doc.file.name, "reason": result.message}
            )
            continue
        checked += 1
        if not result.text:
            continue
        findings = checker.check(result.text)
        digest = text_hash(result.text)
        seen = set()
        for page_id, path, unit_id, column_id in doc_links[doc.pk]:
            if page_id in seen:
                continue
            seen.add(page_id)
            rec.add(Target(page_id, path, unit_id, column_id, doc.pk, result.text, ()), findings, digest)
        if progress and checked % 50 == 0:
            progress(f"已检查附件 {checked} 个")
    return checked, skipped


def summary_text(run: TextScanRun, by: Counter) -> str:

    parts = [
        f"检查页面 {run.pages_checked} 个、附件 {run.documents_checked} 个，发现问题 {run.findings_total} 处"
    ]
    blocking = sum(n for (k, s), n in by.items() if s == Severity.BLOCKING)
    if run.findings_total:
        parts.append(f"其中阻止发布级 {blocking} 处")
        kinds = Counter()
        for (k, _), n in by.items():
            kinds[k] += n
        parts.append("；".join(f"{FindingKind(k).label} {n}" for k, n in kinds.most_common()))
    if run.documents_skipped:
        parts.append(f"{len(run.documents_skipped)} 个附件无法提取文字，需人工检查")
    if run.marks_kept:
        parts.append(f"沿用上次的整改/误报标记 {run.marks_kept} 处")
    return "，".join(parts[:2]) + ("。" + "；".join(parts[2:]) if parts[2:] else "。")


def latest_run(locality: str) -> TextScanRun | None:
    return TextScanRun.objects.filter(locality=locality, status=ScanStatus.DONE).order_by("-pk").first()


@task()
def scan_site_task(run_id: int) -> str:
    """Run a queued scan of a site's published text (错敏信息排查) in the task worker."""
    run = TextScanRun.objects.filter(pk=run_id).first()
    if run is None:
        return f"扫描 #{run_id} 已被删除"
    if run.status != ScanStatus.QUEUED:
        return f"扫描 #{run_id} 的状态是“{run.get_status_display()}”，不再执行"
    return scan_site(run=run).message


def start_scan(locality: str, user=None, include_documents: bool = True) -> TextScanRun:
    """Queue a scan for the task worker (the back office's “立即扫描”)."""
    running = TextScanRun.objects.filter(
        locality=locality, status__in=[ScanStatus.QUEUED, ScanStatus.RUNNING]
    ).first()
    if running:
        return running
    run = TextScanRun.objects.create(
        locality=locality, include_documents=include_documents, requested_by=user
    )
    transaction.on_commit(lambda: scan_site_task.enqueue(run.pk))
    return run


def scheduled_scan() -> str:
    """For the periodic job runner (``govportal.publishing.schedule.JOBS``): scan every site."""

    said = []
    for locality in HomePage.objects.exclude(locality="").values_list("locality", flat=True):
        run = scan_site(locality)
        said.append(f"{locality}：{run.message}")
    return "；".join(said) or "没有网站"
