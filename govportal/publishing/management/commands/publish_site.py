"""``govportal publish-site [--site HOST] [--restart]``: write every page of a site to the publish directory."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from govportal.publishing.static_site import rebuild_site, site_dir


class Command(BaseCommand):
    help = "静态发布：重新生成站点的全部页面文件（中断后再次运行从中断处继续；--restart 从头开始）。"

    def add_arguments(self, parser):
        parser.add_argument("--site", action="append", default=[], help="站点域名（默认全部站点）")
        parser.add_argument("--restart", action="store_true", help="不续做上次未完成的重建，从头开始")

    def handle(self, site, restart, **options):
        from wagtail.models import Site

        sites = list(Site.objects.select_related("root_page").order_by("hostname"))
        if site:
            wanted = {s.lower() for s in site}
            sites = [s for s in sites if s.hostname.lower() in wanted]
            missing = wanted - {s.hostname.lower() for s in sites}
            if missing:
                known = "、".join(s.hostname for s in Site.objects.all())
                raise CommandError(f"没有域名为 {'、'.join(sorted(missing))} 的站点；已有站点：{known}")
        for s in sites:
            if site_dir(s) is None:
                self.stderr.write(f"站点域名 {s.hostname} 不能作为目录名，已跳过。")
                continue
            started = time.monotonic()
            self.stdout.write(f"站点 {s.hostname}（{s.site_name or s.root_page.title}）：")
            out = rebuild_site(s, resume=not restart, progress=self._bar)
            self.stdout.write("")
            self.stdout.write(
                f"  写入 {len(out.written)}，未变 {len(out.unchanged)}，删除 {len(out.removed)}，"
                f"不生成文件 {len(out.skipped)}（含表单或非公开页面），用时 {time.monotonic() - started:.1f} 秒"
            )

    def _bar(self, done: int, total: int) -> None:
        width = 40
        filled = width * done // max(total, 1)
        line = f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        stream = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
        stream.write(line)
        stream.flush()
