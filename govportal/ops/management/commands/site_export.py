"""``govportal site-export --site HOST|ID --out FILE [--with-staff]``: one site in one archive
(govportal/ops/site_transfer.py)."""

from django.core.management.base import BaseCommand, CommandError

from govportal.ops.site_transfer import TransferError, describe, export_site


class Command(BaseCommand):
    help = "导出一个站点（单位、栏目树、信息、图片和文档、重定向；不含信件等个人信息）到带清单和校验值的 zip 归档"

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="站点域名或编号")
        parser.add_argument("--out", required=True, help="归档文件路径（.zip）")
        parser.add_argument(
            "--with-staff", action="store_true", help="同时导出本站人员的账号名、姓名、单位和角色（不含密码）"
        )

    def handle(self, *args, site, out, with_staff=False, **options):
        try:
            summary = export_site(site, out, with_staff=with_staff)
        except TransferError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已导出站点 {summary.site.hostname} 到 {summary.path}：{describe(summary)}")
