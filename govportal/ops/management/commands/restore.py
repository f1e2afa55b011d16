"""``govportal restore FILE --yes``: replace the database and the stored files from a backup, after checking
the whole archive against its manifest (govportal/ops/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from govportal.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从 govportal backup 的归档恢复数据库和上传文件（先校验整个归档，损坏的归档不会恢复）"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="govportal backup 生成的 .tar.gz 文件")
        parser.add_argument("--yes", action="store_true", help="确认用备份替换当前的数据库和文件")

    def handle(self, *args, archive, yes=False, **options):
        if not yes:
            raise CommandError("恢复会用备份替换当前的全部数据和文件。确认无误后请加 --yes 再执行。")
        try:
            summary = restore_backup(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已恢复：{summary.path}（{summary.engine} 数据库、{summary.files} 个文件）")
