from django.core.management.base import BaseCommand, CommandError

from govportal.portal.columns import apply_profile
from govportal.portal.signals import bulk_load
from govportal.rules.profile import ProfileError, available_profiles, load_profile


class Command(BaseCommand):
    help = "加载一个地区的政策配置：建立单位和栏目责任表中的全部栏目（可重复执行，不影响已有内容）。"

    def add_arguments(self, parser):
        parser.add_argument("name", help=f"配置名称或目录，已内置：{', '.join(available_profiles())}")

    def handle(self, name, **options):
        try:
            profile = load_profile(name)
        except ProfileError as exc:
            raise CommandError(f"政策配置校验未通过：\n{exc}") from exc
        except FileNotFoundError as exc:
            raise CommandError(
                f"找不到政策配置「{name}」。已内置：{'、'.join(available_profiles())}"
            ) from exc
        with bulk_load():  # the site is rebuilt once at the end by the publish_rebuilds job
            report = apply_profile(profile)
        self.stdout.write(self.style.SUCCESS(f"已加载 {profile.name}（{profile.code}）：{report.summary()}"))
