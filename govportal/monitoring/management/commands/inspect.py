"""``govportal inspect [--site HOSTNAME] [--at YYYY-MM-DD] [--json]``: the national inspection's verdict."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from govportal.monitoring.inspection import inspect, run_and_keep, site_for


class Command(BaseCommand):
    help = "按《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）自查网站：单项否决、扣分及证据"

    def add_arguments(self, parser):
        parser.add_argument("--site", help="网站主机名（默认：默认网站）")
        parser.add_argument("--at", help="检查日期 YYYY-MM-DD（默认：今天）")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument("--keep", action="store_true", help="把结果记为当天的自查记录")

    def handle(self, *args, **opts):
        at = None
        if opts["at"]:
            try:
                at = date.fromisoformat(opts["at"])
            except ValueError:
                raise CommandError(f"检查日期“{opts['at']}”无效，应写成 YYYY-MM-DD，如 2026-12-15") from None
        try:
            site, home = site_for(opts["site"])
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        if not hasattr(home, "locality"):
            raise CommandError(f"网站“{site.hostname}”的根页面不是门户首页，无法检查")
        if opts["keep"]:
            report, _ = run_and_keep(home, at)
        else:
            report = inspect(home, at, site_name=site.hostname)
        if opts["json"]:
            self.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2, default=str))
            return
        self.stdout.write(f"{report.site} 截至 {report.at:%Y-%m-%d}：{report.verdict}")
        self.stdout.write("单项否决：")
        for c in report.checks:
            mark = "✗ 否决" if c["met"] else "✓"
            self.stdout.write(f"  {mark}  {c['indicator']} — {c['figure']}")
        for v in report.vetoes:
            self.stdout.write(f"\n[{v.code}] {v.indicator}（证据 {len(v.evidence)} 条）")
            for e in v.evidence[:20]:
                self.stdout.write("    " + json.dumps(e, ensure_ascii=False, default=str))
        self.stdout.write(f"\n扣分项：{report.score} 分")
        for d in report.deductions:
            self.stdout.write(f"  −{d.points}  {d.indicator}")
        if report.forecast:
            self.stdout.write("\n预警：")
            for f in report.forecast:
                self.stdout.write(f"  {f['text']}")
        if report.questions:
            self.stdout.write("\n需人工判断：")
            for q in report.questions:
                self.stdout.write(f"  · {q}")
