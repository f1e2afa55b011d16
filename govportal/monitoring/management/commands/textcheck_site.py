"""``govportal textcheck-site [LOCALITY]``: scan everything published on a site for text findings."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from govportal.portal.models import HomePage

from ...scan import scan_site, start_scan


class Command(BaseCommand):
    help = "扫描网站已发布的全部页面和附件中的错敏信息（错别字、敏感词、严重表述错误、涉密标识、个人信息、链接）。"

    def add_arguments(self, parser):
        parser.add_argument("locality", nargs="?", help="地区配置代码，如 qinzhou；不填则扫描本平台所有网站")
        parser.add_argument("--no-documents", action="store_true", help="不检查附件")
        parser.add_argument("--processes", type=int, default=None, help="检查进程数（默认：CPU 核数）")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务进程执行，立即返回")

    def handle(self, locality, no_documents, processes, enqueue, **options):

        known = list(HomePage.objects.exclude(locality="").values_list("locality", flat=True))
        if locality and locality not in known:
            raise CommandError(
                f"没有地区配置为“{locality}”的网站。已有：{'、'.join(known) or '（无，请先 govportal load-profile）'}"
            )
        for loc in [locality] if locality else known:
            if enqueue:
                run = start_scan(loc, include_documents=not no_documents)
                self.stdout.write(f"{loc}：扫描 #{run.pk} 已交后台任务执行（{run.get_status_display()}）")
                continue
            run = scan_site(
                loc,
                include_documents=not no_documents,
                processes=processes,
                progress=lambda msg, loc=loc: self.stderr.write(f"{loc}：{msg}"),
            )
            self.stdout.write(f"{loc}：扫描 #{run.pk} {run.get_status_display()}。{run.message}")
            for d in run.documents_skipped[:20]:
                self.stdout.write(f"  未检查附件 #{d['id']}「{d['title']}」：{d['reason']}")
            if run.status != "done":
                raise CommandError(run.message)
