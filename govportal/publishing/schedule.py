"""The platform's periodic jobs, declared in ONE place, and their runner.

Run them with ``govportal jobs`` (a long-running scheduler; ``govportal serve`` starts it next to the
task worker unless given ``--no-jobs``) or from cron with ``govportal jobs --once`` every minute. ``--enqueue`` hands each due job to
the task worker (Django Tasks API) instead of running it in the scheduler's process. ``govportal jobs
--list`` shows every job, its interval and how it last ran; ``--run NAME`` runs one now.

Other apps add their periodic jobs to ``JOBS`` below (one line each: name, interval, dotted path of a
function taking no arguments and returning a short summary, description).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from govportal.accounts.policy import default_locality
from govportal.rules.profile import load_profile

from .feeds_out import send_pending
from .models import JobRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    func: str
    description: str
    # Where the loaded locality's profile names the article this job carries out ("section.key", first found
    # wins); a profile without it gets the description alone — never another locality's article.
    cites: tuple[str, ...] = ()

    def description_for(self, locality: str = "") -> str:
        """The description with the article of ``locality``'s regulation (default: the default site's)."""
        article = cited_article(locality or _default_locality(), self.cites)
        return f"{self.description}（{article}）" if article else self.description


def _default_locality() -> str:
    try:
        return default_locality()
    except Exception:  # no database yet (``jobs --list`` before migrate)
        return ""


def cited_article(locality: str, keys: tuple[str, ...]) -> str:
    """《regulation》article from the first of ``keys`` ("section.key" or "section.sub.key") the profile
    has, or ""."""

    if not locality or not keys:
        return ""
    try:
        profile = load_profile(locality)
    except Exception:
        return ""
    for dotted in keys:
        node = profile.sections
        for part in dotted.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node:
            return f"《{profile.regulation}》{node}" if profile.regulation else str(node)
    return ""


JOBS: list[Job] = [
    Job(
        "publish_scheduled",
        timedelta(minutes=1),
        "govportal.publishing.schedule.publish_scheduled",
        "定时发布已审核通过的信息，到期信息自动下线（Wagtail publish_scheduled）",
    ),
    Job(
        "send_webhooks",
        timedelta(minutes=1),
        "govportal.publishing.schedule.send_webhooks",
        "向信息推送接口发送发布、撤回通知（失败自动重试）",
    ),
    Job(
        "poll_feeds",
        timedelta(minutes=5),
        "govportal.publishing.feeds_in.poll_due",
        "抓取到期的信息采集订阅，新条目作为转载信息送网站管理员审核",
    ),
    Job(
        "emergency_warnings",
        timedelta(minutes=5),
        "govportal.publishing.emergency.send_warnings",
        "突发事件发布时限临近或超时，提醒责任单位",
        ("emergency.article",),
    ),
    Job(
        "interpretation_reminders",
        timedelta(hours=6),
        "govportal.publishing.interpretation.send_reminders",
        "政策文件的解读未同步发布时，提醒起草单位",
    ),
    Job(
        "letter_deadlines",
        timedelta(hours=1),
        "govportal.interaction.deadlines.scheduled_check",
        "信件、网站纠错、依申请公开即将到期和超期的提醒，超期信件升级督办",
        ("letters.deadline_article",),
    ),
    Job(
        "textcheck_site_scan",
        timedelta(days=1),
        "govportal.monitoring.scan.scheduled_scan",
        "全站错敏信息扫描：检查已发布的全部页面和附件，按单位、栏目出报告，供各单位整改",
        ("textcheck.scan_article",),
    ),
    Job(
        "security_log_retention",
        timedelta(days=1),
        "govportal.accounts.audit.purge_expired",
        "删除超过保存期限的安全审计日志（至少保存六个月，网络安全法第二十一条）",
    ),
    Job(
        "publish_rebuilds",
        timedelta(minutes=1),
        "govportal.publishing.static_site.publish_rebuilds",
        "静态发布：页脚、站点等全站显示的内容变更后，在后台分批重新生成整个站点的页面文件（可中断续做）",
    ),
    Job(
        "database_statistics",
        timedelta(days=1),
        "govportal.publishing.schedule.database_statistics",
        "数据库统计信息（SQLite 的 ANALYZE）：让查询计划按各表的真实大小选择索引，站点变大后栏目页、首页仍快速生成",
    ),
    Job(
        "column_freshness",
        timedelta(hours=1),
        "govportal.monitoring.freshness.scheduled_reminders",
        "栏目更新提醒：即将到期提醒信息员，超期后按地区配置依次提请单位领导、主办单位督办",
        ("monitoring.freshness.article",),
    ),
    Job(
        "self_inspection",
        timedelta(days=1),
        "govportal.monitoring.inspection.scheduled_inspection",
        "按国办秘函〔2019〕19号检查指标自查网站，每天保留一次结果",
    ),
    Job(
        "participation_reminders",
        timedelta(hours=6),
        "govportal.participation.deadlines.send_reminders",
        "调查征集、意见征集结束后结果公布期限临近或超期时提醒负责单位",
        ("surveys.publish_results_article",),
    ),
    Job(
        "tamper_check",
        timedelta(hours=1),
        "govportal.monitoring.tamper.scheduled_check",
        "网页防篡改：访问已发布页面，与发布时的指纹比对，被改动的页面发最高级告警",
        ("monitoring.tamper_article",),
    ),
    Job(
        "link_check",
        timedelta(days=1),
        "govportal.monitoring.linkcheck.scheduled_check",
        "链接可用性检查：站内外链接逐个检查（遵守 robots.txt），中断后续查，失效链接按单位、栏目列出",
        ("monitoring.links_article",),
    ),
    Job(
        "annual_report_reminders",
        timedelta(hours=6),
        "govportal.assessment.annual.reminders.scheduled_remind",
        "年度报告截止前提醒：政府网站工作年度报表、部门政府信息公开年报1月31日前，本级政府年报3月31日前（政府信息公开条例第四十九条）",
    ),
]


def job(name: str) -> Job:
    for j in JOBS:
        if j.name == name:
            return j
    raise KeyError(f"没有名为 {name} 的定时任务；可用的有：{'、'.join(j.name for j in JOBS)}")


def run_job(name: str) -> str:
    """Run a job now, recording when and how it went."""
    j = job(name)
    run, _ = JobRun.objects.get_or_create(name=name)
    run.last_started_at = run.last_started_at or timezone.now()
    try:
        result = import_string(j.func)()
        run.ok, run.message = True, str(result if result is not None else "完成")[:2000]
    except Exception as exc:
        logger.exception("定时任务 %s 失败", name)
        run.ok, run.message = False, f"{type(exc).__name__}: {exc}"[:2000]
    run.last_finished_at = timezone.now()
    run.runs += 1
    run.save()
    return run.message


@task()
def run_job_task(name: str) -> str:
    """Run one periodic job of ``JOBS`` by name (enqueued by ``govportal jobs --enqueue``)."""
    return run_job(name)


def claim(j: Job, now) -> bool:
    """Mark ``j`` started if it is due; False when it is not due or another scheduler took it."""
    run, _ = JobRun.objects.get_or_create(name=j.name)
    if run.last_started_at and run.last_started_at + j.every > now:
        return False
    return bool(
        JobRun.objects.filter(pk=run.pk, last_started_at=run.last_started_at).update(last_started_at=now)
    )


def run_due(now=None, enqueue: bool = False) -> list[tuple[str, str]]:
    """Run (or enqueue) every job that is due; returns (name, outcome) pairs."""
    now = now or timezone.now()
    done = []
    for j in JOBS:
        if not claim(j, now):
            continue
        if enqueue:
            run_job_task.enqueue(j.name)
            done.append((j.name, "已交后台任务执行"))
        else:
            done.append((j.name, run_job(j.name)))
    return done


# --- the jobs of this app ------------------------------------------------------------------------------


def publish_scheduled() -> str:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue().strip()[:500] or "完成"


def send_webhooks() -> str:
    counts = send_pending()
    return f"成功 {counts['sent']}，待重试 {counts['retry']}，失败 {counts['failed']}"


def database_statistics() -> str:
    """SQLite keeps no table statistics unless told: without them its planner scanned every page of the tree
    to find a site's few service guides or special topics (0.1-0.15 s each at 200,000 items, on every home and
    column page rendered). ``ANALYZE`` with a bounded sample (``analysis_limit``) gives it the sizes; PostgreSQL's
    autovacuum does the same by itself."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return "PostgreSQL 由 autovacuum 自动更新统计信息"
    with connection.cursor() as c:
        c.execute("PRAGMA analysis_limit=1000")
        c.execute("ANALYZE")
    return "已更新 SQLite 统计信息"
