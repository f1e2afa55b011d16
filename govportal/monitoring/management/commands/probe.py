"""``govportal probe``: the uptime probe, a separate process (run it on a second machine)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from govportal.monitoring.inspection import availability
from govportal.monitoring.models import ProbeTarget
from govportal.monitoring.probe import probe_all, probe_settings, run_forever


class Command(BaseCommand):
    help = "可用性监测：按地区配置的间隔访问监测地址，记录状态码和首字节时间，无法访问时告警（宜在另一台机器上运行）"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="每个地址访问一次后退出")
        parser.add_argument("--add", nargs=3, metavar=("LOCALITY", "NAME", "URL"), help="登记一个监测地址")
        parser.add_argument("--list", action="store_true", help="列出监测地址和最近一周的可用率")
        parser.add_argument("--timeout", type=float, default=15.0, help="超过多少秒仍未打开算失败（默认 15）")

    def handle(self, *args, **opts):
        from django.utils import timezone

        if opts["add"]:
            locality, name, url = opts["add"]
            if not url.startswith(("http://", "https://")):
                raise CommandError(f"监测地址“{url}”应以 http:// 或 https:// 开头")
            t, created = ProbeTarget.objects.update_or_create(
                locality=locality, url=url, defaults={"name": name}
            )
            self.stdout.write(("已登记" if created else "已更新") + f"监测地址：{t}")
            return
        targets = ProbeTarget.objects.filter(enabled=True)
        if opts["list"]:
            for loc in sorted(set(targets.values_list("locality", flat=True))):
                a = availability(loc, timezone.localdate())
                share = f"{a['share']:.1%}" if a["share"] is not None else "无记录"
                every = probe_settings(loc)["interval_minutes"]
                self.stdout.write(
                    f"{loc}：每 {every} 分钟一次；近一周 {a['failed']}/{a['probes']} 次未能打开（{share}）"
                )
                for t in targets.filter(locality=loc):
                    self.stdout.write(f"  {t.name} {t.url}")
            return
        if not targets.exists():
            raise CommandError(
                "还没有监测地址。用 govportal probe --add 地区 名称 地址 登记，如 --add qinzhou 首页 https://www.example.gov.cn/"
            )
        if opts["once"]:
            for t, v in probe_all(opts["timeout"]):
                state = "正常" if v.ok else f"失败（{v.error}）"
                self.stdout.write(
                    f"{t.name} {t.url}：{v.status or '-'}，首字节 {v.ttfb_ms or '-'} 毫秒，{state}"
                )
            return
        self.stdout.write("可用性监测已启动（Ctrl-C 停止）")
        try:
            run_forever(opts["timeout"])
        except KeyboardInterrupt:
            pass
