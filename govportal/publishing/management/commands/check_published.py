"""``govportal check-published [--site HOST]``: files of the publish directory missing, stale or altered."""

from django.core.management.base import BaseCommand, CommandError

from govportal.publishing.static_site import check_site

LABELS = {"missing": "缺失", "stale": "过期", "altered": "被改动", "extra": "多余"}


class Command(BaseCommand):
    help = "检查静态发布目录：列出缺失、过期（页面发布后未重新生成）、被改动（与写入时不一致，可能被篡改）和多余的文件。"

    def add_arguments(self, parser):
        parser.add_argument("--site", action="append", default=[], help="站点域名（默认全部站点）")

    def handle(self, site, **options):
        from wagtail.models import Site

        sites = list(Site.objects.select_related("root_page").order_by("hostname"))
        if site:
            sites = [s for s in sites if s.hostname.lower() in {x.lower() for x in site}]
        found = 0
        for s in sites:
            problems = check_site(s)
            found += len(problems)
            for p in problems:
                self.stdout.write(f"{LABELS[p.kind]}\t{s.hostname}{p.url}\t{p.detail}")
        if found:
            raise CommandError(f"发现 {found} 个问题；运行 govportal publish-site 重新生成。")
        self.stdout.write("静态发布目录与已发布页面一致。")
