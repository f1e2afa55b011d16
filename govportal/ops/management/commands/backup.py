"""``govportal backup [--output FILE]``: the database and every stored file in one archive (govportal/ops/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from govportal.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "备份数据库和全部上传文件（含信件附件）到一个带清单和校验值的归档文件"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", help="归档文件路径（默认：当前目录下 govportal-backup-<时间>.tar.gz）"
        )

    def handle(self, *args, output=None, **options):
        try:
            summary = create_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已备份：{summary.path}（{summary.engine} 数据库、{summary.files} 个文件，共 {summary.bytes / 1048576:.1f} MB）"
        )
