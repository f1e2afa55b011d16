"""``govportal jobs``: run the platform's periodic jobs (declared in ``govportal/publishing/schedule.py``;
started by ``govportal serve``, or by deploy/systemd/govportal-jobs.service).

``govportal jobs --worker`` runs the task worker this deployment uses instead: the database worker by
default, an RQ worker when ``REDIS_URL`` is set (``govportal/ops/workers.py``); start it on every machine
that should take jobs."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from govportal.ops import workers
from govportal.publishing.models import JobRun
from govportal.publishing.schedule import JOBS, job, run_due, run_job


class Command(BaseCommand):
    help = "运行定时任务（定时发布、到期下线、信息推送、信息采集、突发事件提醒、解读提醒等）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="只运行一次到期的任务后退出（供 cron 每分钟调用）"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="把到期任务交给后台任务进程（db_worker）执行"
        )
        parser.add_argument("--list", action="store_true", help="列出全部定时任务及其最近运行情况")
        parser.add_argument("--run", metavar="NAME", help="立即运行指定任务")
        parser.add_argument("--interval", type=int, default=30, help="常驻运行时的检查间隔（秒）")
        parser.add_argument(
            "--worker",
            action="store_true",
            help="运行后台任务进程：默认为数据库任务进程，设置 REDIS_URL 时为 Redis（RQ）任务进程，可在多台机器上运行",
        )
        parser.add_argument(
            "--burst", action="store_true", help="与 --worker 一起使用：处理完队列中的任务后退出"
        )

    def handle(self, once, enqueue, list, run, interval, worker=False, burst=False, **options):
        if worker:
            self.stdout.write(f"启动后台任务进程：{' '.join(workers.worker_command(burst=burst)[3:])}")
            self.stdout.flush()
            return workers.exec_worker(burst=burst)

        if list:
            runs = {r.name: r for r in JobRun.objects.all()}
            for j in JOBS:
                r = runs.get(j.name)
                last = (
                    timezone.localtime(r.last_finished_at).strftime("%Y-%m-%d %H:%M")
                    if r and r.last_finished_at
                    else "从未运行"
                )
                state = ("成功" if r.ok else "失败") if r and r.last_finished_at else ""
                self.stdout.write(f"{j.name:<26} 每 {j.every}  最近：{last} {state}  {j.description_for()}")
            return
        if run:
            try:
                job(run)
            except KeyError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{run}: {run_job(run)}")
            return
        while True:
            for name, outcome in run_due(enqueue=enqueue):
                self.stdout.write(f"{timezone.localtime():%H:%M:%S} {name}: {outcome}")
            if once:
                return
            time.sleep(interval)
