"""``govportal nginx-config``: the shipped nginx front (deploy/nginx/) filled in for this deployment."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govportal.ops.nginx import render, site_names
from govportal.security.headers import nginx_include


class Command(BaseCommand):
    help = (
        "按本机设置生成 nginx 前端配置（静态发布目录、静态文件、媒体文件、应用地址、站点域名、安全响应头）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="输出目录，如 /etc/nginx/govportal")
        parser.add_argument(
            "--app",
            default="127.0.0.1:8001",
            help="应用（gunicorn）的地址，默认 127.0.0.1:8001；多台应用节点用逗号分隔，如 10.0.0.11:8001,10.0.0.12:8001",
        )
        parser.add_argument(
            "--server-name", action="append", default=[], help="站点域名（默认取全部站点的域名）"
        )
        parser.add_argument("--headers-only", action="store_true", help="只生成 security-headers.conf")

    def handle(self, out, app, server_name, headers_only, **options):
        folder = Path(out)
        if headers_only:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "security-headers.conf").write_text(nginx_include())
            self.stdout.write(f"已写入 {folder / 'security-headers.conf'}")
            return
        try:
            main = render(folder, app=app, server_names=server_name or site_names())
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已写入 {main}；在 nginx.conf 的 http 段中 include 它，在最外层（http 段之外）include "
            f"{folder / 'govportal-main.conf'}（Debian：链接到 /etc/nginx/modules-enabled/），然后 nginx -t && nginx -s reload。"
        )
