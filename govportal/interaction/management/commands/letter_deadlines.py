"""``govportal letter-deadlines [--date YYYY-MM-DD] [--enqueue]``: flag due-soon and overdue letters, error
reports and disclosure requests, and escalate overdue letters. Safe to run repeatedly (e.g. hourly)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from govportal.interaction.deadlines import check_all
from govportal.interaction.tasks import check_deadlines


class Command(BaseCommand):
    help = "检查信件、网站纠错、依申请公开的办理期限：提醒即将到期，超期的升级督办（可重复执行）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按这一天检查（默认今天），格式 YYYY-MM-DD")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务进程执行")

    def handle(self, *args, date=None, enqueue=False, **options):
        if enqueue:
            result = check_deadlines.enqueue()
            self.stdout.write(f"已提交后台任务 {result.id}")
            return
        on = None
        if date:
            try:
                on = _parse(date)
            except ValueError as exc:
                raise CommandError(f"日期格式不对：{date}，应为 YYYY-MM-DD") from exc
        counts = check_all(on)
        self.stdout.write(
            "即将到期提醒 {due_soon} 件，超期督办 {overdue} 件；网站纠错超期 {error_overdue} 条；"
            "依申请公开即将到期 {disclosure_due_soon} 件、超期 {disclosure_overdue} 件。".format(**counts)
        )


def _parse(text: str):
    return date.fromisoformat(text)
