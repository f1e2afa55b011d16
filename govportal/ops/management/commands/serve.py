"""``govportal serve``: the embedded default in one command -- gunicorn, the job worker and the periodic jobs.

- **gunicorn** (threaded workers, ``govportal/ops/gunicorn_conf.py``) runs Django on ``--host:--port``. It
  trusts forwarding headers only from ``GOVPORTAL_TRUSTED_PROXIES`` (unset: from nobody) and drops any
  header with an underscore. Published pages are answered from the publish directory by
  ``PublishedPageMiddleware`` (static publishing, ``govportal/publishing/static_site.py``); static files by
  WhiteNoise.
- the **job worker** (``db_worker``, or ``rqworker`` when jobs are on Redis), and on the database backend
  a second one for static publishing's queue ``publish`` (``--no-worker``: neither they nor the periodic jobs);
- the **periodic jobs** (``govportal jobs``; ``--no-jobs`` when cron or another machine runs them).

This is production: DEBUG is off whatever the environment (only ``govportal demo --debug`` on a loopback
address turns it on). For a real deployment put nginx in front (``deploy/nginx/``) and run the three
processes under systemd (``deploy/systemd/``); this command is then not needed. If one of the processes
exits, the others are stopped and the command exits: restarting is systemd's job, not ours.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from govportal.ops.workers import uses_rq, worker_command

PUBLISH_WORKER = ["publish_worker", "-v", "0"]  # govportal/publishing/management/commands/


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            raise CommandError(f"无法在 {host}:{port} 上启动：{exc.strerror}（端口已被占用？）") from exc


class Command(BaseCommand):
    help = (
        "以生产方式运行网站：gunicorn、后台任务进程和定时任务进程（前端请用 deploy/nginx/ 中的 nginx 配置）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None,
            help="gunicorn 进程数（默认 CPU 数×2+1）",
        )
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程和定时任务进程")
        parser.add_argument(
            "--no-jobs", action="store_true", help="不启动定时任务进程（定时任务由其他进程或 cron 运行时）"
        )
        parser.add_argument("--debug", action="store_true", help="仅供 govportal demo 在本机地址上调试使用")

    def commands(self, port, host, workers, no_worker, no_jobs, debug=False) -> list[list[str]]:
        """The processes to start, each as an argument list."""
        if debug and not _loopback(host):
            raise CommandError(f"调试模式（DEBUG）只允许在本机地址上运行，不能用于 {host}。")
        workers = workers or (os.cpu_count() or 1) * 2 + 1
        cli = [sys.executable, "-m", "govportal.cli"]
        out = [
            [
                sys.executable,
                "-m",
                "gunicorn",
                "govportal.wsgi:application",
                "--config",
                "python:govportal.ops.gunicorn_conf",
                "--bind",
                f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "-" if os.environ.get("ACCESS_LOG") else "/dev/null",
            ]
        ]
        if not no_worker:
            out.append(worker_command())  # db_worker, or rqworker when jobs are on Redis
            if not uses_rq():
                # Static publishing has its own database worker, polling often, so a publish is never queued
                # behind a site scan or a link check (publish-to-visible within a second). On RQ the one
                # worker takes the queue ``publish`` first.
                out.append([*cli, *PUBLISH_WORKER])
        if not no_worker and not no_jobs:
            out.append([*cli, "jobs"])
        return out

    def handle(self, port, host, workers, no_worker, no_jobs, debug=False, **options):
        commands = self.commands(port, host, workers, no_worker, no_jobs, debug)
        _port_free(host, port)
        call_command("collectstatic", interactive=False, verbosity=0)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "govportal.settings"),
            "GOVPORTAL_SERVE": "1",
        }
        env.pop("GOVPORTAL_DEMO_DEBUG", None)
        if debug:
            env["GOVPORTAL_DEMO_DEBUG"] = "1"
        stopping = []
        # Restored on the way out: a caller that runs this command in its own process (a test, a supervisor)
        # keeps its own handlers, and processes it forks later can still be stopped with SIGTERM.
        previous = {
            sig: signal.signal(sig, lambda *a: stopping.append(1)) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        children = [subprocess.Popen(c, env=env) for c in commands]
        self.stdout.write(f"GovPortal 已启动：http://{host}:{port}/")
        try:
            while not stopping and all(c.poll() is None for c in children):
                time.sleep(0.5)
            for c in children:
                if c.poll() is not None and not stopping:
                    self.stderr.write(f"进程已退出（{c.returncode}）：{' '.join(c.args[2:4])}；服务停止。")
        finally:
            for c in children:
                if c.poll() is None:
                    c.terminate()
            for c in children:
                try:
                    c.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    c.kill()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
