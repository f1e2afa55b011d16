"""Jobs on Redis (RQ) when REDIS_URL is set; the database worker stays the embedded default.

Runs against the local Redis, database 7 (REDIS_TEST_URL overrides); skipped, saying why, when no Redis
answers there. CI has Redis.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from govportal.ops.workers import RQ_RETRIES, worker_command

ROOT = Path(__file__).resolve().parents[2]
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/7")


def _rq_settings(url=REDIS_TEST_URL):
    queue = {"URL": url, "DEFAULT_TIMEOUT": 600, "QUEUE_CLASS": "govportal.ops.workers.RetryingQueue"}
    return {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "publish"]}},
        "RQ_QUEUES": {"default": queue, "publish": dict(queue)},
    }


@pytest.fixture
def redis_db(settings):
    """The test Redis database, emptied before and after; RQ as the task backend."""
    import redis

    conn = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"本机 Redis（{REDIS_TEST_URL}）不可用，跳过 RQ 测试：{exc}")
    conn.flushdb()
    for name, value in _rq_settings().items():
        setattr(settings, name, value)
    yield conn
    conn.flushdb()
    conn.close()


def _backend():
    from django_tasks import task_backends

    return task_backends["default"]


def test_the_embedded_default_is_the_database_worker(settings):
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert worker_command()[3] == "db_worker"


def test_with_redis_the_worker_is_rq_and_serve_starts_it(settings):
    for name, value in _rq_settings().items():
        setattr(settings, name, value)
    assert worker_command()[3:] == [
        "rqworker",
        "publish",  # static publishing first
        "default",
        "--job-class",
        "django_tasks_rq.backend.Job",
        "--with-scheduler",
    ]
    from govportal.ops.management.commands.serve import Command

    started = Command().commands(8000, "127.0.0.1", 1, False, False)
    assert [c[3] for c in started[1:]] == ["rqworker", "jobs"]


def test_settings_choose_rq_when_redis_url_is_set(tmp_path):
    code = (
        "from django.conf import settings; import django; django.setup();"
        "print(settings.TASKS['default']['BACKEND'], settings.RQ_QUEUES['default']['URL'],"
        " 'django_rq' in settings.INSTALLED_APPS)"
    )
    env = {**os.environ, "GOVPORTAL_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "govportal.settings"}
    env.pop("DATABASE_URL", None)
    with_redis = subprocess.run(
        [sys.executable, "-c", code], env={**env, "REDIS_URL": REDIS_TEST_URL}, capture_output=True, text=True
    )
    assert with_redis.stdout.split() == ["django_tasks_rq.RQBackend", REDIS_TEST_URL, "True"]
    kept = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "REDIS_URL": REDIS_TEST_URL, "GOVPORTAL_TASKS": "database"},
        capture_output=True,
        text=True,
    )
    assert kept.stdout.split()[0] == "django_tasks_db.DatabaseBackend"


def test_a_periodic_job_enqueued_on_redis_runs_once_and_is_recorded(redis_db, db):
    from govportal.publishing.models import JobRun
    from govportal.publishing.tasks import run_job_task

    result = run_job_task.enqueue("send_webhooks")
    assert result.backend == "default"
    job = _rq_job(result.id)
    assert job.retries_left == RQ_RETRIES  # every job may be retried (a dead worker's included)
    _work(redis_db)
    assert _backend().get_result(result.id).status == "SUCCESSFUL"
    run = JobRun.objects.get(name="send_webhooks")
    assert run.ok and run.runs == 1 and "成功 0" in run.message


def test_a_job_whose_worker_died_is_put_back_and_its_reminders_go_out_once(
    redis_db, db, qinzhou, make_person, monkeypatch
):
    """The worker took the job and died (its entry in RQ's "started" registry outlives it): RQ's cleanup
    puts the job back; the next worker runs it; the letters' reminders are each sent once."""
    from rq.job import JobStatus
    from rq.registry import StartedJobRegistry

    from govportal.interaction.tasks import check_deadlines
    from govportal.notices.models import Notice

    letter = _overdue_letter(qinzhou, make_person, monkeypatch)
    result = check_deadlines.enqueue()
    job = _rq_job(result.id)
    queue = _queue()
    # What a worker does when it takes the job, then nothing more (killed): started, with a lease.
    queue.remove(job)
    job.set_status(JobStatus.STARTED)
    with redis_db.pipeline() as pipe:
        pipe.zadd(StartedJobRegistry(queue=queue).key, {f"{job.id}:dead-execution": time.time() - 10})
        pipe.execute()
    assert job.id not in queue.job_ids
    StartedJobRegistry(queue=queue).cleanup()  # what every worker's maintenance does
    assert job.id in queue.job_ids and _rq_job(result.id).retries_left == RQ_RETRIES - 1
    _work(redis_db)
    assert _backend().get_result(result.id).status == "SUCCESSFUL"
    assert Notice.objects.filter(letter=letter, kind="overdue").count() >= 1
    once = Notice.objects.filter(letter=letter, kind="overdue").count()
    check_deadlines.enqueue()  # the job runs again (the next hour, or a duplicate): nothing twice
    _work(redis_db)
    assert Notice.objects.filter(letter=letter, kind="overdue").count() == once


def test_a_real_worker_killed_mid_job_leaves_it_to_the_next_worker_which_does_the_effect_once(
    redis_db, tmp_path
):
    """Two real ``govportal jobs --worker`` processes on Redis: the first is killed (SIGKILL) while the job
    runs; once its lease is over (fast-forwarded here: RQ waits its heartbeat, a minute or more), the
    second worker's maintenance puts the job back and runs it; the effect is written once."""
    from tests.ops.rq_tasks import slow_effect

    result = slow_effect.enqueue(str(tmp_path), "reminder-letter-1")
    env = {
        **os.environ,
        "REDIS_URL": REDIS_TEST_URL,
        "GOVPORTAL_HOME": str(tmp_path / "home"),
        "DJANGO_SETTINGS_MODULE": "govportal.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    cmd = [sys.executable, "-m", "govportal.cli", "jobs", "--worker"]
    first = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180  # a bound for a loaded machine, not a speed target
        while not (tmp_path / "attempts").exists():
            assert first.poll() is None, "the worker exited"
            assert time.monotonic() < deadline, "the worker never took the job"
            time.sleep(0.2)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its work horse, mid-job
        first.wait()
    assert not (tmp_path / "effects").exists()
    from rq.registry import StartedJobRegistry

    StartedJobRegistry(queue=_queue()).cleanup(timestamp=time.time() + 3600)  # the lease has run out
    second = subprocess.run([*cmd, "--burst"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr[-2000:]
    assert (tmp_path / "attempts").read_text().count("attempt") == 2  # killed once, retried once
    assert (tmp_path / "effects").read_text().split() == ["reminder-letter-1"]
    assert _backend().get_result(result.id).status == "SUCCESSFUL"


def test_jobs_worker_command_announces_the_worker(settings, monkeypatch, db):
    from govportal.ops import workers

    calls = []
    monkeypatch.setattr(workers.os, "execv", lambda path, argv: calls.append(argv))
    out = StringIO()
    call_command("jobs", "--worker", "--burst", stdout=out)
    assert calls[0][3] == "db_worker" and "--batch" in calls[0]
    assert "启动后台任务进程：db_worker" in out.getvalue()
    for name, value in _rq_settings().items():
        setattr(settings, name, value)
    call_command("jobs", "--worker", stdout=out)
    assert calls[1][3:6] == ["rqworker", "publish", "default"]  # publishing first


# --- helpers ------------------------------------------------------------------------------------------


def _queue():
    import django_rq
    from django_tasks_rq.backend import Job

    return django_rq.get_queue("default", job_class=Job)


def _rq_job(job_id):
    import django_rq
    from django_tasks_rq.backend import Job

    return Job.fetch(job_id, connection=django_rq.get_connection("default"))


def _work(conn):
    """Run the queued jobs in this process (same database connection as the test)."""
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    SimpleWorker([_queue()], connection=_queue().connection, job_class=Job).work(burst=True)


def _overdue_letter(home, make_person, monkeypatch):
    from datetime import datetime
    from datetime import time as dtime
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from govportal.accounts.models import Unit
    from govportal.interaction import workflow
    from govportal.interaction.workflow import submit_letter

    now = datetime.combine(date(2026, 11, 2), dtime(10), tzinfo=ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: now)
    centre = make_person("市12345热线管理中心", "hotline")
    make_person("市教育局", "editor")
    letter = submit_letter(
        locality="qinzhou",
        token_nonce="rq-test",
        type="help",
        subject="求助信标题",
        content="求助信的内容不少于十个字。",
        writer_name="李明",
        writer_contact="13877700000",
        consent_publish=True,
    ).letter
    workflow.dispatch(letter, centre, Unit.objects.get(locality="qinzhou", name="市教育局"))
    later = datetime.combine(date(2026, 11, 10), dtime(10), tzinfo=ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: later)
    return letter
