"""``govportal demo``: prepare the demo (idempotently) and serve it."""

from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from govportal.accounts.demo import mark_demo_accounts
from govportal.accounts.models import Role, Staff, Unit, UnitKind
from govportal.portal.columns import apply_profile, create_subsite, home_for
from govportal.portal.demo_content import add_demo_items
from govportal.portal.demo_data import DemoDataError
from govportal.portal.signals import bulk_load
from govportal.rules.profile import load_profile

DEMO_PASSWORD = "Demo@2026"
DEMO_PROFILE = "qinzhou"


def _unit(locality: str, name_part: str, kind: str) -> Unit:
    units = Unit.objects.filter(locality=locality)
    return units.filter(name__contains=name_part).first() or units.filter(kind=kind).first() or units.first()


def demo_accounts(locality: str) -> list[tuple[str, str, Unit, list[str]]]:
    """(username, description, unit, roles) for one account of each role in DESIGN.md."""
    host = _unit(locality, "人民政府办公室", UnitKind.HOST_OFFICE)
    operator = _unit(locality, "电子政务", UnitKind.OPERATOR)
    edu = _unit(locality, "教育局", UnitKind.DEPARTMENT)
    hotline = _unit(locality, "12345", UnitKind.OTHER)
    if "12345" not in hotline.name:
        hotline = host
    return [
        ("site_admin", "网站管理员", operator, [Role.SITE_ADMIN]),
        ("host_office", "主办单位（政府办公室）", host, [Role.HOST_OFFICE]),
        ("operator", "承办单位（运维）", operator, [Role.OPERATOR]),
        ("hotline", "12345热线管理中心", hotline, [Role.HOTLINE]),
        ("edu_editor", "信息员", edu, [Role.EDITOR]),
        ("edu_chief", "科室负责人", edu, [Role.SECTION_CHIEF]),
        ("edu_leader", "分管领导", edu, [Role.DEPUTY_LEADER]),
        ("edu_head", "主要领导", edu, [Role.PRINCIPAL_LEADER]),
        ("host_leader", "主要领导（政府办公室）", host, [Role.PRINCIPAL_LEADER]),
    ]


class Command(BaseCommand):
    help = "准备演示数据（可重复执行）并启动网站。"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--debug", action="store_true", help="以调试模式（DEBUG）运行，仅限本机地址")

    def handle(self, no_serve, port, host="127.0.0.1", debug=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        # Pages are written to the publish directory once at the end (the publish_rebuilds job), not once
        # per demo item.
        with bulk_load():
            try:
                self._prepare(port)
            except DemoDataError as exc:  # a demo data file beside the profile: its message names it
                raise CommandError(str(exc)) from exc
        if not no_serve:
            call_command("serve", port=port, host=host, debug=debug)

    def _prepare(self, port):
        with transaction.atomic():
            report = apply_profile(load_profile(DEMO_PROFILE))
            accounts = self._accounts()
            home = home_for(DEMO_PROFILE)
            for unit in {a[2] for a in accounts if a[2].kind != UnitKind.HOST_OFFICE}:
                create_subsite(unit)
            created = add_demo_items(home)
        self.stdout.write(f"演示数据已就绪：{report.summary()}；新增演示信息 {created} 条。")
        for app in apps.get_app_configs():
            # Each app may prepare its own demo data: govportal/<app>/demo.py with prepare(home) -> str.
            if app.name.startswith("govportal.") and module_has_submodule(app.module, "demo"):
                with transaction.atomic():
                    said = import_module(f"{app.name}.demo").prepare(home)
                if said:
                    self.stdout.write(said)

        mark_demo_accounts()  # demo accounts: password alone, no second factor, no expiry (README)
        self._print_help(port, accounts)

    def _accounts(self):
        User = get_user_model()
        accounts = demo_accounts(DEMO_PROFILE)
        for username, label, unit, roles in accounts:
            user, created = User.objects.get_or_create(username=username, defaults={"first_name": label})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = True
                user.save()
            staff, _ = Staff.objects.get_or_create(user=user, defaults={"unit": unit, "roles": list(roles)})
            staff.unit, staff.roles = unit, list(roles)
            staff.save()
        root, created = User.objects.get_or_create(
            username="root", defaults={"is_superuser": True, "is_staff": True}
        )
        if created:
            root.set_password(DEMO_PASSWORD)
            root.save()
        return accounts

    def _print_help(self, port, accounts):
        base = f"http://127.0.0.1:{port}"
        lines = [
            "",
            f"  公众网站：  {base}/",
            f"  管理后台：  {base}/admin/",
            f"  演示账号（密码均为 {DEMO_PASSWORD}）：",
            f"    {'root':<12} 平台超级管理员",
        ]
        lines += [f"    {u:<12} {label}　{unit.name}" for u, label, unit, _ in accounts]
        self.stdout.write("\n".join(lines) + "\n")
