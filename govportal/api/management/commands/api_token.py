"""``govportal api-token create NAME [--organisation ORG] [--site HOST|ID ...] [--all-sites] [--rate R]``,
``govportal api-token list`` and ``govportal api-token revoke ID``: tokens of the open API from the
command line (the raw token is printed once, only its hash is kept)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from govportal.api import tokens
from govportal.api.models import ApiConsumer


def _site(ref: str) -> Site:
    found = (
        Site.objects.filter(pk=int(ref)).first()
        if ref.isdigit()
        else Site.objects.filter(hostname=ref).first()
    )
    if found is None:
        names = "、".join(f"{s.pk} {s.hostname}" for s in Site.objects.order_by("pk")) or "（无）"
        raise CommandError(f"没有网站“{ref}”。现有网站：{names}")
    return found


class Command(BaseCommand):
    help = "开放接口令牌：create 创建（令牌只显示一次）、list 列出、revoke 停用"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="创建调用方和令牌")
        create.add_argument("name", help="调用方名称，如 省政府网站监管平台")
        create.add_argument("--organisation", default="", help="所属单位")
        create.add_argument("--site", action="append", default=[], help="可读取的网站（域名或编号，可多次）")
        create.add_argument("--all-sites", action="store_true", help="可读取全部网站")
        create.add_argument("--rate", default="", help="调用频率限制，如 60/m,3000/h；不填用平台默认值")
        create.add_argument("--note", default="")
        sub.add_parser("list", help="列出调用方")
        revoke = sub.add_parser("revoke", help="停用令牌")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action, **opts):
        getattr(self, f"_{action}")(**opts)

    def _create(self, name, organisation, site, all_sites, rate, note, **_):
        if not all_sites and not site:
            raise CommandError("请用 --site 指定可读取的网站，或用 --all-sites 允许读取全部网站。")
        if rate and not tokens.valid_rate(rate):
            raise CommandError(f"调用频率限制“{rate}”的格式不对，应如 60/m,3000/h。")
        sites = [] if all_sites else [_site(ref) for ref in site]
        consumer, raw = tokens.issue(
            name, organisation=organisation, sites=sites, all_sites=all_sites, rate=rate, note=note
        )
        self.stdout.write(f"已创建调用方 {consumer.pk}：{consumer}，可读取：{consumer.scope_label}")
        self.stdout.write("令牌（只显示这一次，请妥善交给调用方）：")
        self.stdout.write(raw)

    def _list(self, **_):
        for c in ApiConsumer.objects.prefetch_related("sites"):
            state = "启用" if c.active else "已停用"
            used = c.last_used_at.isoformat(timespec="seconds") if c.last_used_at else "从未调用"
            self.stdout.write(
                f"{c.pk}\t{c.token_prefix}…\t{state}\t{c}\t{c.scope_label}\t{c.rate or '默认频率'}\t{c.calls} 次\t{used}"
            )

    def _revoke(self, id, **_):
        consumer = ApiConsumer.objects.filter(pk=id).first()
        if consumer is None:
            raise CommandError(f"没有编号为 {id} 的调用方。")
        tokens.revoke(consumer)
        self.stdout.write(f"已停用 {consumer} 的令牌。")
