"""``govportal site-import FILE [--hostname NEW] [--locality CODE] [--dry-run]``: a site exported by
``govportal site-export`` created under the platform's root, after the whole archive is checked
(govportal/ops/site_transfer.py)."""

from django.core.management.base import BaseCommand, CommandError

from govportal.ops.site_transfer import TransferError, describe, import_site


class Command(BaseCommand):
    help = "导入 govportal site-export 生成的站点归档（先校验整个归档；任何一项不符都不写入任何内容）"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="站点归档文件（.zip）")
        parser.add_argument("--hostname", help="新站点的域名（默认沿用归档中的域名）")
        parser.add_argument(
            "--locality", help="新站点的地区配置代码（默认沿用归档中的代码；复制到同一平台时必须另取）"
        )
        parser.add_argument("--dry-run", action="store_true", help="只核对和模拟导入，不写入数据库和文件")

    def handle(self, *args, archive, hostname=None, locality=None, dry_run=False, **options):
        try:
            summary = import_site(archive, hostname=hostname, locality=locality, dry_run=dry_run)
        except TransferError as exc:
            raise CommandError(str(exc)) from exc
        if dry_run:
            self.stdout.write(f"试运行通过：{summary.path} 可以导入；{describe(summary)}。未写入任何内容。")
            return
        site = summary.site
        self.stdout.write(f"已导入站点 {site.hostname}（编号 {site.pk}）：{describe(summary)}")
        if summary.passwords:
            self.stdout.write("导入人员的初始密码（只显示这一次；首次登录须修改密码）：")
            for username, password in summary.passwords.items():
                self.stdout.write(f"  {username}\t{password}")
        self.stdout.write(
            f"静态发布目录尚未生成本站页面：请运行 govportal publish-site --site {site.hostname}"
        )
