from datetime import date

from django.core.management.base import BaseCommand, CommandError

from govportal.portal.calendar import workday_calendar


class Command(BaseCommand):
    help = "计算工作日：govportal workdays 日期 N 输出该日期之后第 N 个工作日（起算当日不计入，民法典第二百零一条）。"

    def add_arguments(self, parser):
        parser.add_argument("date", help="起算日期，如 2026-09-30")
        parser.add_argument("n", type=int, help="工作日数")

    def handle(self, date: str, n: int, **options):
        try:
            start = _parse(date)
        except ValueError as exc:
            raise CommandError(f"日期「{date}」无法识别，请写成 YYYY-MM-DD，如 2026-09-30。") from exc
        if n < 0:
            raise CommandError("工作日数不能为负数。")
        cal = workday_calendar()
        result = cal.add_workdays_checked(start, n)
        weekday = "一二三四五六日"[result.date.weekday()]
        self.stdout.write(f"{result.date.isoformat()}（星期{weekday}）")
        if result.is_fallback:
            self.stderr.write(f"注意：{result.warning}。请网站管理员在后台“节假日安排”中录入当年安排。")


def _parse(text: str) -> date:
    text = text.strip().replace("/", "-").replace(".", "-")
    return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
