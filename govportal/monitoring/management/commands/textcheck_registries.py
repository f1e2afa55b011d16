"""``govportal textcheck-registries seed|import|export``: the registries behind the text check."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...registries import ImportError_, export_xlsx, import_file, seed_registries


class Command(BaseCommand):
    help = "错敏信息检查词库：seed 导入起步清单；import 从 TSV/TOML/域名清单文件导入；export 导出为 xlsx。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="导入起步清单（可重复执行；已有条目保持管理员的修改）")
        seed.add_argument("--reset", action="store_true", help="把起步清单中的条目恢复为起步清单的内容")
        imp = sub.add_parser("import", help="从文件导入（格式同 govportal/textcheck/data/ 下的起步清单）")
        imp.add_argument("kind", choices=["sensitive", "expressions", "leaders", "blocked", "allowed"])
        imp.add_argument("file")
        imp.add_argument("--locality", default="", help="只用于该地区（默认：所有网站）")
        exp = sub.add_parser("export", help="导出全部词库为 xlsx")
        exp.add_argument("file")
        exp.add_argument("--locality", default=None)

    def handle(self, action, **options):

        if action == "seed":
            for report in seed_registries(update=options["reset"]):
                self.stdout.write(report.summary)
        elif action == "import":
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"找不到文件“{path}”")
            try:
                report = import_file(options["kind"], path.read_bytes(), options["locality"])
            except ImportError_ as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(report.summary)
            for p in report.problems:
                self.stdout.write(f"  {p}")
        else:
            Path(options["file"]).write_bytes(export_xlsx(options["locality"]))
            self.stdout.write(f"已导出到 {options['file']}")
