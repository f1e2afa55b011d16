import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "以生产服务器（gunicorn）运行网站，并启动后台任务进程。"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None
        )
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")

    def handle(self, port, host, workers, no_worker, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        workers = workers or (os.cpu_count() or 1) * 2 + 1
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "govportal.settings"),
        }
        jobs = None
        if not no_worker and settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
            worker = [
                sys.executable,
                "-m",
                "govportal.cli",
                "db_worker",
                "--no-reload",
                "--queue-name",
                "*",
                "-v",
                "0",
            ]
            jobs = subprocess.Popen(worker, env=env)
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "govportal.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--access-logfile",
            "-" if os.environ.get("ACCESS_LOG") else "/dev/null",
        ]
        try:
            subprocess.run(cmd, env=env, check=False)
        except KeyboardInterrupt:
            pass
        finally:
            if jobs:
                jobs.terminate()
